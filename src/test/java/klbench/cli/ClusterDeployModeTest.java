package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import klbench.spark.TestGrids;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver in cluster deploy mode (spark-submit sets {@code spark.submit.deployMode=cluster}) runs
 * in a worker's scratch folder: relative --out and --grid are refused there with one line, before
 * anything starts, unless --files shipped the grid under that name. No Spark starts in this test:
 * every case is refused, or stopped by --dry-run.
 */
class ClusterDeployModeTest {
  @TempDir Path tmp;

  @BeforeEach
  void asAClusterModeDriver() {
    System.setProperty("spark.submit.deployMode", "cluster");
  }

  @AfterEach
  void back() {
    System.clearProperty("spark.submit.deployMode");
    System.clearProperty("spark.files");
  }

  private static void assertRefused(Cli cli, String mentions) {
    assertEquals(2, cli.status(), cli.toString());
    assertEquals("", cli.out(), cli.toString());
    String err = cli.err().strip();
    assertFalse(err.contains("\n"), cli.toString());
    assertTrue(err.contains(mentions), cli.toString());
  }

  @Test
  void relativePathsAreRefusedAndAbsoluteOnesAccepted() {
    Path grid = TestGrids.write(tmp);
    assertRefused(Cli.run("run", "--grid", grid.toString(), "--out", "results", "--master", "local[1]", "--dry-run"),
        "--out: 'results' is relative: in cluster deploy mode");
    assertRefused(Cli.run("run", "--grid", "tiny.yaml", "--out", tmp.resolve("out").toString(), "--master", "local[1]", "--dry-run"),
        "tiny.yaml: --grid: a relative path in cluster deploy mode");
    assertRefused(Cli.run("query", "--out", "results", "SELECT 1"), "--out: 'results' is relative");
    assertRefused(Cli.run("status", "--out", "results", "--run", "r1"), "--out: 'results' is relative");

    Cli ok = Cli.run("run", "--grid", grid.toString(), "--out", tmp.resolve("out").toString(), "--master", "local[1]", "--dry-run");
    assertEquals(0, ok.status(), ok.toString());
    assertTrue(ok.out().startsWith("grid " + grid + ": 144 configurations, 8 triples, about "), ok.out());
    assertFalse(Files.exists(tmp.resolve("out")), "a dry run writes nothing");
  }

  @Test
  void aGridShippedWithFilesIsFoundByItsName() throws Exception {
    Path shipped = Files.createDirectories(tmp.resolve("shipped"));
    Path grid = TestGrids.write(shipped);
    System.setProperty("spark.files", "file:" + tmp.resolve("other.txt") + ",file:" + grid);
    assertEquals("file:" + grid, Locations.shippedFile("tiny.yaml"));
    assertNull(Locations.shippedFile("sub/tiny.yaml"));
    assertNull(Locations.shippedFile("missing.yaml"));
    Cli ok = Cli.run("run", "--grid", "tiny.yaml", "--out", tmp.resolve("out").toString(), "--master", "local[1]", "--dry-run");
    assertEquals(0, ok.status(), ok.toString());
    assertTrue(ok.out().startsWith("grid file:" + grid + ": 144 configurations"), ok.out());
  }

  @Test
  void outsideClusterModeRelativePathsAreTheWorkingFolders() {
    System.clearProperty("spark.submit.deployMode");
    assertFalse(Locations.inClusterDeployMode());
    assertEquals("results", Locations.out("results"));
    assertTrue(Locations.isRelative("results") && Locations.isRelative("a/b.yaml"));
    assertFalse(Locations.isRelative("/abs") || Locations.isRelative("hdfs://nn:8020/x") || Locations.isRelative("file:/x"));
    assertTrue(Locations.isLocal("results") && Locations.isLocal("file:/x") && !Locations.isLocal("hdfs://nn/x"));
  }
}
