package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.i;
import static klbench.report.data.Derived.l;
import static klbench.report.data.Derived.s;
import static klbench.report.data.Derived.strings;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The value section's aggregate: per horizon, sampling, KL level, value function (with its
 * clamps) and batch size, the per-token value's relative bias and standard deviation, averaged
 * over the replicated configurations; and the same over every batch size ({@code batchSize}
 * null: independent samples of the same tokens' distribution), which the table and the PNG charts
 * show.
 */
public final class ValueCurves {
  private ValueCurves() {}

  /**
   * One point: a value function at one KL level, sampling and batch size (null: all). {@code
   * relBiasExact}, {@code relBiasMc} ± {@code relBiasMcSe} are the signed relative bias (E f −
   * KL)/KL; {@code relStdExact}, {@code relStdMc} the relative standard deviation sd(f)/KL.
   */
  public record Point(int horizon, boolean onPolicy, Double klLevel, String valueFn, Double clampLogRatio,
      Double clampValue, Integer batchSize, Double absRelBias, Double relBiasExact, Double relBiasMc,
      Double relBiasMcSe, Double relStd, Double relStdExact, Double relStdMc, Double maxZ, long triples,
      List<String> estimators) {}

  /** Ordered by horizon, on-policy first, KL level, value function, clamps, batch size (all last). */
  public static List<Point> of(Dataset<Row> feasible) {
    // Step 1: one row per (triple, value function with clamps, batch size): every estimator with
    // that value function sees the same tokens for one batch size, so its value rows repeat.
    Dataset<Row> perTriple = feasible
        .groupBy("horizon", "vocab_size", "policy", "reference", "behaviour", "value_fn", "clamp_log_ratio",
            "clamp_value", "batch_size", "batches")
        .agg(expr("first(on_policy)").as("on_policy"), expr("first(kl_level)").as("kl_level"),
            expr("first(kl)").as("kl"), expr("first(value_mean_exact, true)").as("value_mean_exact"),
            expr("first(value_std_exact, true)").as("value_std_exact"),
            expr("first(value_mean_mc, true)").as("value_mean_mc"),
            expr("first(value_mean_se, true)").as("value_mean_se"),
            expr("first(value_std_mc, true)").as("value_std_mc"),
            expr("first(value_rel_bias, true)").as("value_rel_bias"),
            expr("first(value_rel_std, true)").as("value_rel_std"),
            expr("first(value_z, true)").as("value_z"),
            expr("collect_set(estimator)").as("estimators"));
    // Step 2: means over the replicated configurations, per batch size and over all of them.
    List<Point> out = new ArrayList<>();
    for (Row r : Derived.eachAndAll(perTriple,
            List.of("horizon", "on_policy", "kl_level", "value_fn", "clamp_log_ratio", "clamp_value"), "batch_size",
            expr("avg(abs(value_rel_bias))").as("abs_rel_bias"),
            expr("avg((value_mean_exact - kl) / kl)").as("rel_bias_exact"),
            expr("avg((value_mean_mc - kl) / kl)").as("rel_bias_mc"),
            expr("sqrt(sum(pow(value_mean_se / kl, 2))) / count(value_mean_se)").as("rel_bias_mc_se"),
            expr("avg(value_rel_std)").as("rel_std"),
            expr("avg(value_std_exact / kl)").as("rel_std_exact"),
            expr("avg(value_std_mc / kl)").as("rel_std_mc"),
            expr("max(abs(value_z))").as("max_z"),
            expr("count(DISTINCT vocab_size, policy, reference, behaviour)").as("triples"),
            expr("array_sort(array_distinct(flatten(collect_list(estimators))))").as("estimators"))
        .collectAsList()) {
      out.add(new Point(i(r, "horizon"), r.getAs("on_policy"), d(r, "kl_level"), s(r, "value_fn"),
          d(r, "clamp_log_ratio"), d(r, "clamp_value"), i(r, "batch_size"), d(r, "abs_rel_bias"),
          d(r, "rel_bias_exact"), d(r, "rel_bias_mc"), d(r, "rel_bias_mc_se"), d(r, "rel_std"),
          d(r, "rel_std_exact"), d(r, "rel_std_mc"), d(r, "max_z"), l(r, "triples"), strings(r, "estimators")));
    }
    out.sort(Comparator.comparingInt(Point::horizon)
        .thenComparing(Point::onPolicy, Comparator.reverseOrder())
        .thenComparing(Point::klLevel, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Point::valueFn, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Point::clampLogRatio, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Point::clampValue, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Point::batchSize, Comparator.nullsLast(Comparator.naturalOrder())));
    return out;
  }
}
