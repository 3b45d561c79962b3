package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.i;
import static klbench.report.data.Derived.l;
import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The batch-size section's aggregate: per horizon, sampling, (estimator, baseline), batch size and
 * KL level, the gradient's relative RMSE, geometric mean over vocabulary sizes, policies (and
 * behaviours) — a ratio spanning decades is averaged on the log scale; and the same over every KL
 * level ({@code klLevel} null), which the PNG charts show.
 */
public record BatchCurves(List<Point> points) {

  /** {@code relRmseExact} and {@code relRmseMc} are √grad_mse / ‖G‖ of each kind apart; {@code configs} counts rows. */
  public record Point(int horizon, boolean onPolicy, String estimator, String baseline, int batchSize,
      Double klLevel, Double relRmse, Double relRmseExact, Double relRmseMc, long configs, boolean preset) {}

  /** True when {@code estimator} is a framework preset. */
  public boolean isPreset(String estimator) {
    return points.stream().anyMatch(p -> p.preset() && p.estimator().equals(estimator));
  }

  /** True when some point is on-policy: the PNG charts then show on-policy rows only. */
  public boolean anyOnPolicy() {
    return points.stream().anyMatch(Point::onPolicy);
  }

  /**
   * Ordered by horizon, on-policy first, estimator, baseline (reading order: {@link
   * Labels#baselineOrder}), KL level (all first) and batch size.
   */
  public static BatchCurves of(Dataset<Row> feasible) {
    List<Point> points = new ArrayList<>();
    for (Row r : Derived.eachAndAll(feasible.filter(expr("grad_rel_rmse > 0")),
            List.of("horizon", "on_policy", "estimator", "baseline", "batch_size"), "kl_level",
            expr("exp(avg(ln(grad_rel_rmse)))").as("rel_rmse"),
            expr("exp(avg(ln(sqrt(grad_mse_exact) / grad_norm)))").as("rel_rmse_exact"),
            expr("exp(avg(ln(sqrt(grad_mse_mc) / grad_norm)))").as("rel_rmse_mc"),
            expr("count(*)").as("n"),
            expr("bool_or(is_preset)").as("is_preset"))
        .collectAsList()) {
      points.add(new Point(i(r, "horizon"), r.getAs("on_policy"), s(r, "estimator"), s(r, "baseline"),
          i(r, "batch_size"), d(r, "kl_level"), d(r, "rel_rmse"), d(r, "rel_rmse_exact"), d(r, "rel_rmse_mc"),
          l(r, "n"), Boolean.TRUE.equals(r.getAs("is_preset"))));
    }
    points.sort(Comparator.comparingInt(Point::horizon)
        .thenComparing(Point::onPolicy, Comparator.reverseOrder())
        .thenComparing(Point::estimator)
        .thenComparingDouble(p -> Labels.baselineOrder(p.baseline()))
        .thenComparing(Point::baseline)
        .thenComparing(Point::klLevel, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingInt(Point::batchSize));
    return new BatchCurves(points);
  }
}
