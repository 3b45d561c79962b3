package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status: the exit status of a run from its own record, as submit/klbench reports cluster-mode runs. */
class StatusCommandTest {
  @TempDir Path tmp;

  private void record(String runId, String json) throws Exception {
    Files.writeString(Files.createDirectories(tmp.resolve("out/runs/" + runId)).resolve("run.json"), json);
  }

  @Test
  void succeededFailedNeverEndedAndMissing() throws Exception {
    record("ok", "{\"run_id\": \"ok\", \"status\": \"succeeded\", \"configurations\": 144, \"written\": 144}");
    record("bad", "{\"run_id\": \"bad\", \"status\": \"failed\", \"configurations\": 144, \"written\": null,"
        + " \"error\": \"org.apache.spark.SparkException: Job aborted\"}");
    record("killed", "{\"run_id\": \"killed\", \"status\": \"running\", \"configurations\": 144, \"written\": null}");
    String out = tmp.resolve("out").toString();

    Cli ok = Cli.run("status", "--out", out, "--run", "ok");
    assertEquals(0, ok.status(), ok.toString());
    assertEquals("run ok succeeded (144 configurations, 144 rows written)", ok.out().strip());

    Cli bad = Cli.run("status", "--out", out, "--run", "bad");
    assertEquals(1, bad.status(), bad.toString());
    assertEquals("run bad failed (144 configurations, no rows written: org.apache.spark.SparkException: Job aborted)", bad.err().strip());

    Cli killed = Cli.run("status", "--out", out, "--run", "killed");
    assertEquals(1, killed.status(), killed.toString());
    assertTrue(killed.err().contains("never ended"), killed.toString());

    Cli missing = Cli.run("status", "--out", out, "--run", "nope");
    assertEquals(2, missing.status(), missing.toString());
    assertTrue(missing.err().startsWith("--run: no run nope in "), missing.toString());
    assertEquals(2, Cli.run("status", "--out", out, "--run", "../etc").status());
  }
}
