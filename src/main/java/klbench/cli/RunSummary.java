package klbench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import klbench.results.Column;
import klbench.results.Tables;
import klbench.spark.RowSummary;
import klbench.spark.RunJob;

/**
 * The short report {@code run} prints when it ends: what was done, how long it took, and per
 * (estimator, baseline) the medians of the headline metrics over the rows written (gathered by
 * the tasks that wrote them: {@link RowSummary}).
 */
final class RunSummary {
  private RunSummary() {}

  /**
   * @param startupMillis from the start of the JVM to the start of the job: Spark's start-up, mostly
   * @param cores the session's default parallelism
   * @param processCpuMillis CPU time of this JVM so far, or 0 when the executors are elsewhere
   */
  static String format(RunJob.Outcome o, String resultsPath, long startupMillis, int cores, long processCpuMillis) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "run %s on %s: %d configurations, %d already in the results, %d rows written%s%n",
        o.runId(), o.master(), o.configurations(), o.skipped(), o.written(), o.written() == 0 ? "" : " to " + resultsPath));
    double core = o.coreMillis() / 1000.0;
    double job = o.jobMillis() / 1000.0;
    b.append(String.format(Locale.ROOT,
        "time %.1f s: start-up (JVM, grid, Spark) %.1f s, simulation %.1f s, commit %.2f s, the rest %.1f s%n",
        (startupMillis + o.wallMillis()) / 1000.0, startupMillis / 1000.0, job, o.commitMillis() / 1000.0,
        (o.wallMillis() - o.jobMillis() - o.commitMillis()) / 1000.0));
    b.append(String.format(Locale.ROOT,
        "%d tasks%s: core work %.1f s (%.1f s CPU with writing), %.0f%% of %d cores over the simulation; "
            + "writing Parquet %.2f s CPU in the tasks%n",
        o.tasks(), o.splitTriples() == 0 ? "" : " and " + o.splitTriples() + " finishing tasks of split triples",
        core, o.coreCpuMillis() / 1000.0, job > 0 ? 100.0 * core / (job * cores) : 0.0, cores, o.writeMillis() / 1000.0));
    if (processCpuMillis > 0) {
      b.append(String.format(Locale.ROOT,
          "CPU of this process %.1f s, of which %.0f%% outside the tasks' work (Spark, JIT, GC)%n",
          processCpuMillis / 1000.0, 100.0 * (1 - (double) o.coreCpuMillis() / processCpuMillis)));
    }
    List<RowSummary.Group> groups = o.summary().groups();
    if (groups.isEmpty()) return b.toString();
    List<Object[]> lines = new ArrayList<>();
    for (RowSummary.Group g : groups) {
      Object[] line = new Object[4 + RowSummary.METRICS.size()];
      line[0] = g.estimator();
      line[1] = g.baseline();
      line[2] = g.rows();
      for (int i = 0; i < RowSummary.METRICS.size(); i++) line[3 + i] = g.median(i);
      line[line.length - 1] = g.judged() == 0 ? "-" : g.consistent() + "/" + g.judged();
      lines.add(line);
    }
    List<String> header = new ArrayList<>(List.of("estimator", "baseline", "rows"));
    for (Column c : RowSummary.METRICS) header.add(c.id());
    header.add("consistent");
    b.append("medians over the rows written:\n");
    b.append(Tables.formatValues(header, lines));
    return b.toString();
  }
}
