package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import klbench.results.ResultRow;
import klbench.spark.ResultSchema;
import klbench.spark.ResultStore;
import klbench.spark.RunJobTest;
import klbench.spark.SparkSuite;
import klbench.spark.TestGrids;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real standalone cluster: {@code submit/standalone-cluster} starts a Master and a
 * Worker JVM on 127.0.0.1, runs the tiny grid through SparkSubmit (client mode, executors in their
 * own JVMs) and stops everything. The rows must equal those of an embedded local run, and no
 * process it started may survive it. Needs target/klbench-spark.jar and target/lib, so it runs in
 * Maven's integration-test phase, after package ({@code mvn verify}).
 */
class StandaloneClusterIT {
  @TempDir static Path tmp;
  static final SparkSuite SPARK = new SparkSuite("local[2]");

  @AfterAll
  static void stop() {
    SPARK.stop();
  }

  @Test
  void theTinyGridOnAStandaloneClusterGivesTheLocalRowsAndLeavesNoProcessBehind() throws Exception {
    Path home = Path.of(System.getProperty("klbench.home", ".")).toAbsolutePath();
    for (String built : List.of("target/klbench-spark.jar", "target/lib")) {
      assertTrue(Files.exists(home.resolve(built)), built + " is missing: run `mvn verify` (or `mvn package` first)");
    }
    Path grid = TestGrids.write(tmp);
    Path pids = tmp.resolve("pids");
    Path log = tmp.resolve("cluster.log");
    ProcessBuilder pb = new ProcessBuilder(home.resolve("submit/standalone-cluster").toString(),
        "--grid", grid.toString(), "--out", tmp.resolve("cluster").toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("KLBENCH_CLUSTER_PIDS", pids.toString());
    Process script = pb.start();
    if (!script.waitFor(300, TimeUnit.SECONDS)) {
      script.destroy(); // TERM: the script's trap stops the cluster
      script.waitFor(30, TimeUnit.SECONDS);
      fail("standalone-cluster took over 300 s:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(0, script.exitValue(), output);

    // Every process it started is gone, the executors (tagged on their command line) included.
    List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).distinct().toList();
    assertTrue(started.size() >= 3, "master, worker and driver at least: " + started);
    for (long pid : started) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " survived\n" + output);
    }
    Matcher m = Pattern.compile("logs in (\\S+)").matcher(output);
    assertTrue(m.find(), output);
    String tag = "-Dklbench.cluster=" + Path.of(m.group(1)).getFileName();
    List<String> left = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(tag)).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .toList();
    assertEquals(List.of(), left);
    try (var apps = Files.list(Path.of(m.group(1)).resolve("work"))) {
      assertEquals(1, apps.count(), "one application ran on the worker's executors");
    }

    // The same rows as an embedded run, bit for bit.
    Cli local = Cli.run("run", "--grid", grid.toString(), "--out", tmp.resolve("local").toString(), "--master", "local[2]");
    assertEquals(0, local.status(), local.toString());
    SPARK.start();
    Dataset<Row> onCluster = ResultStore.at(SPARK.session(), tmp.resolve("cluster").toString()).read();
    Dataset<Row> embedded = ResultStore.at(SPARK.session(), tmp.resolve("local").toString()).read();
    assertEquals(TestGrids.tiny().configurationCount(), onCluster.count());
    SPARK.assertNoOrderEquals(
        embedded.drop("run_id", "elapsed_ms", "samples_per_second"),
        onCluster.drop("run_id", "elapsed_ms", "samples_per_second"));
    RunJobTest.assertSameNumbers(sorted(embedded), sorted(onCluster));

    String runId = onCluster.select("run_id").first().getString(0);
    var record = new ObjectMapper().readTree(tmp.resolve("cluster/runs/" + runId + "/run.json").toFile());
    assertTrue(record.get("master").asText().startsWith("spark://127.0.0.1:"), record.toString());
    assertEquals("succeeded", record.get("status").asText());
  }

  private static List<ResultRow> sorted(Dataset<Row> rows) {
    List<ResultRow> out = new ArrayList<>();
    for (Row r : rows.orderBy("config_id").collectAsList()) out.add(ResultSchema.fromRow(r));
    return out;
  }
}
