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
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Worker JVM on 127.0.0.1, runs the tiny grid and stops everything; in client mode through
 * SparkSubmit, in cluster mode through {@code submit/klbench run --deploy-mode cluster} (the Worker
 * starts the driver). The rows must equal those of an embedded local run, no process it started
 * may survive it, and in cluster mode the exit status must be the run's own: 0 for a run that
 * succeeded, 1 for one whose tasks all fail. Needs target/klbench-spark.jar and target/lib, so it
 * runs in Maven's integration-test phase, after package ({@code mvn verify}).
 */
class StandaloneClusterIT {
  @TempDir static Path tmp;
  static final SparkSuite SPARK = new SparkSuite("local[2]");

  @AfterAll
  static void stop() {
    SPARK.stop();
  }

  private record Outcome(int status, String output, double seconds) {}

  /** Runs the script; asserts that every process it started is gone afterwards. */
  private static Outcome cluster(String name, String... args) throws Exception {
    Path home = Path.of(System.getProperty("klbench.home", ".")).toAbsolutePath();
    for (String built : List.of("target/klbench-spark.jar", "target/lib")) {
      assertTrue(Files.exists(home.resolve(built)), built + " is missing: run `mvn verify` (or `mvn package` first)");
    }
    Path pids = tmp.resolve(name + ".pids");
    Path log = tmp.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of(home.resolve("submit/standalone-cluster").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KLBENCH_CLUSTER_PIDS", pids.toString());
    pb.environment().remove("SPARK_HOME");
    long t0 = System.nanoTime();
    Process script = pb.start();
    if (!script.waitFor(300, TimeUnit.SECONDS)) {
      script.destroy(); // TERM: the script's trap stops the cluster
      script.waitFor(30, TimeUnit.SECONDS);
      fail("standalone-cluster took over 300 s:\n" + Files.readString(log));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String output = Files.readString(log);

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
    System.out.printf(Locale.ROOT, "StandaloneClusterIT: %s: exit %d in %.1f s%n", name, script.exitValue(), seconds);
    return new Outcome(script.exitValue(), output, seconds);
  }

  @Test
  void theTinyGridInBothDeployModesGivesTheLocalRowsAndTheRunsOwnExitStatus() throws Exception {
    Path grid = TestGrids.write(tmp);
    Outcome client = cluster("client", "--grid", grid.toString(), "--out", tmp.resolve("client").toString());
    assertEquals(0, client.status(), client.output());
    Outcome cluster = cluster("cluster", "--deploy-mode", "cluster", "--grid", grid.toString(),
        "--out", tmp.resolve("cluster").toString());
    assertEquals(0, cluster.status(), cluster.output());
    Matcher succeeded = Pattern.compile("run (\\S+) succeeded \\(" + TestGrids.tiny().configurationCount() + " configurations, "
        + TestGrids.tiny().configurationCount() + " rows written\\)").matcher(cluster.output());
    assertTrue(succeeded.find(), cluster.output());
    // Every task fails (the test-only fault hook, no retry): the driver fails, and so does the launcher.
    Outcome failing = cluster("failing", "--deploy-mode", "cluster", "--grid", grid.toString(),
        "--out", tmp.resolve("failing").toString(), "--conf", "spark.klbench.test.failFirstAttempt=all",
        "--conf", "spark.task.maxFailures=1");
    assertEquals(1, failing.status(), failing.output());
    assertTrue(failing.output().contains(" failed ("), failing.output());

    // The same rows as an embedded run, bit for bit.
    Cli local = Cli.run("run", "--grid", grid.toString(), "--out", tmp.resolve("local").toString(), "--master", "local[2]");
    assertEquals(0, local.status(), local.toString());
    SPARK.start();
    Dataset<Row> embedded = ResultStore.at(SPARK.session(), tmp.resolve("local").toString()).read();
    for (String mode : List.of("client", "cluster")) {
      Dataset<Row> onCluster = ResultStore.at(SPARK.session(), tmp.resolve(mode).toString()).read();
      assertEquals(TestGrids.tiny().configurationCount(), onCluster.count(), mode);
      SPARK.assertNoOrderEquals(
          embedded.drop("run_id", "elapsed_ms", "samples_per_second"),
          onCluster.drop("run_id", "elapsed_ms", "samples_per_second"));
      RunJobTest.assertSameNumbers(RunJobTest.sortedByConfigId(embedded), RunJobTest.sortedByConfigId(onCluster));

      String runId = onCluster.select("run_id").first().getString(0);
      var record = new ObjectMapper().readTree(tmp.resolve(mode + "/runs/" + runId + "/run.json").toFile());
      assertTrue(record.get("master").asText().startsWith("spark://127.0.0.1:"), record.toString());
      assertEquals("succeeded", record.get("status").asText());
    }
    assertEquals(succeeded.group(1), ResultStore.at(SPARK.session(), tmp.resolve("cluster").toString()).read()
        .select("run_id").first().getString(0), "the launcher reported the run it submitted");
    assertFalse(ResultStore.hasResults(tmp.resolve("failing").toString(), new org.apache.hadoop.conf.Configuration()));
  }
}
