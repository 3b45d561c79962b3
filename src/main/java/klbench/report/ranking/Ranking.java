package klbench.report.ranking;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * The ranking policy of the report, in one place: the order of a leaderboard table and the rules
 * of the answer box. A new ranking rule goes here; the aggregate it ranks is {@code
 * klbench.report.data.Leaderboard}, and the SQL view {@code leaderboard} (which {@code query}
 * registers) carries the same order as its column {@code place}.
 *
 * <ul>
 *   <li><b>Order</b>: by mean relative RMSE of the gradient, lowest first, nulls last; equal to 9
 *       significant digits counts as a tie ({@link #RANK_KEY}), broken by estimator, then baseline.
 *   <li><b>Rules of an entry</b> (columns of the aggregate): {@link #UNBIASED_ISH_RULE},
 *       {@link #A_GRADIENT_RULE}, {@link #BIAS_WITHIN_NOISE_RULE}.
 *   <li><b>Answer</b> ({@link #answers}): the first entry of a table that is unbiased-ish;
 *       entries above it are named as alternatives only when they are a gradient at all.
 * </ul>
 */
public final class Ranking {
  /** A gradient estimator counts as "unbiased-ish" in the answer box up to this relative bias. */
  public static final double UNBIASED_ISH = 0.05;
  /** Relative bias below which an estimator is a KL gradient at all, and compared with the pick. */
  public static final double COMPARABLE = 0.5;

  /**
   * The ordering key of a leaderboard entry, over its column {@code rel_rmse}: log10 rounded to 9
   * decimals. Equal estimators under different names (k2/loss, k1/reward and openrlhf.loss.k2
   * have one coefficient on-policy) differ only by rounding; on this key they tie, and the names
   * decide, the same way in every query.
   */
  public static final String RANK_KEY = "round(log10(rel_rmse), 9)";

  /** Column {@code unbiased_ish} of an entry: relative bias at most {@link #UNBIASED_ISH}. */
  public static final String UNBIASED_ISH_RULE = "coalesce(rel_bias <= " + UNBIASED_ISH + "D, false)";

  /** Column {@code a_gradient} of an entry: relative bias below {@link #COMPARABLE}, close enough to G to be a KL gradient. */
  public static final String A_GRADIENT_RULE = "coalesce(rel_bias < " + COMPARABLE + "D, false)";

  /**
   * Column {@code bias_within_noise} of an entry: only simulated (no exact values, e.g. loo) and
   * a relative bias within 2 rel. RMSE / √R of 0, which R batches cannot tell from 0.
   */
  public static final String BIAS_WITHIN_NOISE_RULE = "coalesce(rel_rmse_exact IS NULL AND rel_rmse IS NOT NULL "
      + "AND min_batches > 0 AND rel_bias <= 2 * rel_rmse / sqrt(min_batches), false)";

  private Ranking() {}

  /**
   * The order within one table: {@code rank_key} (see {@link #RANK_KEY}) ascending, nulls last,
   * then the names (estimator, discount from 1 down, baseline).
   */
  public static Column[] withinTable() {
    return new Column[] {col("rank_key").asc_nulls_last(), col("estimator"), col("discount").desc(), col("baseline")};
  }

  /** The order of the tables: KL level, on-policy first, horizon, batch size. */
  public static Column[] tables() {
    return new Column[] {col("kl_level"), col("on_policy").desc(), col("horizon"), col("batch_size")};
  }

  /** The columns that make one table: those of {@link #tables}. */
  public static Column[] tableKeys() {
    return new Column[] {col("kl_level"), col("on_policy"), col("horizon"), col("batch_size")};
  }

  /** The answer of each table, for the tables (in ranking order, see {@link #withinTable}) that have one. */
  public static List<Answer> answers(Map<Board, List<Entry>> boards) {
    List<Answer> out = new ArrayList<>();
    for (Map.Entry<Board, List<Entry>> b : boards.entrySet()) {
      Entry best = null, noisy = null, biased = null, lowest = null;
      List<Entry> same = new ArrayList<>();
      for (Entry e : b.getValue()) {
        if (e.relRmse() == null) continue;
        if (lowest == null && e.aGradient()) lowest = e;
        if (best == null) {
          if (e.unbiasedIsh()) {
            best = e;
          } else if (e.aGradient() && e.biasWithinNoise()) {
            if (noisy == null) noisy = e;
          } else if (e.aGradient() && biased == null) {
            biased = e;
          }
        } else if (e.unbiasedIsh() && sameNumbers(best, e)) {
          same.add(e);
        }
      }
      if (best != null || lowest != null) out.add(new Answer(b.getKey(), best, same, noisy, biased, lowest));
    }
    return out;
  }

  /** Equal relative RMSE and bias to 1e-9: the same gradient estimator under another name. */
  static boolean sameNumbers(Entry a, Entry b) {
    return close(a.relRmse(), b.relRmse()) && close(a.relBias(), b.relBias());
  }

  private static boolean close(Double a, Double b) {
    if (a == null || b == null) return a == b;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 1e-15;
  }
}
