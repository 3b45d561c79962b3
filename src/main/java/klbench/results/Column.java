package klbench.results;

import java.util.ArrayList;
import java.util.List;

/**
 * The result columns of INTERFACE.md ("Results"), in order, with their types: the one definition
 * that the Parquet schema, {@code eval --json} and the report all read. Columns after
 * {@link #SAMPLES_PER_SECOND} are klbench's own additions (documented in the README).
 */
public enum Column {
  // identity
  RUN_ID(Type.STRING), RUN_NAME(Type.STRING), CONFIG_ID(Type.STRING), SEED(Type.LONG),
  VOCAB_SIZE(Type.INT), POLICY(Type.STRING), REFERENCE(Type.STRING), BEHAVIOUR(Type.STRING),
  ESTIMATOR(Type.STRING), VALUE_FN(Type.STRING), RULE(Type.STRING), CLAMP_LOG_RATIO(Type.DOUBLE),
  CLAMP_VALUE(Type.DOUBLE), RATIO_CLIP(Type.DOUBLE), BASELINE(Type.STRING), BATCH_SIZE(Type.INT),
  BATCHES(Type.INT), SAMPLES(Type.LONG),
  // truth
  KL(Type.DOUBLE), KL_FWD(Type.DOUBLE), KL_BEHAVIOUR(Type.DOUBLE), ENTROPY(Type.DOUBLE),
  GRAD_NORM(Type.DOUBLE), GRAD_FWD_NORM(Type.DOUBLE),
  // value
  VALUE_MEAN_EXACT(Type.DOUBLE), VALUE_STD_EXACT(Type.DOUBLE), VALUE_MEAN_MC(Type.DOUBLE),
  VALUE_MEAN_SE(Type.DOUBLE), VALUE_STD_MC(Type.DOUBLE), VALUE_BIAS(Type.DOUBLE),
  VALUE_REL_BIAS(Type.DOUBLE), VALUE_REL_STD(Type.DOUBLE),
  // gradient
  GRAD_BIAS_NORM_EXACT(Type.DOUBLE), GRAD_COS_EXACT(Type.DOUBLE), GRAD_COS_FWD_EXACT(Type.DOUBLE),
  GRAD_VAR_EXACT(Type.DOUBLE), GRAD_MSE_EXACT(Type.DOUBLE), GRAD_BIAS_NORM_MC(Type.DOUBLE),
  GRAD_COS_MC(Type.DOUBLE), GRAD_COS_FWD_MC(Type.DOUBLE), GRAD_VAR_MC(Type.DOUBLE),
  GRAD_MSE_MC(Type.DOUBLE), GRAD_MSE_SE(Type.DOUBLE), GRAD_REL_BIAS(Type.DOUBLE),
  GRAD_REL_RMSE(Type.DOUBLE),
  // checks
  VALUE_Z(Type.DOUBLE), GRAD_MSE_Z(Type.DOUBLE), CONSISTENT(Type.BOOLEAN),
  // sequence (SEQUENCES.md): at horizon 1 every other column is the single-token one
  HORIZON(Type.INT), CONTEXTS(Type.STRING), DISCOUNT(Type.DOUBLE), GRAD_FUTURE_SHARE(Type.DOUBLE),
  GRAD_COS_POS_EXACT(Type.DOUBLE), GRAD_COS_POS_MC(Type.DOUBLE),
  // cost: the only columns allowed to differ between reruns
  ELAPSED_MS(Type.DOUBLE), SAMPLES_PER_SECOND(Type.DOUBLE),
  // klbench's additions
  /** Null for a row with numbers; else why it has none (infeasible triple, overflow). */
  INFEASIBLE_REASON(Type.STRING),
  /**
   * Null, or, on a row that is not consistent, why Monte Carlo cannot be expected to match exact
   * there: much of an exact variance comes from tokens too rare to be drawn in this many samples.
   */
  MC_NOTE(Type.STRING),
  /**
   * cos(E[ĝ_B], G_pos_fwd), exact, where G_pos_fwd on row (t,c) is d_t(c) (p − q): a forward KL at
   * every position on the policy's own prefixes, which k3/loss follows on-policy (SEQUENCES.md).
   */
  GRAD_COS_POS_FWD_EXACT(Type.DOUBLE);

  public enum Type { STRING, INT, LONG, DOUBLE, BOOLEAN }

  private final Type type;

  Column(Type type) { this.type = type; }

  public Type type() { return type; }

  /** The column name: the enum name in snake_case, e.g. {@code grad_mse_exact}. */
  public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

  /** True for the timing columns, which may differ between reruns of the same grid. */
  public boolean isTiming() { return this == ELAPSED_MS || this == SAMPLES_PER_SECOND; }

  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (Column c : values()) out.add(c.id());
    return out;
  }
}
