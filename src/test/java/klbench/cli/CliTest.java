package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import klbench.spark.TestGrids;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run and query commands as a user meets them: bad input, output formats. In this JVM. */
class CliTest {
  @TempDir static Path tmp;
  static Path grid;
  static String out;
  static Cli firstRun;

  @BeforeAll
  static void runASmallGrid() throws IOException {
    grid = Files.writeString(tmp.resolve("small.yaml"), TestGrids.yaml(List.of(2, 64), List.of("k1/loss", "k3/loss")));
    out = tmp.resolve("out").toString();
    firstRun = Cli.run("run", "--grid", grid.toString(), "--out", out, "--master", "local[2]");
  }

  /** Exit 2, one line on stderr that mentions {@code mentions}, nothing on stdout. */
  private static void assertBadInput(Cli cli, String mentions) {
    assertEquals(2, cli.status(), cli.toString());
    assertEquals("", cli.out(), cli.toString());
    String err = cli.err().strip();
    assertFalse(err.isEmpty() || err.contains("\n"), "one line on stderr: " + cli);
    assertTrue(err.contains(mentions), "stderr should mention '" + mentions + "': " + cli);
  }

  @Test
  void runPrintsASummaryAndResumeFindsEverythingDone() {
    assertEquals(0, firstRun.status(), firstRun.toString());
    assertTrue(firstRun.out().contains("64 configurations, 0 already in the results, 64 rows written"), firstRun.out());
    assertTrue(firstRun.out().contains("k3/loss"), firstRun.out());

    Cli again = Cli.run("run", "--grid", grid.toString(), "--out", out, "--master", "local[2]", "--resume");
    assertEquals(0, again.status(), again.toString());
    assertTrue(again.out().contains("64 configurations, 64 already in the results, 0 rows written"), again.out());
  }

  @Test
  void aBadGridExitsWith2AndWritesNothing() throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), TestGrids.yaml(List.of(2), List.of("k9/loss")));
    Path where = tmp.resolve("never");
    assertBadInput(Cli.run("run", "--grid", bad.toString(), "--out", where.toString()), "bad.yaml");
    assertBadInput(Cli.run("run", "--grid", tmp.resolve("missing.yaml").toString(), "--out", where.toString()), "missing.yaml");
    assertFalse(Files.exists(where));
  }

  @Test
  void anUnwritableOutExitsWith2() throws IOException {
    assertBadInput(Cli.run("run", "--grid", grid.toString(), "--out", "/proc/klbench/out"), "--out");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertBadInput(Cli.run("run", "--grid", grid.toString(), "--out", file.resolve("out").toString()), "is not a folder");
  }

  @Test
  void anUnreachableOrMalformedMasterExitsWith2Quickly() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    Path where = tmp.resolve("never-either");
    long t0 = System.nanoTime();
    assertBadInput(Cli.run("run", "--grid", grid.toString(), "--out", where.toString(), "--master", "spark://127.0.0.1:" + port),
        "cannot reach the Spark master spark://127.0.0.1:" + port);
    assertTrue(System.nanoTime() - t0 < 10e9, "the check must not wait for Spark's retries");
    assertBadInput(Cli.run("run", "--grid", grid.toString(), "--out", where.toString(), "--master", "local[two]"), "--master");
    assertBadInput(Cli.run("run", "--grid", grid.toString(), "--out", where.toString(), "--partitions", "-1"), "--partitions");
    assertFalse(Files.exists(where));
  }

  @Test
  void queryPrintsTablesCsvAndJsonLines() throws IOException {
    String sql = "SELECT estimator, baseline, count(*) AS n, max(vocab_size) AS v FROM results "
        + "GROUP BY estimator, baseline ORDER BY estimator, baseline";
    Cli table = Cli.run("query", "--out", out, sql);
    assertEquals(0, table.status(), table.toString());
    assertEquals(List.of(
        "estimator  baseline   n   v",
        "k1/loss    loo       16  48",
        "k1/loss    none      16  48",
        "k3/loss    loo       16  48",
        "k3/loss    none      16  48"), table.out().lines().toList());

    Cli csv = Cli.run("query", "--out", out, "--format", "csv", "SELECT 'a,b' AS s, 1.5 AS x, CAST(NULL AS INT) AS n");
    assertEquals(0, csv.status(), csv.toString());
    assertEquals(List.of("s,x,n", "\"a,b\",1.5,"), csv.out().lines().toList());

    Path file = Files.writeString(tmp.resolve("q.sql"), "SELECT config_id, kl, consistent FROM results ORDER BY config_id LIMIT 2");
    Cli json = Cli.run("query", "--out", out, "--format", "json", "--file", file.toString());
    assertEquals(0, json.status(), json.toString());
    List<String> lines = json.out().lines().toList();
    assertEquals(2, lines.size());
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertEquals(List.of("config_id", "kl", "consistent"), iterable(first.fieldNames()));
    assertTrue(first.get("kl").isDouble() && first.get("consistent").isBoolean(), lines.get(0));
  }

  @Test
  void queryBadInputExitsWith2() {
    assertBadInput(Cli.run("query", "--out", tmp.resolve("nothing-here").toString(), "SELECT 1"), "no results in");
    assertBadInput(Cli.run("query", "--out", out, "SELEC nonsense"), "SQL");
    assertBadInput(Cli.run("query", "--out", out, "SELECT no_such_column FROM results"), "no_such_column");
    assertBadInput(Cli.run("query", "--out", out), "SQL");
    assertBadInput(Cli.run("query", "--out", out, "--format", "xml", "SELECT 1"), "xml");
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
