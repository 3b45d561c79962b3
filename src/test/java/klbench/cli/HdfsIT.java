package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import klbench.results.ResultRow;
import klbench.spark.ResultStore;
import klbench.spark.RunJobTest;
import klbench.spark.SparkSuite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands with everything on HDFS (a MiniDFSCluster in this JVM): the grid, a data file it
 * names by a relative path, and the results. run, run --resume, query and eval give the rows of
 * the same grid run from the local disk. report is not here yet: its --out is a local path until
 * the report command reads results through Hadoop's FileSystem.
 */
class HdfsIT {
  @TempDir static Path tmp;
  static MiniDFSCluster hdfs;
  static String root;
  static final SparkSuite SPARK = new SparkSuite("local[2]");
  static long started;

  /** 16 logits, one per line, under a header: the file family's data. */
  static String logits() {
    StringBuilder b = new StringBuilder("logit\n");
    for (int i = 0; i < 16; i++) b.append(String.format(Locale.ROOT, "%.3f%n", Math.sin(i * 0.7) * 2));
    return b.toString();
  }

  static String grid(List<Integer> batchSizes) {
    return String.join("\n",
        "name: hdfs",
        "seed: 20261126",
        "vocab_sizes: [16]",
        "policies:",
        "  - file: {path: data/logits.csv}",
        "  - gaussian: {sigma: 1.0}",
        "references:",
        "  - target_kl: {kl: 0.1}",
        "behaviours:",
        "  - on_policy: {}",
        "  - target_kl: {kl: 0.05}",
        "estimators: [k1/loss, k3/loss, verl.low_var_kl]",
        "baselines: [none, loo]",
        "batch_sizes: " + batchSizes,
        "batches: 150",
        "");
  }

  @BeforeAll
  static void startHdfs() throws Exception {
    started = System.nanoTime();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    root = "hdfs://localhost:" + hdfs.getNameNodePort();
    System.out.printf(Locale.ROOT, "HdfsIT: MiniDFSCluster up in %.1f s at %s%n", (System.nanoTime() - started) / 1e9, root);
  }

  @AfterAll
  static void stop() {
    SPARK.stop();
    if (hdfs != null) hdfs.shutdown();
    System.out.printf(Locale.ROOT, "HdfsIT: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
  }

  private static void put(String path, String text) throws Exception {
    Path local = Files.createDirectories(tmp.resolve("staged")).resolve(path.replace('/', '_'));
    Files.writeString(local, text);
    FileSystem fs = hdfs.getFileSystem();
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(root + path));
  }

  private static void assertOk(Cli cli) {
    assertEquals(0, cli.status(), cli.toString());
  }

  @Test
  void runResumeQueryAndEvalOnHdfsGiveTheRowsOfALocalRun() throws Exception {
    put("/in/data/logits.csv", logits());
    put("/in/grid.yaml", grid(List.of(2, 64, 4096)));
    put("/in/part.yaml", grid(List.of(64)));
    String out = root + "/out";
    int n = 2 * 2 * 3 * 3 * 2; // policies × behaviours × batch sizes × estimators × baselines

    // Part of the grid first, then the rest with --resume.
    long t0 = System.nanoTime();
    Cli part = Cli.run("run", "--grid", root + "/in/part.yaml", "--out", out, "--master", "local[2]");
    assertOk(part);
    Cli resumed = Cli.run("run", "--grid", root + "/in/grid.yaml", "--out", out, "--master", "local[2]", "--resume");
    assertOk(resumed);
    assertTrue(resumed.out().contains(n + " configurations, " + n / 3 + " already in the results, " + 2 * n / 3 + " rows written to "
        + root + "/out/results"), resumed.out());
    Cli again = Cli.run("run", "--grid", root + "/in/grid.yaml", "--out", out, "--master", "local[2]", "--resume");
    assertOk(again);
    assertTrue(again.out().contains(n + " configurations, " + n + " already in the results, 0 rows written"), again.out());
    double runs = (System.nanoTime() - t0) / 1e9;

    Cli query = Cli.run("query", "--out", out, "--format", "csv",
        "SELECT count(*) AS n, count(DISTINCT config_id) AS ids, count(DISTINCT run_id) AS runs FROM results");
    assertOk(query);
    assertEquals(List.of("n,ids,runs", n + "," + n + ",2"), query.out().lines().toList());

    Cli eval = Cli.run("eval", "--grid", root + "/in/grid.yaml", "--columns", "config_id");
    assertOk(eval);
    assertEquals(n + 1, eval.out().lines().count(), eval.out()); // header and one line per configuration

    // Bad input on HDFS is still one line and exit 2.
    Cli missing = Cli.run("run", "--grid", root + "/in/missing.yaml", "--out", root + "/never", "--master", "local[2]");
    assertEquals(2, missing.status(), missing.toString());
    assertTrue(missing.err().strip().startsWith(root + "/in/missing.yaml: ") && !missing.err().strip().contains("\n"), missing.err());
    assertFalse(hdfs.getFileSystem().exists(new org.apache.hadoop.fs.Path(root + "/never")));

    // The same grid from the local disk: the same rows, bit for bit.
    Files.createDirectories(tmp.resolve("local/data"));
    Files.writeString(tmp.resolve("local/data/logits.csv"), logits());
    Path localGrid = Files.writeString(tmp.resolve("local/grid.yaml"), grid(List.of(2, 64, 4096)));
    assertOk(Cli.run("run", "--grid", localGrid.toString(), "--out", tmp.resolve("local-out").toString(), "--master", "local[2]"));

    SPARK.start();
    SparkSession spark = SPARK.session();
    List<ResultRow> onHdfs = RunJobTest.sortedByConfigId(ResultStore.at(spark, out).read());
    List<ResultRow> local = RunJobTest.sortedByConfigId(ResultStore.at(spark, tmp.resolve("local-out").toString()).read());
    assertEquals(n, onHdfs.size());
    RunJobTest.assertSameNumbers(local, onHdfs);
    List<String> ids = new ArrayList<>();
    for (ResultRow r : onHdfs) ids.add((String) r.get(klbench.results.Column.CONFIG_ID));
    assertEquals(ids, eval.out().lines().skip(1).map(String::strip).sorted().toList());
    System.out.printf(Locale.ROOT, "HdfsIT: run, run --resume, run --resume on HDFS: %.1f s; %d rows equal to the local run's%n",
        runs, onHdfs.size());
  }
}
