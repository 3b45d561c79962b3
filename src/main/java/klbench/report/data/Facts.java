package klbench.report.data;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the sections need to know about the feasible rows, from one query. */
public record Facts(long rows, long onPolicy, long offPolicy, long onPolicyNone, long offPolicyNone, long batchSizes) {

  public static Facts of(Dataset<Row> feasible) {
    Row r = feasible.agg(expr("count(*)"), expr("count_if(on_policy)"), expr("count_if(NOT on_policy)"),
        expr("count_if(on_policy AND baseline = 'none')"), expr("count_if(NOT on_policy AND baseline = 'none')"),
        expr("count(DISTINCT batch_size)")).first();
    return new Facts(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
  }
}
