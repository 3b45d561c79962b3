package klbench.report.data;

import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The header's aggregate: the runs whose rows the report uses, with how many rows each had and how
 * many it contributes (the others were superseded by a later run of the same configuration).
 */
public record RunsIncluded(List<Run> runs, Map<String, Long> rowsRead) {

  /** A run with rows in the report: {@code rows} used, batches R from {@code minBatches} to {@code maxBatches}. */
  public record Run(String runId, String runName, long rows, Object minBatches, Object maxBatches) {}

  /**
   * @param read every row read, of every run (conformed)
   * @param used the rows the report uses
   */
  public static RunsIncluded of(Dataset<Row> read, Dataset<Row> used) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : read.groupBy("run_id").count().collectAsList()) counts.put(s(r, "run_id"), r.getLong(1));
    List<Run> runs = new ArrayList<>();
    for (Row r : used.groupBy("run_id", "run_name")
        .agg(expr("count(*)").as("n"), expr("min(batches)").as("rmin"), expr("max(batches)").as("rmax"))
        .orderBy("run_id").collectAsList()) {
      runs.add(new Run(s(r, "run_id"), s(r, "run_name"), r.getLong(r.fieldIndex("n")), r.getAs("rmin"), r.getAs("rmax")));
    }
    return new RunsIncluded(runs, counts);
  }

  /** Rows read that the report does not use: a later run has the same configuration. */
  public long superseded(long used) {
    return rowsRead.values().stream().mapToLong(Long::longValue).sum() - used;
  }
}
