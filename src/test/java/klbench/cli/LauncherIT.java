package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import klbench.spark.TestGrids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit/klbench run} and {@code query} as separate processes, on the packaged jar: bad input
 * gives exit status 2, exactly one line on stderr (no log line, no stack trace), nothing on stdout
 * and nothing written. Runs after package (integration-test phase), like the cluster test.
 */
class LauncherIT {
  @TempDir Path tmp;

  private record Result(int status, String out, String err) {}

  private Result launch(Path home, Path spark, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("submit/klbench").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(tmp.resolve("out.txt").toFile())
        .redirectError(tmp.resolve("err.txt").toFile());
    if (spark == null) pb.environment().remove("SPARK_HOME");
    else pb.environment().put("SPARK_HOME", spark.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "submit/klbench " + args[0] + " took over 120 s");
    return new Result(p.exitValue(), Files.readString(tmp.resolve("out.txt")), Files.readString(tmp.resolve("err.txt")));
  }

  private static void assertBadInput(Result r, String mentions) {
    String all = "exit " + r.status() + "\n--- stdout\n" + r.out() + "--- stderr\n" + r.err();
    assertEquals(2, r.status(), all);
    assertEquals("", r.out(), all);
    assertEquals(1, r.err().lines().count(), "exactly one line on stderr: " + all);
    assertTrue(r.err().contains(mentions), all);
  }

  @Test
  void badInputThroughTheLauncherIsOneLineAndExit2() throws Exception {
    Path home = Path.of(System.getProperty("klbench.home", ".")).toAbsolutePath();
    assertTrue(Files.exists(home.resolve("target/klbench.jar")), "run `mvn verify` (or `mvn package` first)");
    Path grid = TestGrids.write(tmp);
    Path out = tmp.resolve("never");

    Files.writeString(tmp.resolve("bad.yaml"), "name: bad\nseed: x\n");
    assertBadInput(launch(home, null, "run", "--grid", tmp.resolve("bad.yaml").toString(), "--out", out.toString()), "bad.yaml");
    assertBadInput(launch(home, null, "run", "--grid", grid.toString(), "--out", "/proc/klbench/out"), "--out");
    assertBadInput(launch(home, null, "run", "--grid", grid.toString(), "--master", "spark://127.0.0.1:7077"), "SPARK_HOME");
    Path notSpark = Files.createDirectories(tmp.resolve("not-spark"));
    assertBadInput(launch(home, notSpark, "run", "--master", "yarn"), "spark-submit");
    assertBadInput(launch(home, null, "query", "--out", out.toString(), "SELECT 1"), "no results in");
    assertBadInput(launch(home, null, "run", "--grid", grid.toString(), "--deploy-mode", "cluster"), "--deploy-mode");
    assertFalse(Files.exists(out));
  }

  /**
   * Cluster deploy mode checks every input on this machine before it submits: a bad grid is one
   * line and exit 2, and spark-submit (here a stand-in that leaves a mark) is never called.
   */
  @Test
  void clusterModeChecksTheInputsBeforeItSubmits() throws Exception {
    Path home = Path.of(System.getProperty("klbench.home", ".")).toAbsolutePath();
    Path spark = Files.createDirectories(tmp.resolve("spark/bin")).getParent();
    Path mark = tmp.resolve("spark-submit-was-called");
    Path submit = Files.writeString(spark.resolve("bin/spark-submit"), "#!/bin/sh\ntouch " + mark + "\nexit 0\n");
    assertTrue(submit.toFile().setExecutable(true));
    Files.writeString(tmp.resolve("bad.yaml"), "name: bad\nseed: x\n");
    Path out = tmp.resolve("never");

    assertBadInput(launch(home, spark, "run", "--master", "spark://127.0.0.1:7077", "--deploy-mode", "cluster",
        "--grid", tmp.resolve("bad.yaml").toString(), "--out", out.toString()), "bad.yaml");
    assertBadInput(launch(home, spark, "run", "--master", "spark://127.0.0.1:7077", "--deploy-mode", "sideways",
        "--grid", tmp.resolve("bad.yaml").toString()), "--deploy-mode must be client or cluster");
    assertFalse(Files.exists(mark), "spark-submit was never called");
    assertFalse(Files.exists(out));
  }
}
