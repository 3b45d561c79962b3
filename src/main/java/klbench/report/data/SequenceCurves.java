package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.i;
import static klbench.report.data.Derived.l;
import static klbench.report.data.Derived.s;
import static klbench.report.data.Derived.strings;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The sequence section's aggregates (SEQUENCES.md): the gradient's relative bias and its direction
 * against the sequence-level G_seq, the per-position G_pos and the forward G_seq_fwd, per
 * (value function, rule, clamps) against the horizon; and the truth {@code grad_future_share}, the
 * part of G_seq that flows through future tokens, per context count against the horizon.
 *
 * <p>Each point is a mean over the replicated configurations (vocabulary sizes, policies, and
 * behaviours off-policy) of one sampling, context count, discount (the gradient curves) and
 * horizon, at one KL level and batch size, and again over every KL level, every batch size, and
 * both ({@code klLevel} or {@code batchSize} null: "all"). Like the gradient section's curves,
 * the rows of baseline none only, where the sampling has them. The KL level is per position
 * ({@code klbench.report.ResultViews#KL_LEVEL}), so that one target KL is one level at every
 * horizon.
 */
public record SequenceCurves(List<Gradient> gradients, List<FutureShare> futureShares, boolean onPolicyNone,
    boolean offPolicyNone) {

  /**
   * One point of the gradient curves. The plotted values take the exact value where the rows have
   * one; {@code ...Exact} and {@code ...Mc} are the two kinds apart. {@code estimators} are the
   * estimators (names in the grid) with this value function, rule and clamps.
   */
  public record Gradient(boolean onPolicy, Double klLevel, Integer batchSize, String contexts, double discount,
      int horizon, String valueFn, String rule, Double clampLogRatio, Double clampValue, Double ratioClip,
      Double relBias, Double relBiasExact, Double relBiasMc, Double oneMinusCos, Double oneMinusCosExact,
      Double oneMinusCosMc, Double oneMinusCosPos, Double oneMinusCosPosExact, Double oneMinusCosPosMc,
      Double oneMinusCosFwd, Double oneMinusCosFwdExact, Double oneMinusCosFwdMc, long rows,
      List<String> estimators) {}

  /**
   * One point of the future share: the mean of {@code grad_future_share} over the {@code models}
   * distinct (vocabulary size, policy, reference) of one sampling, context count and horizon. It
   * is a property of P and Q alone: every estimator, baseline, discount and behaviour of a model
   * has the same value, so each model counts once.
   */
  public record FutureShare(boolean onPolicy, Double klLevel, Integer batchSize, String contexts, int horizon,
      Double share, long models) {}

  /** The sequence curves of the feasible rows ({@link Derived#feasible}), ordered for drawing. */
  public static SequenceCurves of(Dataset<Row> feasible, Facts facts) {
    Dataset<Row> chosen = feasible.filter(Derived.baselineNoneWhereSampled(facts));
    List<Column> aggs = new ArrayList<>(Derived.relBiasMeans());
    aggs.addAll(Derived.oneMinusCosMeans("cos_g", "grad_cos", "one_minus_cos"));
    aggs.addAll(Derived.oneMinusCosMeans("cos_pos", "grad_cos_pos", "one_minus_cos_pos"));
    aggs.addAll(Derived.oneMinusCosMeans("cos_fwd", "grad_cos_fwd", "one_minus_cos_fwd"));
    aggs.addAll(List.of(expr("count(*)").as("n"), expr("array_sort(collect_set(estimator))").as("estimators")));
    List<Gradient> gradients = new ArrayList<>();
    for (Row r : Derived.eachAndAll(chosen,
            List.of("on_policy", "contexts", "discount", "horizon", "value_fn", "rule", "clamp_log_ratio",
                "clamp_value", "ratio_clip"),
            List.of("kl_level", "batch_size"), aggs)
        .collectAsList()) {
      gradients.add(new Gradient(r.getAs("on_policy"), d(r, "kl_level"), i(r, "batch_size"), s(r, "contexts"),
          d(r, "discount"), i(r, "horizon"), s(r, "value_fn"), s(r, "rule"), d(r, "clamp_log_ratio"),
          d(r, "clamp_value"), d(r, "ratio_clip"), d(r, "rel_bias"), d(r, "rel_bias_exact"), d(r, "rel_bias_mc"),
          d(r, "one_minus_cos"), d(r, "one_minus_cos_exact"), d(r, "one_minus_cos_mc"), d(r, "one_minus_cos_pos"),
          d(r, "one_minus_cos_pos_exact"), d(r, "one_minus_cos_pos_mc"), d(r, "one_minus_cos_fwd"),
          d(r, "one_minus_cos_fwd_exact"), d(r, "one_minus_cos_fwd_mc"), l(r, "n"), strings(r, "estimators")));
    }
    Comparator<Double> num = Comparator.nullsFirst(Comparator.naturalOrder());
    Comparator<String> str = Comparator.nullsFirst(Comparator.naturalOrder());
    gradients.sort(Comparator.comparing(Gradient::onPolicy, Comparator.reverseOrder())
        .thenComparing(Gradient::valueFn, str).thenComparing(Gradient::rule, str)
        .thenComparing(Gradient::clampLogRatio, num).thenComparing(Gradient::clampValue, num)
        .thenComparing(Gradient::ratioClip, num).thenComparing(Gradient::contexts, Labels.CONTEXTS)
        .thenComparing(Gradient::discount, Comparator.reverseOrder())
        .thenComparing(Gradient::klLevel, num)
        .thenComparing(Gradient::batchSize, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingInt(Gradient::horizon));

    // One row per model (and sampling, KL level, batch size, context count, horizon): the share
    // repeats on every estimator, baseline, discount and behaviour of the model. Over every batch
    // size a model counts once per batch size: the grid gives every model the same batch sizes.
    Dataset<Row> perModel = feasible.filter(col("grad_future_share").isNotNull())
        .groupBy("on_policy", "kl_level", "batch_size", "contexts", "horizon", "vocab_size", "policy", "reference")
        .agg(expr("first(grad_future_share)").as("grad_future_share"));
    List<FutureShare> shares = new ArrayList<>();
    for (Row r : Derived.eachAndAll(perModel, List.of("on_policy", "contexts", "horizon"),
            List.of("kl_level", "batch_size"),
            expr("avg(grad_future_share)").as("share"),
            expr("count(DISTINCT vocab_size, policy, reference)").as("n"))
        .collectAsList()) {
      shares.add(new FutureShare(r.getAs("on_policy"), d(r, "kl_level"), i(r, "batch_size"), s(r, "contexts"),
          i(r, "horizon"), d(r, "share"), l(r, "n")));
    }
    shares.sort(Comparator.comparing(FutureShare::onPolicy, Comparator.reverseOrder())
        .thenComparing(FutureShare::contexts, Labels.CONTEXTS)
        .thenComparing(FutureShare::klLevel, num)
        .thenComparing(FutureShare::batchSize, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingInt(FutureShare::horizon));
    return new SequenceCurves(gradients, shares, facts.onPolicyNone() > 0, facts.offPolicyNone() > 0);
  }
}
