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
 * The gradient section's aggregate, for one sampling (on- or off-policy): per horizon, KL level,
 * (value function, rule, clamps) and batch size, the relative bias and 1 − cosine with G and
 * G_fwd, averaged over vocabulary sizes and policies (and behaviours off-policy); and the same
 * over every batch size ({@code batchSize} null), which the PNG charts show. Rows with baseline
 * none only, when there are any (a baseline changes the variance, and for loo the bias too).
 */
public record GradientCurves(boolean onPolicy, boolean baselineNone, List<Point> points) {

  /**
   * One point: a (value function, rule, clamps) at one KL level and batch size (null: all). The
   * plotted values take the exact value where the rows have one; {@code ...Exact} and {@code
   * ...Mc} are the two kinds apart. {@code withCos} counts rows with a cosine, {@code estimators}
   * the estimators (names in the grid) with this value function, rule and clamps.
   */
  public record Point(int horizon, Double klLevel, String valueFn, String rule, Double clampLogRatio,
      Double clampValue, Double ratioClip, Integer batchSize, Double relBias, Double relBiasExact,
      Double relBiasMc, Double oneMinusCos, Double oneMinusCosExact, Double oneMinusCosMc, Double oneMinusCosFwd,
      Double oneMinusCosFwdExact, Double oneMinusCosFwdMc, long withCos, long rows, List<String> estimators) {}

  /** The curves of one sampling, ordered by horizon, value function, rule, clamps, KL level, batch size (all last). */
  public static GradientCurves of(Dataset<Row> feasible, Facts facts, boolean onPolicy) {
    Dataset<Row> mode = feasible.filter(col("on_policy").equalTo(onPolicy));
    boolean hasNone = (onPolicy ? facts.onPolicyNone() : facts.offPolicyNone()) > 0;
    Dataset<Row> chosen = mode.filter(Derived.baselineNoneWhereSampled(facts));
    List<Point> points = new ArrayList<>();
    List<Column> aggs = new ArrayList<>(Derived.relBiasMeans());
    aggs.addAll(Derived.oneMinusCosMeans("cos_g", "grad_cos", "one_minus_cos"));
    aggs.addAll(Derived.oneMinusCosMeans("cos_fwd", "grad_cos_fwd", "one_minus_cos_fwd"));
    aggs.addAll(List.of(expr("count(cos_g)").as("with_cos"), expr("count(*)").as("n"),
        expr("array_sort(collect_set(estimator))").as("estimators")));
    for (Row r : Derived.eachAndAll(chosen,
            List.of("horizon", "kl_level", "value_fn", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip"),
            List.of("batch_size"), aggs)
        .collectAsList()) {
      points.add(new Point(i(r, "horizon"), d(r, "kl_level"), s(r, "value_fn"), s(r, "rule"),
          d(r, "clamp_log_ratio"), d(r, "clamp_value"), d(r, "ratio_clip"), i(r, "batch_size"), d(r, "rel_bias"),
          d(r, "rel_bias_exact"), d(r, "rel_bias_mc"), d(r, "one_minus_cos"), d(r, "one_minus_cos_exact"),
          d(r, "one_minus_cos_mc"), d(r, "one_minus_cos_fwd"), d(r, "one_minus_cos_fwd_exact"),
          d(r, "one_minus_cos_fwd_mc"), l(r, "with_cos"), l(r, "n"), strings(r, "estimators")));
    }
    Comparator<Double> num = Comparator.nullsFirst(Comparator.naturalOrder());
    Comparator<String> str = Comparator.nullsFirst(Comparator.naturalOrder());
    points.sort(Comparator.comparingInt(Point::horizon)
        .thenComparing(Point::valueFn, str).thenComparing(Point::rule, str)
        .thenComparing(Point::clampLogRatio, num).thenComparing(Point::clampValue, num)
        .thenComparing(Point::ratioClip, num).thenComparing(Point::klLevel, num)
        .thenComparing(Point::batchSize, Comparator.nullsLast(Comparator.naturalOrder())));
    return new GradientCurves(onPolicy, hasNone, points);
  }
}
