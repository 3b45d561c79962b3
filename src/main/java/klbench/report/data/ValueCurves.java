package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.l;
import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The value section's aggregate: per sampling, KL level and value function (with its clamps), the
 * per-token value's relative bias and standard deviation, averaged over the replicated
 * configurations and batch sizes (independent samples of the same tokens' distribution).
 */
public final class ValueCurves {
  private ValueCurves() {}

  /** One point: a value function at one KL level and sampling. */
  public record Point(boolean onPolicy, Double klLevel, String valueFn, Double clampLogRatio, Double clampValue,
      Double absRelBias, Double relBiasExact, Double relBiasMc, Double relBiasMcSe, Double relStd, Double maxZ,
      long triples) {}

  /** Ordered on-policy first, then by KL level, value function and clamps. */
  public static List<Point> of(Dataset<Row> feasible) {
    // Step 1: one row per (triple, value function with clamps, batch size): every estimator with
    // that value function sees the same tokens for one batch size, so its value rows repeat.
    Dataset<Row> perTriple = feasible
        .groupBy("vocab_size", "policy", "reference", "behaviour", "value_fn", "clamp_log_ratio",
            "clamp_value", "batch_size", "batches")
        .agg(expr("first(on_policy)").as("on_policy"), expr("first(kl_level)").as("kl_level"),
            expr("first(kl)").as("kl"), expr("first(value_mean_exact, true)").as("value_mean_exact"),
            expr("first(value_std_exact, true)").as("value_std_exact"),
            expr("first(value_mean_mc, true)").as("value_mean_mc"),
            expr("first(value_mean_se, true)").as("value_mean_se"),
            expr("first(value_rel_bias, true)").as("value_rel_bias"),
            expr("first(value_rel_std, true)").as("value_rel_std"),
            expr("first(value_z, true)").as("value_z"));
    // Step 2: means over the replicated configurations (and batch sizes: independent samples).
    List<Point> out = new ArrayList<>();
    for (Row r : perTriple
        .groupBy("on_policy", "kl_level", "value_fn", "clamp_log_ratio", "clamp_value")
        .agg(expr("avg(abs(value_rel_bias))").as("abs_rel_bias"),
            expr("avg((value_mean_exact - kl) / kl)").as("rel_bias_exact"),
            expr("avg((value_mean_mc - kl) / kl)").as("rel_bias_mc"),
            expr("sqrt(sum(pow(value_mean_se / kl, 2))) / count(value_mean_se)").as("rel_bias_mc_se"),
            expr("avg(value_rel_std)").as("rel_std"),
            expr("max(abs(value_z))").as("max_z"),
            expr("count(DISTINCT vocab_size, policy, reference, behaviour)").as("triples"))
        .orderBy(col("on_policy").desc(), col("kl_level"), col("value_fn"), col("clamp_log_ratio"),
            col("clamp_value"))
        .collectAsList()) {
      out.add(new Point(r.getAs("on_policy"), d(r, "kl_level"), s(r, "value_fn"), d(r, "clamp_log_ratio"),
          d(r, "clamp_value"), d(r, "abs_rel_bias"), d(r, "rel_bias_exact"), d(r, "rel_bias_mc"),
          d(r, "rel_bias_mc_se"), d(r, "rel_std"), d(r, "max_z"), l(r, "triples")));
    }
    return out;
  }
}
