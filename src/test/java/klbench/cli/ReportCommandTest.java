package klbench.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import klbench.report.Report;
import klbench.report.ResultColumns;
import klbench.report.ResultViews;
import klbench.report.ResultFixtures;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code report} as a command, on results folders laid out as {@code run} writes them ({@code
 * <out>/results/run-<id>/part-*.parquet}): an older run without {@code infeasible_reason} and a
 * newer one, an empty folder, a folder whose only Parquet file has no rows.
 */
class ReportCommandTest {
  static SparkSession spark;
  @TempDir static Path tmp;
  static Path twoRuns;
  static long configs;

  @BeforeAll
  static void writeResults() throws IOException {
    spark = ResultFixtures.localSpark("ReportCommandTest", 4);
    Dataset<Row> all = ResultFixtures.dataset(spark, ResultFixtures.standard("unused"));
    configs = all.select("config_id").distinct().count();
    twoRuns = tmp.resolve("two-runs");
    // The older run sorts last by run_id: only the files' times can tell it is older. It was
    // written before infeasible_reason existed.
    Path older = twoRuns.resolve("results/run-zz-old");
    all.withColumn("run_id", lit("zz-old")).drop("infeasible_reason").coalesce(1).write().parquet(older.toString());
    Path newer = twoRuns.resolve("results/run-aa-new");
    all.filter("infeasible_reason IS NULL AND batch_size = 8").withColumn("run_id", lit("aa-new"))
        .coalesce(1).write().parquet(newer.toString());
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> s = Files.walk(older)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) Files.setLastModifiedTime(p, hourAgo);
    }
    Path emptyRun = tmp.resolve("empty-parquet/results/run-e");
    spark.createDataFrame(List.of(), ResultColumns.schema()).coalesce(1).write().parquet(emptyRun.toString());
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  record Outcome(int exit, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ReportCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  @Test
  void writesTheReportAndPrintsItsPath() throws IOException {
    Outcome o = run("--out", twoRuns.toString());
    assertEquals(0, o.exit(), o.err());
    Path index = Path.of(o.out().trim());
    assertEquals(twoRuns.resolve("report/index.html").toAbsolutePath(), index);
    String page = Files.readString(index);
    assertTrue(page.contains("<code>aa-new</code>") && page.contains("<code>zz-old</code>"), "both runs listed");
    assertTrue(page.contains("rows of earlier runs are not used"));
    assertTrue(page.contains("no numbers (no reason recorded by this run)"),
        "the older run's rows without numbers are listed apart, though it has no infeasible_reason");
  }

  @Test
  void theLatestRunByFileTimeWinsPerConfiguration() throws IOException {
    Dataset<Row> loaded = ResultViews.read(spark, twoRuns.toString());
    assertTrue(List.of(loaded.columns()).contains(ResultColumns.RUN_WRITTEN_AT));
    Dataset<Row> used = ResultViews.latest(loaded, null);
    assertEquals(configs, used.count(), "one row per configuration");
    long newer = loaded.filter(col("run_id").equalTo("aa-new")).count();
    assertEquals(newer, used.filter(col("run_id").equalTo("aa-new")).count(), "every newer row wins");
    assertEquals(configs - newer, used.filter(col("run_id").equalTo("zz-old")).count());
    assertEquals(0, used.filter(col("run_id").equalTo("zz-old").and(col("infeasible_reason").isNotNull())).count(),
        "the older run's missing column reads as null");
  }

  @Test
  void runSelectsOneRun() throws IOException {
    Outcome o = run("--out", twoRuns.toString(), "--run", "aa-new");
    assertEquals(0, o.exit(), o.err());
    String page = Files.readString(Path.of(o.out().trim()));
    assertTrue(page.contains("from run <code>aa-new</code> only"));
    assertFalse(page.contains("<code>zz-old</code>"));
  }

  @Test
  void noResultsFolderExitsTwoWithOneLine() {
    Path empty = tmp.resolve("nothing-here");
    Outcome o = run("--out", empty.toString());
    assertEquals(2, o.exit());
    assertEquals("", o.out());
    assertEquals(1, o.err().lines().count(), o.err());
    assertTrue(o.err().startsWith("klbench report: no result rows in " + empty.resolve("results")), o.err());
    assertFalse(Files.exists(empty.resolve("report")));
  }

  @Test
  void aResultsFolderWithoutRowsExitsTwoWithOneLine() {
    Path dir = tmp.resolve("empty-parquet");
    Outcome o = run("--out", dir.toString());
    assertEquals(2, o.exit());
    assertEquals(1, o.err().lines().count(), o.err());
    assertTrue(o.err().contains("no result rows"), o.err());
    assertFalse(Files.exists(dir.resolve("report")));
  }

  @Test
  void anUnknownRunExitsTwoNamingTheRunsThereAre() {
    Outcome o = run("--out", twoRuns.toString(), "--run", "nope");
    assertEquals(2, o.exit());
    assertEquals(1, o.err().lines().count(), o.err());
    assertTrue(o.err().contains("no result rows of run 'nope' (runs present: aa-new, zz-old)"), o.err());
  }

  @Test
  void outMayBeAHadoopUriAndTheReportIsCopiedThroughItsFileSystem() throws IOException {
    Path copy = tmp.resolve("as-uri");
    try (Stream<Path> s = Files.walk(twoRuns.resolve("results"))) {
      for (Path p : s.toList()) {
        Path to = copy.resolve(twoRuns.relativize(p));
        // With the files' times: they tell which run is the latest.
        if (Files.isDirectory(p)) Files.createDirectories(to); else Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Files.createDirectories(copy.resolve("report"));
    Files.writeString(copy.resolve("report/stale.png"), "old");
    Outcome o = run("--out", copy.toUri().toString());
    assertEquals(0, o.exit(), o.err());
    assertEquals(copy.resolve("report/index.html").toAbsolutePath().toString(), o.out().trim());
    assertTrue(Files.readString(copy.resolve("report/index.html")).contains("<code>aa-new</code>"));
    assertTrue(Files.isRegularFile(copy.resolve("report/echarts.min.js")));
    assertFalse(Files.exists(copy.resolve("report/stale.png")), "the old report is replaced whole");
    try (Stream<Path> s = Files.list(copy)) {
      assertEquals(List.of("report", "results"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging folder left");
    }
    try (Stream<Path> s = Files.walk(copy.resolve("report"))) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList(),
          "no checksum files in the report");
    }
  }

  @Test
  void anOutNoFileSystemReadsExitsTwoWithOneLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), "report", "--out", "nosuchfs://host/dir");
    assertEquals(2, exit);
    assertEquals("", out.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("--out: nosuchfs://host/dir: "), err.toString());
  }

  @Test
  void twoTablesAtOnceExitTwoWithOneLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out), new PrintWriter(err), "report", "--out", twoRuns.toString(),
        "--seed-table", "--sequence-table");
    assertEquals(2, exit);
    assertEquals("", out.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("--sequence-table: prints one table at a time"), err.toString());
  }

  @Test
  void sequenceTableWithoutResponsesExitsTwo() {
    Outcome o = run("--out", twoRuns.toString(), "--sequence-table");
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("no response rows (horizon > 1"), o.err());
  }

  @Test
  void seedTablePrintsMarkdown() {
    Outcome o = run("--out", twoRuns.toString(), "--seed-table");
    assertEquals(0, o.exit(), o.err());
    List<String> lines = o.out().lines().toList();
    assertTrue(lines.get(0).startsWith("| estimator | baseline | rel. bias, KL 1 |"), lines.get(0));
    assertTrue(lines.get(1).startsWith("|---|---|"), lines.get(1));
    assertTrue(o.out().contains("| `k1/loss` | `none` |"), o.out());
  }
}
