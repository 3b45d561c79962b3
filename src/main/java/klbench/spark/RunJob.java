package klbench.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import klbench.core.Estimator;
import klbench.grid.Grid;
import klbench.plan.Remaining;
import klbench.plan.WorkPlan;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code run} job: a validated grid in, its rows appended to {@code <out>/results}.
 *
 * <ol>
 *   <li>With --resume, find the configurations already in the results; a (triple, batch size) is
 *       computed again only when one of its configurations is missing ({@link Remaining}).
 *   <li>Plan: cut the rest into tasks of about equal cost ({@link WorkPlan}); a triple stays whole
 *       in one task unless it is large next to a task.
 *   <li>Simulate ({@link SimulatePieces}): each task builds its triples, simulates their chunks,
 *       finishes the whole ones and writes their rows to its own Parquet file in the run's staging
 *       folder ({@link TaskRows}, {@link Staging}). With no split triple this is the only stage:
 *       nothing is shuffled and no row reaches the driver, only each task's {@link TaskReport}.
 *   <li>Finish split triples ({@link FinishSplitTriples}), when the plan has any: one task per
 *       triple folds its chunks left in chunk order and writes its rows. Chunks draw from streams
 *       fixed by (seed, triple, batch size, chunk) and are always folded left from chunk 0, so the
 *       numbers are bit-identical whatever the master, executors, partitions or task retries.
 *   <li>Commit the published files to the results in one rename ({@link ResultStore#commit}).
 * </ol>
 *
 * <p>In Spark's UI the job and its stages read {@code klbench simulate: N configurations, …} and
 * {@code klbench finish: …}. The session is the caller's; this class never creates or stops one.
 */
public final class RunJob {
  private RunJob() {}

  /** Simulation tasks per core by default: some slack for the cost model's errors. */
  static final int TASKS_PER_CORE = 2;

  /**
   * @param out the output folder (any Hadoop file system)
   * @param resume skip configurations whose config_id is already in {@code <out>/results}
   * @param partitions simulation tasks (at most; never more than there are chunks), or 0 for two per core
   * @param progress where the live progress line goes, or null for none
   * @param runId the run's id, or null for a new one ({@link #newRunId})
   */
  public record Options(String out, boolean resume, int partitions, PrintStream progress, String runId) {
    public Options(String out, boolean resume, int partitions, PrintStream progress) {
      this(out, resume, partitions, progress, null);
    }
  }

  /**
   * What a run did.
   *
   * @param skipped configurations found in the results already (--resume)
   * @param written rows committed
   * @param summary the rows written, summarised
   * @param tasks simulation tasks; {@code splitTriples} triples were finished by a task of their own
   * @param wallMillis the whole of {@link #run}, of which {@code jobMillis} the Spark job that
   *     computes and writes the rows and {@code commitMillis} the commit
   * @param writeMillis CPU time of writing Parquet inside the tasks, summed over tasks (part of the job)
   * @param coreMillis the time the rows carry in elapsed_ms, summed: building triples, simulating,
   *     finishing
   * @param coreCpuMillis the CPU time of the tasks' threads in klbench's code, writing included
   */
  public record Outcome(
      String runId, String master, int configurations, int skipped, long written, RowSummary summary, int tasks,
      int splitTriples, long wallMillis, long jobMillis, long writeMillis, long commitMillis, double coreMillis,
      long coreCpuMillis) {}

  /** What every task needs, broadcast: the grid, the config_ids already in the results, where rows go. */
  record Job(Grid grid, String runId, HashSet<String> done, Staging staging) implements Serializable {}

  public static Outcome run(SparkSession spark, Grid grid, Options options) throws IOException {
    long start = System.nanoTime();
    String runId = options.runId() != null ? options.runId() : newRunId();
    ResultStore store = ResultStore.at(spark, options.out());
    if (options.resume()) spark.sparkContext().setJobDescription("klbench resume: the config_ids in " + store.resultsDir());
    Remaining remaining = Remaining.of(grid, options.resume() ? store.configIds() : Set.of());
    int partitions = options.partitions() > 0 ? options.partitions() : TASKS_PER_CORE * spark.sparkContext().defaultParallelism();
    WorkPlan plan = WorkPlan.of(WorkPlan.Work.of(grid), remaining, partitions);

    RunRecord record = new RunRecord(RunRecord.klbenchVersion(), runId, grid.name(), grid.source(),
        spark.sparkContext().master(), plan.tasks().size(), options.resume(), Instant.now(), null, "running",
        remaining.configurations(), remaining.skipped(), null, null);
    store.writeRunFile(runId, "grid.yaml", grid.rawText().getBytes(StandardCharsets.UTF_8));
    store.writeRunFile(runId, "run.json", record.json());

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobGroup(runId, "klbench run " + runId, true); // cancelling the run interrupts its tasks
    // The grid (file inputs included, read once on the driver) and what is done, once per executor.
    Broadcast<Job> job = jsc.broadcast(new Job(grid, runId, remaining.doneCopy(), store.staging(runId)));
    try (Progress progress = new Progress(spark.sparkContext(), remaining.tokens(), remaining.computed(), options.progress())) {
      long jobStart = System.nanoTime();
      List<TaskReport> reports = plan.tasks().isEmpty() ? List.of() : simulate(jsc, job, plan, remaining, progress);
      progress.close();
      RowSummary summary = RowSummary.inOrder(
          grid.parts().stream().flatMap(p -> p.estimators().stream()).map(Estimator::name).distinct().toList(),
          grid.parts().stream().flatMap(p -> p.baselines().stream()).map(Object::toString).distinct().toList());
      TaskReport total = TaskReport.sum(reports, summary);

      long commitStart = System.nanoTime();
      if (total.rows() > 0) {
        store.commit(runId, total.files());
      } else {
        store.abandon(runId); // nothing to commit: the staging folder made for the run goes
      }
      store.writeRunFile(runId, "run.json", record.succeeded(total.rows()).json());
      long end = System.nanoTime();
      return new Outcome(runId, spark.sparkContext().master(), remaining.configurations(), remaining.skipped(),
          total.rows(), summary, plan.tasks().size(), plan.splitTriples().size(), (end - start) / 1_000_000,
          (commitStart - jobStart) / 1_000_000, total.writeNanos() / 1_000_000, (end - commitStart) / 1_000_000,
          total.rowNanos() / 1e6, total.cpuNanos() / 1_000_000);
    } catch (Throwable e) { // SparkException is checked but thrown undeclared, from Scala
      // Tasks of a failed or cancelled job may still be running: let them stop before their
      // staging folder goes, so that none writes into it afterwards.
      awaitTasks(jsc, runId, ABANDON_WAIT_MS);
      store.abandon(runId);
      store.writeRunFile(runId, "run.json", record.failed(e).json());
      throw e;
    } finally {
      jsc.clearJobGroup();
      jsc.setJobDescription(null);
      jsc.clearCallSite();
      job.destroy();
    }
  }

  /**
   * The Spark job: one stage of simulation tasks and, when the plan splits triples, one of
   * finishing tasks. Job and stages are named for Spark's UI.
   */
  private static List<TaskReport> simulate(
      JavaSparkContext jsc, Broadcast<Job> job, WorkPlan plan, Remaining remaining, Progress progress) {
    String simulate = String.format(Locale.ROOT, "klbench simulate: %d configurations, %d triples in %d tasks",
        remaining.computed(), remaining.triples(), plan.tasks().size());
    jsc.setJobDescription(simulate);
    jsc.setCallSite(simulate);
    JavaPairRDD<Integer, TaskOutput> simulated = jsc.parallelize(plan.tasks(), plan.tasks().size())
        .mapPartitionsToPair(new SimulatePieces(job, progress.tokens, progress.configurations));
    JavaRDD<TaskReport> reports;
    if (plan.splitTriples().isEmpty()) {
      reports = simulated.values().map(o -> (TaskReport) o);
    } else {
      String finish = String.format(Locale.ROOT, "klbench finish: %d triples split over several tasks",
          plan.splitTriples().size());
      jsc.setJobDescription(simulate + "; " + finish);
      jsc.setCallSite(finish);
      reports = simulated.groupByKey(new FinishSplitTriples.ByTriple(plan.splitTriples()))
          .mapPartitions(new FinishSplitTriples(job, progress.configurations));
    }
    return reports.collect();
  }

  /** How long a failed run waits for its tasks to stop before removing its staging folder. */
  static final long ABANDON_WAIT_MS = 30_000;

  /** Waits (at most {@code timeoutMs}) until no task of the run's jobs is running. */
  private static void awaitTasks(JavaSparkContext jsc, String group, long timeoutMs) {
    JavaSparkStatusTracker tracker = jsc.statusTracker();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline) {
      boolean active = false;
      for (int jobId : tracker.getJobIdsForGroup(group)) {
        SparkJobInfo info = tracker.getJobInfo(jobId);
        if (info == null) continue;
        for (int stageId : info.stageIds()) {
          SparkStageInfo stage = tracker.getStageInfo(stageId);
          if (stage != null && stage.numActiveTasks() > 0) active = true;
        }
      }
      if (!active) return;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** True for a string that can name a run's folders: letters, digits, '-', '_' and '.', not starting with '.' or '_'. */
  public static boolean isRunId(String id) {
    return id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  }

  /** A new run id: UTC start time and 24 random bits, e.g. {@code 20261126-150336-3fa2c1}. */
  public static String newRunId() {
    return RUN_TIME.format(Instant.now()) + "-" + String.format("%06x", RANDOM.nextInt(1 << 24));
  }
}
