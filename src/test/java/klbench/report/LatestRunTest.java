package klbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import klbench.cli.Main;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "The latest run" has one definition, shared by the report and the view {@code latest} of {@code
 * query}: the run whose files were written last. Two runs of the same three configurations: run
 * "zz-old", written an hour ago, sorts last by run_id; run "aa-new", written now, has two of them.
 * Both commands must use aa-new's two rows and zz-old's one.
 */
class LatestRunTest {
  @TempDir static Path tmp;

  @Test
  void theQueryViewAndTheReportPickTheRunWrittenLast() throws IOException {
    Path out = tmp.resolve("out");
    SparkSession spark = ResultFixtures.localSpark("LatestRunTest", 2);
    try {
      for (String run : List.of("zz-old", "aa-new")) {
        List<Row> rows = new ArrayList<>();
        for (String config : run.equals("zz-old") ? List.of("c1", "c2", "c3") : List.of("c1", "c2")) {
          rows.add(RowFactory.create(run, config, 16, "on_policy()", "k3/loss", "none", 8, 100, 0.1, 1.0, 0.25, 0.25,
              0.5, 0.3, true));
        }
        spark.createDataFrame(rows, RankingTest.SCHEMA).coalesce(1).write()
            .parquet(out.resolve("results/run-" + run).toString());
      }
    } finally {
      spark.stop();
    }
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> s = Files.walk(out.resolve("results/run-zz-old"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) Files.setLastModifiedTime(p, hourAgo);
    }

    StringWriter printed = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(printed), new PrintWriter(err), "query", "--out", out.toString(),
        "--format", "csv", "SELECT run_id, count(*) AS n FROM latest GROUP BY run_id ORDER BY run_id");
    assertEquals(0, exit, err.toString());
    assertEquals(List.of("run_id,n", "aa-new,2", "zz-old,1"), printed.toString().lines().toList());

    printed = new StringWriter();
    exit = Main.execute(new PrintWriter(printed), new PrintWriter(err), "report", "--out", out.toString());
    assertEquals(0, exit, err.toString());
    String page = Files.readString(Path.of(printed.toString().trim()));
    // Runs included: run_id, run_name, rows read, rows used, batches.
    assertTrue(page.contains("<tr><td><code>aa-new</code></td><td>—</td><td class=\"n\">2</td><td class=\"n\">2</td>"), page);
    assertTrue(page.contains("<tr><td><code>zz-old</code></td><td>—</td><td class=\"n\">3</td><td class=\"n\">1</td>"), page);
  }
}
