package klbench.report.data;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the sections need to know about the feasible rows, from one query. {@code maxHorizon} is
 * the longest response (1 for token-level results).
 */
public record Facts(long rows, long onPolicy, long offPolicy, long onPolicyNone, long offPolicyNone, long batchSizes,
    int maxHorizon) {

  public static Facts of(Dataset<Row> feasible) {
    Row r = feasible.agg(expr("count(*)"), expr("count_if(on_policy)"), expr("count_if(NOT on_policy)"),
        expr("count_if(on_policy AND baseline = 'none')"), expr("count_if(NOT on_policy AND baseline = 'none')"),
        expr("count(DISTINCT batch_size)"), expr("coalesce(max(horizon), 1)")).first();
    return new Facts(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getInt(6));
  }

  /**
   * The results hold responses of more than one token: the page gains its sequence section, and
   * its leaderboards and answer box name the horizon.
   */
  public boolean sequences() {
    return maxHorizon > 1;
  }
}
