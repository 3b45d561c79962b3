package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The batch-size section's aggregate: per (estimator, baseline, batch size), the gradient's
 * relative RMSE, geometric mean over KL levels, vocabulary sizes and policies (a ratio spanning
 * decades is averaged on the log scale). On-policy rows when there are any, else all rows.
 */
public record BatchCurves(boolean onPolicyOnly, List<Point> points) {

  public record Point(String estimator, String baseline, int batchSize, Double relRmse, boolean preset) {}

  /** True when {@code estimator} is a framework preset. */
  public boolean isPreset(String estimator) {
    return points.stream().anyMatch(p -> p.preset() && p.estimator().equals(estimator));
  }

  /** Ordered by estimator, baseline (reading order: {@link Labels#baselineOrder}) and batch size. */
  public static BatchCurves of(Dataset<Row> feasible, Facts facts) {
    boolean anyOn = facts.onPolicy() > 0;
    Dataset<Row> chosen = anyOn ? feasible.filter(col("on_policy")) : feasible;
    List<Point> points = new ArrayList<>();
    for (Row r : chosen.filter(expr("grad_rel_rmse > 0"))
        .groupBy("estimator", "baseline", "batch_size")
        .agg(expr("exp(avg(ln(grad_rel_rmse)))").as("rel_rmse"), expr("bool_or(is_preset)").as("is_preset"))
        .collectAsList()) {
      points.add(new Point(s(r, "estimator"), s(r, "baseline"), ((Number) r.getAs("batch_size")).intValue(),
          d(r, "rel_rmse"), Boolean.TRUE.equals(r.getAs("is_preset"))));
    }
    points.sort(Comparator.comparing(Point::estimator)
        .thenComparingDouble(p -> Labels.baselineOrder(p.baseline()))
        .thenComparing(Point::baseline)
        .thenComparingInt(Point::batchSize));
    return new BatchCurves(anyOn, points);
  }
}
