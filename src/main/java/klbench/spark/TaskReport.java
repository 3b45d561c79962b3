package klbench.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one task tells the driver: the file it published in the run's staging folder (if it wrote
 * rows), how many rows, where its time went, and the {@link RowSummary} of its rows. The rows
 * themselves never leave the task.
 *
 * @param cpuNanos CPU time of the task's thread in klbench's code (simulation, finishing, writing)
 * @param rowNanos the time the task's rows carry in elapsed_ms, summed: building, simulating, finishing
 * @param writeNanos CPU time of writing the rows to Parquet and publishing the file
 */
record TaskReport(List<String> files, long rows, long cpuNanos, long rowNanos, long writeNanos, RowSummary summary)
    implements Serializable, TaskOutput {

  /** Every report added up; files in the order given. */
  static TaskReport sum(List<TaskReport> reports, RowSummary into) {
    List<String> files = new ArrayList<>();
    long rows = 0;
    long cpu = 0;
    long row = 0;
    long write = 0;
    for (TaskReport r : reports) {
      files.addAll(r.files());
      rows += r.rows();
      cpu += r.cpuNanos();
      row += r.rowNanos();
      write += r.writeNanos();
      into.add(r.summary());
    }
    return new TaskReport(List.copyOf(files), rows, cpu, row, write, into);
  }
}
