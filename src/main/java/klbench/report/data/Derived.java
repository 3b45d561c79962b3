package klbench.report.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's split of the latest rows ({@code klbench.report.ResultViews#latest}) into rows
 * without numbers (infeasible: listed apart, in no average) and rows with numbers, to which it
 * adds the per-row quantities every aggregate averages.
 */
public final class Derived {
  private Derived() {}

  /** Why a row has no numbers: its {@code infeasible_reason}, or a note when none was recorded. */
  static final String REASON =
      "coalesce(infeasible_reason, CASE WHEN value_mean_mc IS NULL AND grad_mse_mc IS NULL "
          + "AND grad_mse_exact IS NULL THEN 'no numbers (no reason recorded by this run)' END)";

  /** The rows without numbers, with their column {@code reason}. */
  public static Dataset<Row> infeasible(Dataset<Row> latest) {
    return latest.withColumn("reason", expr(REASON)).filter(col("reason").isNotNull());
  }

  /** The rows with numbers, with {@link #metrics}. */
  public static Dataset<Row> feasible(Dataset<Row> latest) {
    return metrics(latest.filter(expr(REASON).isNull()));
  }

  /**
   * Adds {@code cos_g}, {@code cos_fwd}, {@code cos_pos} (the cosines of E[ĝ] with G, G_fwd and,
   * over responses, the per-position G_pos), {@code bias_sq} (‖E[ĝ] − G‖²) and {@code var} (tr Cov
   * ĝ): exact where the row has exact gradient metrics at all, else Monte Carlo.
   */
  public static Dataset<Row> metrics(Dataset<Row> rows) {
    return rows
        // An exact null cosine means E[ĝ] = 0, not "unknown": the noisy Monte Carlo cosine must
        // not stand in for it.
        .withColumn("cos_g", expr("CASE WHEN grad_mse_exact IS NOT NULL THEN grad_cos_exact ELSE grad_cos_mc END"))
        .withColumn("cos_fwd", expr("CASE WHEN grad_mse_exact IS NOT NULL THEN grad_cos_fwd_exact ELSE grad_cos_fwd_mc END"))
        .withColumn("cos_pos", expr("CASE WHEN grad_mse_exact IS NOT NULL THEN grad_cos_pos_exact ELSE grad_cos_pos_mc END"))
        .withColumn("bias_sq", expr("pow(coalesce(grad_bias_norm_exact, grad_bias_norm_mc), 2)"))
        .withColumn("var", expr("coalesce(grad_var_exact, grad_var_mc)"));
  }

  /**
   * The means of the gradient's relative bias over a group of {@link #feasible} rows: {@code
   * rel_bias} (the plotted one, exact where it exists), {@code rel_bias_exact} and {@code
   * rel_bias_mc}.
   */
  static List<Column> relBiasMeans() {
    return List.of(expr("avg(grad_rel_bias)").as("rel_bias"),
        expr("avg(grad_bias_norm_exact / grad_norm)").as("rel_bias_exact"),
        expr("avg(grad_bias_norm_mc / grad_norm)").as("rel_bias_mc"));
  }

  /**
   * The rows the gradient curves draw: baseline {@code none} where the row's sampling (on- or
   * off-policy) has it, else every baseline of that sampling. A baseline changes the variance, and
   * off-policy the token rules' E[ĝ], so curves compare estimators without one where they can.
   */
  static Column baselineNoneWhereSampled(Facts facts) {
    return expr("baseline = 'none' OR NOT (CASE WHEN on_policy THEN " + (facts.onPolicyNone() > 0) + " ELSE "
        + (facts.offPolicyNone() > 0) + " END)");
  }

  /**
   * The means of 1 − a cosine of E[ĝ] over a group of {@link #feasible} rows: of {@code plotted}
   * (a column of {@link #metrics}, exact where it exists) as {@code name}, and of {@code
   * <column>_exact} and {@code <column>_mc} as {@code <name>_exact} and {@code <name>_mc}.
   */
  static List<Column> oneMinusCosMeans(String plotted, String column, String name) {
    return List.of(expr("avg(1 - " + plotted + ")").as(name),
        expr("avg(1 - " + column + "_exact)").as(name + "_exact"),
        expr("avg(1 - " + column + "_mc)").as(name + "_mc"));
  }

  /** The column {@code c} of {@code r} as a double, or null. */
  public static Double d(Row r, String c) {
    Object o = r.getAs(c);
    return o == null ? null : ((Number) o).doubleValue();
  }

  static String s(Row r, String c) {
    Object o = r.getAs(c);
    return o == null ? null : o.toString();
  }

  /**
   * The aggregate {@code aggs} of {@code rows} per {@code keys} and {@code dim}, and again per
   * {@code keys} alone with {@code dim} null: "all", a mean over every value of {@code dim}. The
   * page's filter for {@code dim} (a batch size, a KL level) picks one or the other; nothing is
   * averaged again in the browser.
   */
  static Dataset<Row> eachAndAll(Dataset<Row> rows, List<String> keys, String dim, Column... aggs) {
    return eachAndAll(rows, keys, List.of(dim), aggs);
  }

  /**
   * {@link #eachAndAll(Dataset, List, String, Column...)} over several filter dimensions: the
   * aggregate per {@code keys} and every subset of {@code dims}, the dimensions left out being
   * null ("all": a mean over every value of each of them, together).
   */
  static Dataset<Row> eachAndAll(Dataset<Row> rows, List<String> keys, List<String> dims, List<Column> aggs) {
    return eachAndAll(rows, keys, dims, aggs.toArray(new Column[0]));
  }

  static Dataset<Row> eachAndAll(Dataset<Row> rows, List<String> keys, List<String> dims, Column... aggs) {
    Column first = aggs[0];
    Column[] rest = Arrays.copyOfRange(aggs, 1, aggs.length);
    Dataset<Row> out = null;
    for (int mask = 0; mask < 1 << dims.size(); mask++) {
      List<String> by = new ArrayList<>(keys);
      List<String> all = new ArrayList<>();
      for (int d = 0; d < dims.size(); d++) {
        if ((mask & 1 << d) == 0) by.add(dims.get(d));
        else all.add(dims.get(d));
      }
      Dataset<Row> part = rows.groupBy(by.stream().map(k -> col(k)).toArray(Column[]::new)).agg(first, rest);
      for (String d : all) part = part.withColumn(d, lit(null).cast(rows.schema().apply(d).dataType()));
      out = out == null ? part : out.unionByName(part);
    }
    return out;
  }

  /** The column {@code c} of {@code r} as a list of strings (an array column), empty when null. */
  static List<String> strings(Row r, String c) {
    int k = r.fieldIndex(c);
    if (r.isNullAt(k)) return List.of();
    List<Object> v = r.getList(k);
    return v.stream().map(String::valueOf).toList();
  }

  /** The column {@code c} of {@code r} as an Integer, or null. */
  static Integer i(Row r, String c) {
    Object o = r.getAs(c);
    return o == null ? null : ((Number) o).intValue();
  }

  static long l(Row r, String c) {
    Object o = r.getAs(c);
    return o == null ? 0 : ((Number) o).longValue();
  }
}
