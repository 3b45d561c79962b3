package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.l;
import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import klbench.core.GradientRule;
import klbench.report.ranking.Board;
import klbench.report.ranking.Entry;
import klbench.report.ranking.Ranking;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The leaderboard aggregate: per (kl_level, on_policy, horizon, batch_size, estimator, discount,
 * baseline), means over the replicated configurations (vocabulary sizes, policies, references at
 * one level, behaviours, and over responses the context counts), ranked by {@link Ranking}. The
 * same dataset is the SQL view {@code leaderboard} of {@code query}.
 *
 * <p>The relative RMSE "exact" and "MC" are √grad_mse / ‖G‖ from grad_mse_exact and grad_mse_mc;
 * the MC standard error follows from grad_mse_se by the delta method, combined over the
 * configurations as √(Σ se²)/n.
 */
public final class Leaderboard {
  private Leaderboard() {}

  /**
   * The discount of an entry: the grid's γ where it changes the estimator — a rule that credits a
   * position with other positions' values ({@link GradientRule.Credit}: reward-to-go, the whole
   * response, importance-weighted reward-to-go) over more than one token — and 1 elsewhere, where
   * rows of every discount have the same numbers and are one entry.
   */
  public static final String DISCOUNT = "CASE WHEN horizon > 1 AND rule IN (" + discountedRules()
      + ") THEN discount ELSE 1.0D END";

  private static String discountedRules() {
    EnumSet<GradientRule.Credit> discounted = EnumSet.of(GradientRule.Credit.TO_GO, GradientRule.Credit.TOTAL,
        GradientRule.Credit.IMPORTANCE_TO_GO);
    return Arrays.stream(GradientRule.values()).filter(r -> discounted.contains(r.credit()))
        .map(r -> "'" + r.id() + "'").collect(Collectors.joining(", "));
  }

  /**
   * The aggregate of the feasible rows ({@link Derived#feasible}), with the ranking's columns
   * {@code rank_key}, {@code place} (1 for the first of its table), {@code unbiased_ish}, {@code
   * a_gradient} and {@code bias_within_noise}; ordered as the tables are, then by place.
   */
  public static Dataset<Row> of(Dataset<Row> feasible) {
    Dataset<Row> agg = feasible
        .withColumn("discount", expr(DISCOUNT))
        .groupBy("kl_level", "on_policy", "horizon", "batch_size", "estimator", "discount", "baseline")
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
            Window.partitionBy(Ranking.tableKeys()).orderBy(within)))
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
    return new Entry(d(r, "kl_level"), r.getAs("on_policy"), ((Number) r.getAs("horizon")).intValue(),
        ((Number) r.getAs("batch_size")).intValue(), s(r, "estimator"), d(r, "discount"), s(r, "baseline"), d(r, "rel_rmse"), d(r, "rel_bias"), d(r, "bias_share"),
        d(r, "var_share"), d(r, "cos_g"), d(r, "cos_fwd"), d(r, "rel_rmse_exact"), d(r, "rel_rmse_mc"),
        d(r, "rel_rmse_mc_se"), l(r, "configs"), l(r, "inconsistent"), d(r, "max_abs_z"), l(r, "min_batches"),
        Boolean.TRUE.equals(r.getAs("is_preset")), r.getAs("unbiased_ish"), r.getAs("a_gradient"),
        r.getAs("bias_within_noise"));
  }

  /**
   * Per (KL level, sampling, horizon) of the feasible rows: what a leaderboard table averages over;
   * {@code contexts} the context counts of the responses (the number, or "tree"), in reading order.
   */
  public record Replicates(double klLevel, boolean onPolicy, int horizon, List<Object> vocabSizes,
      List<Object> policies, List<Object> references, List<Object> behaviours, List<String> contexts) {}

  public static List<Replicates> replicates(Dataset<Row> feasible) {
    List<Replicates> out = new ArrayList<>();
    for (Row r : feasible.groupBy("kl_level", "on_policy", "horizon")
        .agg(expr("array_sort(collect_set(vocab_size))").as("v"), expr("array_sort(collect_set(policy))").as("p"),
            expr("array_sort(collect_set(reference))").as("q"), expr("array_sort(collect_set(behaviour))").as("mu"),
            expr("collect_set(contexts)").as("c"))
        .collectAsList()) {
      out.add(new Replicates(d(r, "kl_level"), r.getAs("on_policy"), Derived.i(r, "horizon"), r.getList(r.fieldIndex("v")),
          r.getList(r.fieldIndex("p")), r.getList(r.fieldIndex("q")), r.getList(r.fieldIndex("mu")),
          Labels.contextsOrder(Derived.strings(r, "c"))));
    }
    return out;
  }
}
