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
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import klbench.cli.LocalEvaluation;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.grid.PartsText;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
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

  /** The committed rows of {@code out}, sorted by config_id. */
  private List<ResultRow> rows(String out) throws IOException {
    return sortedByConfigId(ResultStore.at(SPARK.session(), tmp.resolve(out).toString()).read());
  }

  public static List<ResultRow> sortedByConfigId(Dataset<Row> rows) {
    List<ResultRow> out = new ArrayList<>();
    for (Row r : rows.collectAsList()) out.add(ResultSchema.fromRow(r));
    return sortedByConfigId(out);
  }

  public static List<ResultRow> sortedByConfigId(List<ResultRow> rows) {
    List<ResultRow> out = new ArrayList<>(rows);
    out.sort(Comparator.comparing(r -> (String) r.get(Column.CONFIG_ID)));
    return out;
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

  /** Job descriptions and stage names as Spark's UI shows them. */
  static final class WhatTheUiShows extends SparkListener {
    final List<String> jobs = Collections.synchronizedList(new ArrayList<>());
    final List<String> stages = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      jobs.add(start.properties().getProperty("spark.job.description"));
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
      stages.add(submitted.stageInfo().name());
    }
  }

  @Test
  void rowsDoNotDependOnPartitionsAndEqualTheSequentialEvaluation() throws Exception {
    Grid grid = TestGrids.tiny();
    WhatTheUiShows ui = new WhatTheUiShows();
    SPARK.session().sparkContext().addSparkListener(ui);
    RunJob.Outcome one;
    RunJob.Outcome seven;
    try {
      one = run(grid, "one", false, 1);
      seven = run(grid, "seven", false, 7);
    } finally {
      SPARK.session().sparkContext().listenerBus().waitUntilEmpty();
      SPARK.session().sparkContext().removeSparkListener(ui);
    }
    // One task holds every triple whole: one stage, nothing shuffled. Seven tasks split the triples.
    assertEquals(1, one.tasks());
    assertEquals(0, one.splitTriples());
    assertEquals(7, seven.tasks());
    assertTrue(seven.splitTriples() > 0, "seven tasks split some of the 8 triples");
    int n = grid.configurationCount();
    assertEquals(List.of("klbench simulate: " + n + " configurations, 8 triples in 1 tasks",
            "klbench simulate: " + n + " configurations, 8 triples in 7 tasks; klbench finish: "
                + seven.splitTriples() + " triples split over several tasks"),
        ui.jobs);
    assertEquals(List.of("klbench simulate: " + n + " configurations, 8 triples in 1 tasks",
        "klbench simulate: " + n + " configurations, 8 triples in 7 tasks",
        "klbench finish: " + seven.splitTriples() + " triples split over several tasks"), ui.stages);

    assertEquals(n, one.written());
    assertEquals(n, seven.written());
    assertSameNumbers(rows("one"), rows("seven"));
    SPARK.assertNoOrderEquals(
        withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("one").toString()).read()),
        withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("seven").toString()).read()));
    // One file per task that wrote rows: the simulation task, and each split triple's finishing task.
    assertEquals(1, ParquetFiles.files(tmp.resolve("one/results")).size());
    assertTrue(ParquetFiles.files(tmp.resolve("seven/results")).size() <= 7 + seven.splitTriples());

    // What eval computes and prints: SequenceEvaluation.evaluate per (triple, batch size), in one thread.
    List<ResultRow> sequential = new ArrayList<>();
    LocalEvaluation.run(grid, "eval", sequential::add);
    assertSameNumbers(sortedByConfigId(sequential), rows("one"));
  }

  @Test
  void aGridOfTwoPartsGivesTheRowsOfEachPartRunAlone() throws IOException {
    String top = "name: two\nseed: 20261126\n";
    Grid both = GridFile.parse(PartsText.of(top, TestGrids.TOKENS_PART, TestGrids.RESPONSES_PART), Path.of("two.yaml"));
    Grid tokens = GridFile.parse(top + TestGrids.TOKENS_PART, Path.of("tokens.yaml"));
    Grid responses = GridFile.parse(top + TestGrids.RESPONSES_PART, Path.of("responses.yaml"));
    assertEquals(tokens.configurationCount() + responses.configurationCount(), both.configurationCount());

    // eval: the rows of each part, in part order
    List<ResultRow> evalBoth = new ArrayList<>();
    LocalEvaluation.run(both, "eval", evalBoth::add);
    List<ResultRow> evalAlone = new ArrayList<>();
    LocalEvaluation.run(tokens, "eval", evalAlone::add);
    LocalEvaluation.run(responses, "eval", evalAlone::add);
    assertSameNumbers(evalAlone, evalBoth);

    // run: on one task, and on seven (which split the 4096 triples of the first part), the same rows
    RunJob.Outcome one = run(both, "one", false, 1);
    RunJob.Outcome seven = run(both, "seven", false, 7);
    assertEquals(0, one.splitTriples());
    assertTrue(seven.splitTriples() > 0, "seven tasks split some single-token triples");
    assertEquals(both.configurationCount(), one.written());
    assertEquals(both.configurationCount(), seven.written());
    List<ResultRow> alone = new ArrayList<>(rows(runAlone(tokens, "tokens")));
    alone.addAll(rows(runAlone(responses, "responses")));
    assertSameNumbers(sortedByConfigId(alone), rows("one"));
    assertSameNumbers(rows("one"), rows("seven"));
    assertSameNumbers(sortedByConfigId(evalBoth), rows("one"));

    // the summary: the estimators and baselines of every part, in order of first appearance
    List<String> pairs = one.summary().groups().stream().map(g -> g.estimator() + " " + g.baseline()).toList();
    assertEquals(List.of("k1/loss none", "k1/loss loo", "k3/loss none", "k3/loss loo", "k3/loss oracle",
        "k1/reward_token none", "k1/reward_token loo", "k1/reward_token oracle",
        "k3/reward_is none", "k3/reward_is loo", "k3/reward_is oracle"), pairs);
    assertEquals(both.configurationCount(), one.summary().rows());

    // --resume after the first part alone computes and writes the second part only
    run(tokens, "resumed", false, 0);
    RunJob.Outcome resumed = run(both, "resumed", true, 3);
    assertEquals(tokens.configurationCount(), resumed.skipped());
    assertEquals(responses.configurationCount(), resumed.written());
    assertSameNumbers(rows("one"), rows("resumed"));
  }

  private String runAlone(Grid grid, String out) throws IOException {
    run(grid, out, false, 3);
    return out;
  }

  @Test
  void theSummaryIsTheRowsWrittenCountedAndTheirMedians() throws IOException {
    Grid grid = TestGrids.tiny();
    RunJob.Outcome o = run(grid, "out", false, 5);
    List<ResultRow> rows = rows("out");
    List<RowSummary.Group> groups = o.summary().groups();
    assertEquals(grid.parts().get(0).estimators().size() * grid.parts().get(0).baselines().size(), groups.size());
    assertEquals("k1/loss", groups.get(0).estimator()); // grid order: estimator-major
    assertEquals("none", groups.get(0).baseline());
    assertEquals("loo", groups.get(1).baseline());
    int checked = 0;
    for (RowSummary.Group g : groups) {
      List<ResultRow> mine = rows.stream()
          .filter(r -> r.get(Column.ESTIMATOR).equals(g.estimator()) && r.get(Column.BASELINE).equals(g.baseline())).toList();
      assertEquals(mine.size(), g.rows());
      assertEquals(mine.stream().filter(r -> Boolean.TRUE.equals(r.get(Column.CONSISTENT))).count(), g.consistent());
      for (int i = 0; i < RowSummary.METRICS.size(); i++) {
        Column c = RowSummary.METRICS.get(i);
        double[] v = mine.stream().map(r -> r.get(c)).filter(x -> x != null).mapToDouble(x -> (Double) x).sorted().toArray();
        // Fewer than 500 values: the median is exactly the value of rank ceil(n/2).
        assertEquals(v.length == 0 ? null : v[(v.length + 1) / 2 - 1], g.median(i), g.estimator() + " " + g.baseline() + " " + c);
        checked++;
      }
    }
    assertEquals(groups.size() * RowSummary.METRICS.size(), checked);
  }

  @Test
  void resumeAfterAPartialRunCompletesTheGridWithoutDuplicates() throws IOException {
    Grid full = TestGrids.tiny();
    // A partial run: some batch sizes (whole (triple, B) groups) and, for B = 64, some estimators only.
    run(TestGrids.tiny(List.of(2), List.of("k1/loss", "k3/loss", "verl.low_var_kl")), "out", false, 0);
    run(TestGrids.tiny(List.of(64), List.of("k3/loss")), "out", false, 0);

    RunJob.Outcome resumed = run(full, "out", true, 0);
    int perGroup = full.parts().get(0).estimators().size() * full.parts().get(0).baselines().size();
    int groups = full.triples().size();
    assertEquals(groups * perGroup + groups * 2, resumed.skipped()); // B=2 all, B=64 k3/loss × 2 baselines
    assertEquals(full.configurationCount() - resumed.skipped(), resumed.written());

    Dataset<Row> all = ResultStore.at(SPARK.session(), tmp.resolve("out").toString()).read();
    assertEquals(full.configurationCount(), all.count());
    assertEquals(full.configurationCount(), all.select("config_id").distinct().count());

    RunJob.Outcome fresh = run(full, "fresh", false, 0);
    SPARK.assertNoOrderEquals(
        withoutRunAndTiming(ResultStore.at(SPARK.session(), tmp.resolve("fresh").toString()).read()),
        withoutRunAndTiming(all));

    RunJob.Outcome again = run(full, "out", true, 0);
    assertEquals(full.configurationCount(), again.skipped());
    assertEquals(0, again.written());
    // A run with nothing to write leaves no staging folder behind.
    assertFalse(Files.exists(tmp.resolve("out/_staging/" + again.runId())));
    assertEquals(full.configurationCount(), ResultStore.at(SPARK.session(), tmp.resolve("out").toString()).read().count());
    assertEquals(fresh.written(), full.configurationCount());
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
    assertEquals(earlier.written(), ResultStore.at(spark, tmp.resolve("out").toString()).read().count());
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
    // Only the published rows were committed: no attempt folder, no half file.
    try (var files = Files.list(tmp.resolve("out/results/run-" + o.runId()))) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString())
          .filter(name -> !name.endsWith(".parquet") && !name.endsWith(".parquet.crc")).toList());
    }
    assertEquals(List.of(), Arrays.asList(tmp.resolve("out/_staging").toFile().list() == null
        ? new String[0] : tmp.resolve("out/_staging").toFile().list()));
  }
}
