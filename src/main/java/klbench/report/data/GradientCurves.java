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
 * The gradient section's aggregate, for one sampling (on- or off-policy): per KL level and
 * (value function, rule, clamps), the relative bias and 1 − cosine with G and G_fwd, averaged over
 * vocabulary sizes, policies, batch sizes (and behaviours off-policy). Rows with baseline none
 * only, when there are any (a baseline changes the variance, and for loo the bias too).
 */
public record GradientCurves(boolean onPolicy, boolean baselineNone, List<Point> points) {

  /** One point: a (value function, rule, clamps) at one KL level. {@code withCos} counts rows with a cosine. */
  public record Point(Double klLevel, String valueFn, String rule, Double clampLogRatio, Double clampValue,
      Double ratioClip, Double relBias, Double oneMinusCos, Double oneMinusCosFwd, long withCos, long rows) {}

  /** The curves of one sampling, ordered by value function, rule, clamps and KL level. */
  public static GradientCurves of(Dataset<Row> feasible, Facts facts, boolean onPolicy) {
    Dataset<Row> mode = feasible.filter(col("on_policy").equalTo(onPolicy));
    boolean hasNone = (onPolicy ? facts.onPolicyNone() : facts.offPolicyNone()) > 0;
    Dataset<Row> chosen = hasNone ? mode.filter(col("baseline").equalTo("none")) : mode;
    List<Point> points = new ArrayList<>();
    for (Row r : chosen
        .groupBy("kl_level", "value_fn", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip")
        .agg(expr("avg(grad_rel_bias)").as("rel_bias"),
            expr("avg(1 - cos_g)").as("one_minus_cos"),
            expr("avg(1 - cos_fwd)").as("one_minus_cos_fwd"),
            expr("count(cos_g)").as("with_cos"), expr("count(*)").as("n"))
        .orderBy("value_fn", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip", "kl_level")
        .collectAsList()) {
      points.add(new Point(d(r, "kl_level"), s(r, "value_fn"), s(r, "rule"), d(r, "clamp_log_ratio"),
          d(r, "clamp_value"), d(r, "ratio_clip"), d(r, "rel_bias"), d(r, "one_minus_cos"),
          d(r, "one_minus_cos_fwd"), l(r, "with_cos"), l(r, "n")));
    }
    return new GradientCurves(onPolicy, hasNone, points);
  }
}
