package klbench.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import klbench.core.Metrics;
import klbench.core.PartialStats;
import klbench.core.SequenceEvaluation;
import klbench.distributions.Distributions;
import klbench.grid.Configuration;
import klbench.grid.Grid;
import klbench.results.ResultRow;
import klbench.results.Rows;
import org.apache.spark.util.LongAccumulator;

/**
 * The rows one task makes: each (triple, batch size) it finishes becomes rows (as {@code eval}
 * makes them), which go straight into the task's own Parquet file ({@link Staging}) and into its
 * {@link RowSummary}; at the end the task publishes the file and reports.
 */
final class TaskRows {
  private final RunJob.Job job;
  private final String fileName;
  private final LongAccumulator configurations;
  private final RowSummary summary = new RowSummary();
  private final long cpuStart = threadCpuNanos();
  private Staging.RowFile file;
  private long rowNanos;
  private long writeCpuNanos;

  TaskRows(RunJob.Job job, String fileName, LongAccumulator configurations) {
    this.job = job;
    this.fileName = fileName;
    this.configurations = configurations;
  }

  /** The model's evaluation, built on this executor: deterministic, so any task may build it. */
  static SequenceEvaluation prepare(Grid g, int tripleIndex) {
    Grid.Part part = g.part(tripleIndex);
    return SequenceEvaluation.prepare(Distributions.model(g.triples().get(tripleIndex), g.seed(), g.files()),
        part.estimators(), part.discounts(), part.baselines());
  }

  /**
   * The rows of one (triple, batch size) from all its chunks, folded: a row's time is its share of
   * the group's ({@code nanos} so far plus finishing), its samples per second are over that share.
   * Configurations already in the results (--resume) get no row.
   */
  void finish(int tripleIndex, SequenceEvaluation eval, PartialStats all, long nanos) throws IOException {
    Grid g = job.grid();
    long t0 = System.nanoTime();
    List<Metrics> metrics = eval.finish(all.batchSize(), g.part(tripleIndex).batches(), all);
    write(tripleIndex, all.batchSize(), eval.truth(), metrics, nanos + System.nanoTime() - t0);
  }

  /**
   * The rows of a model evaluated whole, every batch size at once ({@link SequenceEvaluation#evaluate}):
   * its time is split over the batch sizes in proportion to their tokens.
   */
  void finish(int tripleIndex, SequenceEvaluation.Result result, List<Integer> batchSizes, long nanos) throws IOException {
    long tokens = 0;
    for (int b : batchSizes) tokens += b;
    for (int b : batchSizes) {
      List<Metrics> metrics = result.metrics().stream().filter(m -> m.batchSize == b).toList();
      write(tripleIndex, b, result.truth(), metrics, nanos * b / tokens);
    }
  }

  private void write(int tripleIndex, int batchSize, klbench.core.Truth truth, List<Metrics> metrics, long groupNanos)
      throws IOException {
    Grid g = job.grid();
    List<Configuration> configs = g.configurations(tripleIndex, batchSize);
    List<ResultRow> rows = Rows.ofGroup(job.runId(), g.name(), configs, truth, metrics, groupNanos / 1e6,
        c -> !job.done().contains(c.configId()));
    long cpu = threadCpuNanos();
    if (!rows.isEmpty() && file == null) file = job.staging().open(fileName);
    for (ResultRow r : rows) file.write(r);
    writeCpuNanos += threadCpuNanos() - cpu;
    for (ResultRow r : rows) summary.add(r);
    rowNanos += groupNanos * rows.size() / configs.size();
    configurations.add(configs.size());
  }

  /** Publishes the file (if any row was written) and reports. */
  TaskReport report() throws IOException {
    long cpu = threadCpuNanos();
    List<String> files = file == null ? List.of() : List.of(file.publish());
    writeCpuNanos += threadCpuNanos() - cpu;
    long rows = file == null ? 0 : file.rows();
    return new TaskReport(files, rows, threadCpuNanos() - cpuStart, rowNanos, writeCpuNanos, summary);
  }

  /** Drops the file of a task that fails. */
  void discard() {
    if (file != null) file.discard();
  }

  static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }
}
