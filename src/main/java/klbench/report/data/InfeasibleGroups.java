package klbench.report.data;

import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The rows without numbers, one group per reason, with the distributions and settings it concerns. */
public final class InfeasibleGroups {
  private InfeasibleGroups() {}

  /** {@code triples} counts the distinct (V, p, q, μ); the lists are sorted sets. */
  public record Group(String reason, long rows, long triples, List<Object> vocabSizes, List<Object> policies,
      List<Object> references, List<Object> behaviours, List<Object> estimators, List<Object> baselines,
      List<Object> batchSizes) {}

  /** Up to {@code limit} groups, most rows first. */
  public static List<Group> of(Dataset<Row> infeasible, int limit) {
    List<Group> out = new ArrayList<>();
    for (Row r : infeasible
        .groupBy("reason")
        .agg(expr("count(*)").as("n"),
            expr("count(DISTINCT vocab_size, policy, reference, behaviour)").as("triples"),
            expr("array_sort(collect_set(vocab_size))").as("vocab_sizes"),
            expr("array_sort(collect_set(policy))").as("policies"),
            expr("array_sort(collect_set(reference))").as("references"),
            expr("array_sort(collect_set(behaviour))").as("behaviours"),
            expr("array_sort(collect_set(estimator))").as("estimators"),
            expr("array_sort(collect_set(baseline))").as("baselines"),
            expr("array_sort(collect_set(batch_size))").as("batch_sizes"))
        .orderBy(col("n").desc(), col("reason"))
        .limit(limit).collectAsList()) {
      out.add(new Group(s(r, "reason"), r.getLong(r.fieldIndex("n")), r.getLong(r.fieldIndex("triples")),
          list(r, "vocab_sizes"), list(r, "policies"), list(r, "references"), list(r, "behaviours"),
          list(r, "estimators"), list(r, "baselines"), list(r, "batch_sizes")));
    }
    return out;
  }

  private static List<Object> list(Row r, String c) {
    return r.getList(r.fieldIndex(c));
  }
}
