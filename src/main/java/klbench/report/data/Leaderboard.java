package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.l;
import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import klbench.report.ranking.Board;
import klbench.report.ranking.Entry;
import klbench.report.ranking.Ranking;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The leaderboard aggregate: per (kl_level, on_policy, batch_size, estimator, baseline), means over
 * the replicated configurations, ranked by {@link Ranking}. The same dataset is the SQL view
 * {@code leaderboard} of {@code query}.
 *
 * <p>The relative RMSE "exact" and "MC" are √grad_mse / ‖G‖ from grad_mse_exact and grad_mse_mc;
 * the MC standard error follows from grad_mse_se by the delta method, combined over the
 * configurations as √(Σ se²)/n.
 */
public final class Leaderboard {
  private Leaderboard() {}

  /**
   * The aggregate of the feasible rows ({@link Derived#feasible}), with the ranking's columns
   * {@code rank_key}, {@code place} (1 for the first of its table), {@code unbiased_ish}, {@code
   * a_gradient} and {@code bias_within_noise}; ordered as the tables are, then by place.
   */
  public static Dataset<Row> of(Dataset<Row> feasible) {
    Dataset<Row> agg = feasible
        .groupBy("kl_level", "on_policy", "batch_size", "estimator", "baseline")
        .agg(
            expr("avg(grad_rel_rmse)").as("rel_rmse"),
            expr("avg(grad_rel_bias)").as("rel_bias"),
            expr("avg(bias_sq / (bias_sq + var))").as("bias_share"),
            expr("avg(var / (bias_sq + var))").as("var_share"),
            expr("avg(cos_g)").as("cos_g"),
            expr("avg(cos_fwd)").as("cos_fwd"),
            expr("avg(sqrt(grad_mse_exact) / grad_norm)").as("rel_rmse_exact"),
            expr("avg(sqrt(grad_mse_mc) / grad_norm)").as("rel_rmse_mc"),
            expr("sqrt(sum(pow(grad_mse_se / (2 * sqrt(grad_mse_mc)) / grad_norm, 2))) / count(grad_mse_se)")
                .as("rel_rmse_mc_se"),
            expr("count(*)").as("configs"),
            expr("min(batches)").as("min_batches"),
            expr("count_if(NOT coalesce(consistent, true))").as("inconsistent"),
            expr("greatest(max(abs(value_z)), max(abs(grad_mse_z)))").as("max_abs_z"),
            expr("bool_or(is_preset)").as("is_preset"))
        .withColumn("rank_key", expr(Ranking.RANK_KEY))
        .withColumn("unbiased_ish", expr(Ranking.UNBIASED_ISH_RULE))
        .withColumn("a_gradient", expr(Ranking.A_GRADIENT_RULE))
        .withColumn("bias_within_noise", expr(Ranking.BIAS_WITHIN_NOISE_RULE));
    Column[] within = Ranking.withinTable();
    return agg
        .withColumn("place", row_number().over(
            Window.partitionBy("kl_level", "on_policy", "batch_size").orderBy(within)))
        .orderBy(Stream.concat(Stream.of(Ranking.tables()), Stream.of(within)).toArray(Column[]::new));
  }

  /** The tables of the aggregate ({@link #of}), in order, each with its entries in order. */
  public static Map<Board, List<Entry>> boards(Dataset<Row> leaderboard) {
    Map<Board, List<Entry>> boards = new LinkedHashMap<>();
    for (Row r : leaderboard.collectAsList()) {
      Entry e = entry(r);
      boards.computeIfAbsent(e.board(), k -> new ArrayList<>()).add(e);
    }
    return boards;
  }

  static Entry entry(Row r) {
    return new Entry(d(r, "kl_level"), r.getAs("on_policy"), ((Number) r.getAs("batch_size")).intValue(),
        s(r, "estimator"), s(r, "baseline"), d(r, "rel_rmse"), d(r, "rel_bias"), d(r, "bias_share"),
        d(r, "var_share"), d(r, "cos_g"), d(r, "cos_fwd"), d(r, "rel_rmse_exact"), d(r, "rel_rmse_mc"),
        d(r, "rel_rmse_mc_se"), l(r, "configs"), l(r, "inconsistent"), d(r, "max_abs_z"), l(r, "min_batches"),
        Boolean.TRUE.equals(r.getAs("is_preset")), r.getAs("unbiased_ish"), r.getAs("a_gradient"),
        r.getAs("bias_within_noise"));
  }

  /** Per (KL level, sampling) of the feasible rows: what a leaderboard table averages over. */
  public record Replicates(double klLevel, boolean onPolicy, List<Object> vocabSizes, List<Object> policies,
      List<Object> references, List<Object> behaviours) {}

  public static List<Replicates> replicates(Dataset<Row> feasible) {
    List<Replicates> out = new ArrayList<>();
    for (Row r : feasible.groupBy("kl_level", "on_policy")
        .agg(expr("array_sort(collect_set(vocab_size))").as("v"), expr("array_sort(collect_set(policy))").as("p"),
            expr("array_sort(collect_set(reference))").as("q"), expr("array_sort(collect_set(behaviour))").as("mu"))
        .collectAsList()) {
      out.add(new Replicates(d(r, "kl_level"), r.getAs("on_policy"), r.getList(r.fieldIndex("v")),
          r.getList(r.fieldIndex("p")), r.getList(r.fieldIndex("q")), r.getList(r.fieldIndex("mu"))));
    }
    return out;
  }
}
