package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import klbench.grid.Grid;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task failures change nothing: on {@code local[2,4]} (tasks retried up to 4 times) the first
 * attempt of every task of the simulation and of the finish stage throws (the test-only hook in
 * {@link FaultInjection}) after writing its rows and before publishing its file, and the committed
 * rows equal a clean run's, timing aside.
 */
class TaskRetryTest {
  @RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2,4]");

  @TempDir Path tmp;

  /** Failed task attempts (an exception in the task) seen by the listener, and their stages. */
  static final class FailedAttempts extends SparkListener {
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final Set<Integer> stages = java.util.Collections.synchronizedSet(new HashSet<>());

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() instanceof ExceptionFailure f && f.description().contains("klbench test fault")) {
        failed.incrementAndGet();
        stages.add(end.stageId());
      } else if (end.taskInfo().successful()) {
        succeeded.incrementAndGet();
      }
    }
  }

  private RunJob.Outcome run(Grid grid, String out, int partitions) throws IOException {
    return RunJob.run(SPARK.session(), grid, new RunJob.Options(tmp.resolve(out).toString(), false, partitions, null));
  }

  @Test
  void firstAttemptsOfEveryTaskFailAndTheRetriedRunEqualsACleanOne() throws Exception {
    Grid grid = TestGrids.tiny();
    SparkContext sc = SPARK.session().sparkContext();

    RunJob.Outcome clean = run(grid, "clean", 5);

    FailedAttempts listener = new FailedAttempts();
    sc.addSparkListener(listener);
    sc.setLocalProperty(FaultInjection.KEY, "all");
    RunJob.Outcome faulty;
    try {
      faulty = run(grid, "faulty", 5);
    } finally {
      sc.setLocalProperty(FaultInjection.KEY, null);
      sc.removeSparkListener(listener);
    }
    // Listener events are delivered asynchronously: they are all in once the bus is drained.
    sc.listenerBus().waitUntilEmpty();
    System.out.println("TaskRetryTest: failed attempts " + listener.failed.get() + " in stages " + listener.stages
        + ", successful tasks " + listener.succeeded.get() + ", rows " + faulty.written());

    // 5 simulation tasks, then one finishing task per split triple and one that passes the
    // simulation tasks' reports on: each failed once and succeeded once.
    assertTrue(faulty.splitTriples() > 0, "5 tasks for 8 triples split some");
    assertEquals(5 + 1 + faulty.splitTriples(), listener.failed.get(), "failed first attempts");
    assertEquals(listener.failed.get(), listener.succeeded.get(), "every task succeeded on its second attempt");
    assertEquals(2, listener.stages.size(), "both the simulation and the finish stage failed");

    assertEquals(grid.configurationCount(), faulty.written());
    List<ResultRow> cleanRows = RunJobTest.sortedByConfigId(ResultStore.at(SPARK.session(), tmp.resolve("clean").toString()).read());
    List<ResultRow> faultyRows = RunJobTest.sortedByConfigId(ResultStore.at(SPARK.session(), tmp.resolve("faulty").toString()).read());
    RunJobTest.assertSameNumbers(cleanRows, faultyRows);
    // What was committed, read back: the same rows as the clean run, no duplicate config_id.
    SPARK.assertNoOrderEquals(
        RunJobTest.withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("clean").toString()).read()),
        RunJobTest.withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("faulty").toString()).read()));
    Set<String> ids = new HashSet<>();
    for (ResultRow r : faultyRows) assertTrue(ids.add((String) r.get(Column.CONFIG_ID)));
    // No file of a failed attempt reached the results: one file per task that wrote rows.
    assertTrue(ParquetFiles.files(tmp.resolve("faulty/results")).size() <= 5 + faulty.splitTriples());
  }

  @Test
  void selectedPartitionsOnly() {
    assertTrue(FaultInjection.selects("all", 7));
    assertTrue(FaultInjection.selects("1, 3", 3));
    assertEquals(false, FaultInjection.selects("1,3", 2));
    assertEquals(false, FaultInjection.selects("13", 1));
  }
}
