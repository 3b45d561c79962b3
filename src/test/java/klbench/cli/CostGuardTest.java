package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.input.BadInputException;
import klbench.spark.TestGrids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run refuses a grid far beyond the machine unless --force; decided before Spark starts. */
class CostGuardTest {
  @TempDir Path tmp;

  static Path defaultGrid() {
    return Path.of(System.getProperty("klbench.home", "."), "conf", "grid.yaml");
  }

  private Path hugeGrid() throws IOException {
    String text = Files.readString(defaultGrid()).replace("batches: 3000", "batches: 30000000");
    return Files.writeString(tmp.resolve("huge.yaml"), text);
  }

  @Test
  void theDefaultGridIsWellWithinTheLimitAndTenThousandTimesItsBatchesAreNot() throws IOException {
    Grid defaults = GridFile.load(defaultGrid());
    double hours = CostGuard.estimatedHours(defaults, 2);
    System.out.printf("CostGuardTest: default grid estimated %.1f s on 2 cores%n", hours * 3600);
    // Measured (run, 2 cores, load 2-3): 53 s of simulation after 20 s of target_kl solves on the driver.
    assertTrue(hours * 3600 > 25 && hours * 3600 < 150, "default grid: " + hours * 3600 + " s");
    assertDoesNotThrow(() -> CostGuard.check(defaults, "local[2]", false, CostGuard.DEFAULT_MAX_HOURS));

    Grid huge = GridFile.load(hugeGrid());
    assertTrue(CostGuard.estimatedHours(huge, 2) > 100 * hours);
    BadInputException e = assertThrows(BadInputException.class,
        () -> CostGuard.check(huge, "local[2]", false, CostGuard.DEFAULT_MAX_HOURS));
    assertTrue(e.getMessage().contains("on 2 cores"), e.getMessage());
    assertDoesNotThrow(() -> CostGuard.check(huge, "local[2]", true, CostGuard.DEFAULT_MAX_HOURS));
    // A cluster's size is not known here: no guard.
    assertDoesNotThrow(() -> CostGuard.check(huge, "spark://127.0.0.1:7077", false, CostGuard.DEFAULT_MAX_HOURS));
    // A tiny machine budget refuses even the test grid.
    Grid tiny = TestGrids.tiny();
    assertThrows(BadInputException.class, () -> CostGuard.check(tiny, "local[2]", false, 1e-9));
    assertDoesNotThrow(() -> CostGuard.check(tiny, "local[2]", true, 1e-9));
  }

  @Test
  void coresOfAMaster() {
    assertEquals(1, Masters.localCores("local"));
    assertEquals(3, Masters.localCores("local[3]"));
    assertEquals(2, Masters.localCores("local[2,4]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), Masters.localCores("local[*]"));
    assertEquals(4, Masters.localCores("local-cluster[2,2,1024]"));
    assertEquals(0, Masters.localCores("yarn"));
    assertEquals(0, Masters.localCores("spark://127.0.0.1:7077"));
    // The same patterns decide what is local: a malformed local master is neither local nor a cluster.
    assertTrue(Masters.isLocal("local[*,3]") && Masters.isLocal("local-cluster[2,1,1024]"));
    assertFalse(Masters.isLocal("local[0]") || Masters.isLocal("local[two]") || Masters.isLocal("local-cluster[2,1]"));
    assertEquals(0, Masters.localCores("local[0]"));
  }

  @Test
  void runRefusesAHugeGridWithOneLineAndWritesNothing() throws IOException {
    Path huge = hugeGrid();
    Path out = tmp.resolve("out");
    Cli cli = Cli.run("run", "--grid", huge.toString(), "--out", out.toString(), "--master", "local[2]");
    assertEquals(2, cli.status(), cli.toString());
    assertEquals("", cli.out());
    String err = cli.err().strip();
    assertFalse(err.contains("\n"), cli.toString());
    assertTrue(err.startsWith(huge + ": batches, batch_sizes, vocab_sizes: estimated "), err);
    assertTrue(err.contains(" h on 2 cores") && err.contains("--force"), err);
    assertFalse(Files.exists(out));
    System.out.println("CostGuardTest: " + err);

    // With --force the guard lets it through: the next check (an unwritable --out) is what stops it.
    Cli forced = Cli.run("run", "--grid", huge.toString(), "--out", "/proc/klbench/out", "--master", "local[2]", "--force");
    assertEquals(2, forced.status(), forced.toString());
    assertTrue(forced.err().contains("--out") && !forced.err().contains("estimated"), forced.toString());
  }
}
