package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import klbench.cli.LocalEvaluation;
import klbench.grid.Grid;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

public class RunJobTest {
  @RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2]");

  @TempDir Path tmp;

  private RunJob.Outcome run(Grid grid, String out, boolean resume, int partitions) throws IOException {
    return RunJob.run(SPARK.session(), grid, new RunJob.Options(tmp.resolve(out).toString(), resume, partitions, null));
  }

  /** The values of a row that must be bit-identical between runs: all but run_id and the timing. */
  public static Object[] numbers(ResultRow r) {
    Object[] v = r.values();
    for (Column c : Column.values()) {
      if (c.isTiming() || c == Column.RUN_ID) v[c.ordinal()] = null;
    }
    return v;
  }

  public static void assertSameNumbers(List<ResultRow> expected, List<ResultRow> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(numbers(expected.get(i)), numbers(actual.get(i)), "row " + i + ": " + actual.get(i));
    }
  }

  static Dataset<Row> withoutRunAndTiming(Dataset<Row> rows) {
    return rows.drop(Column.RUN_ID.id(), Column.ELAPSED_MS.id(), Column.SAMPLES_PER_SECOND.id());
  }

  @Test
  void rowsDoNotDependOnPartitionsAndEqualTheSequentialEvaluation() throws IOException {
    Grid grid = TestGrids.tiny();
    RunJob.Outcome one = run(grid, "one", false, 1);
    RunJob.Outcome seven = run(grid, "seven", false, 7);

    assertEquals(grid.configurationCount(), one.rows().size());
    assertSameNumbers(one.rows(), seven.rows());
    SPARK.assertNoOrderEquals(
        withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("one").toString()).read()),
        withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("seven").toString()).read()));

    // What eval computes and prints: SequenceEvaluation.evaluate per (triple, batch size), in one thread.
    List<ResultRow> sequential = new ArrayList<>();
    LocalEvaluation.run(grid, "eval", sequential::add);
    assertSameNumbers(sequential, one.rows());
  }

  @Test
  void resumeAfterAPartialRunCompletesTheGridWithoutDuplicates() throws IOException {
    Grid full = TestGrids.tiny();
    // A partial run: some batch sizes (whole (triple, B) groups) and, for B = 64, some estimators only.
    run(TestGrids.tiny(List.of(2), List.of("k1/loss", "k3/loss", "verl.low_var_kl")), "out", false, 0);
    run(TestGrids.tiny(List.of(64), List.of("k3/loss")), "out", false, 0);

    RunJob.Outcome resumed = run(full, "out", true, 0);
    int perGroup = full.estimators().size() * full.baselines().size();
    int groups = full.triples().size();
    assertEquals(groups * perGroup + groups * 2, resumed.skipped()); // B=2 all, B=64 k3/loss × 2 baselines
    assertEquals(full.configurationCount() - resumed.skipped(), resumed.rows().size());

    Dataset<Row> all = ResultStore.at(SPARK.session(), tmp.resolve("out").toString()).read();
    assertEquals(full.configurationCount(), all.count());
    assertEquals(full.configurationCount(), all.select("config_id").distinct().count());

    RunJob.Outcome fresh = run(full, "fresh", false, 0);
    SPARK.assertNoOrderEquals(
        withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("fresh").toString()).read()),
        withoutRunAndTiming(all));

    RunJob.Outcome again = run(full, "out", true, 0);
    assertEquals(full.configurationCount(), again.skipped());
    assertTrue(again.rows().isEmpty());
    assertEquals(full.configurationCount(), ResultStore.at(SPARK.session(), tmp.resolve("out").toString()).read().count());
    assertEquals(fresh.rows().size(), full.configurationCount());
  }

  @Test
  void aRunThatFailsMidJobLeavesTheResultsUnchanged() throws IOException {
    Grid grid = TestGrids.tiny();
    RunJob.Outcome earlier = run(grid, "out", false, 0);
    Map<String, Long> before = ResultStoreTest.listing(tmp.resolve("out/results"));

    SparkSession spark = SPARK.session();
    AtomicBoolean cancelled = new AtomicBoolean();
    SparkListener cancelAfterFirstTask = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (cancelled.compareAndSet(false, true)) spark.sparkContext().cancelAllJobs();
      }
    };
    spark.sparkContext().addSparkListener(cancelAfterFirstTask);
    try {
      assertThrows(Exception.class, () -> run(grid, "out", false, 4));
    } finally {
      spark.sparkContext().removeSparkListener(cancelAfterFirstTask);
    }
    assertTrue(cancelled.get());

    assertEquals(before, ResultStoreTest.listing(tmp.resolve("out/results")));
    assertEquals(earlier.rows().size(), ResultStore.at(spark, tmp.resolve("out").toString()).read().count());
    assertTrue(!Files.exists(tmp.resolve("out/_staging")) || Files.list(tmp.resolve("out/_staging")).findAny().isEmpty());
    // The failed run is on record as such.
    long failed = 0;
    try (var runs = Files.list(tmp.resolve("out/runs"))) {
      for (Path r : (Iterable<Path>) runs::iterator) {
        JsonNode json = new ObjectMapper().readTree(r.resolve("run.json").toFile());
        if (json.get("status").asText().equals("failed")) failed++;
      }
    }
    assertEquals(1, failed);
  }

  @Test
  void theRunIsOnRecordBesideTheResults() throws IOException {
    Grid grid = TestGrids.tiny(List.of(2), List.of("k1/loss"));
    RunJob.Outcome o = run(grid, "out", false, 0);
    Path runDir = tmp.resolve("out/runs/" + o.runId());
    assertEquals(grid.rawText(), Files.readString(runDir.resolve("grid.yaml")));
    JsonNode json = new ObjectMapper().readTree(runDir.resolve("run.json").toFile());
    assertEquals("succeeded", json.get("status").asText());
    assertEquals(o.runId(), json.get("run_id").asText());
    assertEquals(grid.configurationCount(), json.get("configurations").asInt());
    assertEquals(grid.configurationCount(), json.get("written").asInt());
    assertEquals("local[2]", json.get("master").asText());
    assertFalse(json.get("end").isNull());
    assertTrue(Files.isDirectory(tmp.resolve("out/results/run-" + o.runId())));
  }
}
