package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import klbench.grid.Configuration;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.results.ResultRow;
import klbench.spark.ParquetFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver as a separate process (the classpath of this test, Spark's Java 17 flags): killed
 * with SIGKILL in the middle of a run, and two runs writing to one --out at once. The results are
 * read back with parquet-hadoop's reader, not Spark.
 */
class KilledAndConcurrentRunsIT {
  @TempDir Path tmp;

  /** Long enough (about 10-20 s of simulation on 2 cores) to be killed in the middle. */
  static String grid(String name, long seed, List<Integer> batchSizes, int batches) {
    return String.join("\n",
        "name: " + name,
        "seed: " + seed,
        "vocab_sizes: [16, 48]",
        "policies: [{gaussian: {sigma: 1.0}}, {zipf: {exponent: 1.1}}]",
        "references: [{target_kl: {kl: 0.1}}]",
        "behaviours: [on_policy, {target_kl: {kl: 0.05}}]",
        "estimators: [k1/loss, k3/loss, verl.low_var_kl]",
        "baselines: [none, loo]",
        "batch_sizes: " + batchSizes,
        "batches: " + batches,
        "");
  }

  private static Grid write(Path file, String yaml) throws IOException {
    Files.writeString(file, yaml);
    return GridFile.load(file);
  }

  @Test
  void aKilledRunLeavesNoRowsAndResumeCompletesItExactly() throws Exception {
    Path gridFile = tmp.resolve("long.yaml");
    Grid grid = write(gridFile, grid("long", 20261126, List.of(64, 4096), 6000));
    Path out = tmp.resolve("out");
    Path logs = tmp.resolve("logs");

    long start = System.nanoTime();
    double killedAfter;
    String progress;
    try (ChildRun run = ChildRun.start(logs, "killed", "run", "--grid", gridFile.toString(), "--out", out.toString(),
        "--master", "local[2]")) {
      // Mid-run: the progress line appears once the simulation has been under way for 2 s.
      while (run.process.isAlive() && !run.stderrText().contains("klbench: ")) Thread.sleep(100);
      assertTrue(run.process.isAlive(), "the run ended before it could be killed:\n" + run.tail());
      progress = run.stderrText().lines().filter(l -> l.startsWith("klbench: ")).findFirst().orElseThrow();
      run.process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      assertEquals(137, run.await(30), "killed by SIGKILL");
      killedAfter = (System.nanoTime() - start) / 1e9;
    }

    // Nothing of the killed run is in the results, and its record says it never finished.
    assertEquals(List.of(), ParquetFiles.files(out.resolve("results")), "no Parquet file under results/");
    List<Path> runs;
    try (Stream<Path> s = Files.list(out.resolve("runs"))) {
      runs = s.toList();
    }
    assertEquals(1, runs.size());
    String killedId = runs.get(0).getFileName().toString();
    assertTrue(Files.readString(runs.get(0).resolve("run.json")).contains("\"running\""));
    // As if it had been killed while writing: half a Parquet file in its staging folder.
    Path staging = Files.createDirectories(out.resolve("_staging").resolve(killedId));
    Files.write(staging.resolve("part-00000-half.snappy.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 1, 2, 3});

    try (ChildRun resume = ChildRun.start(logs, "resume", "run", "--grid", gridFile.toString(), "--out", out.toString(),
        "--master", "local[2]", "--resume")) {
      assertEquals(0, resume.await(600), resume.tail());
      String summary = Files.readString(resume.stdout);
      int n = grid.configurationCount();
      assertTrue(summary.contains(n + " configurations, 0 already in the results, " + n + " rows written"), summary);
    }

    // The final rows: every configuration once, bit-equal to an uninterrupted evaluation of the grid.
    List<Map<String, Object>> rows = ParquetFiles.rows(out.resolve("results"));
    List<ResultRow> uninterrupted = new ArrayList<>();
    LocalEvaluation.run(grid, "reference", uninterrupted::add);
    ParquetFiles.assertSameRows(uninterrupted, rows);
    Set<Object> runIds = rows.stream().map(r -> r.get("run_id")).collect(Collectors.toSet());
    assertEquals(1, runIds.size());
    assertNotEquals(killedId, runIds.iterator().next());
    System.out.printf("KilledAndConcurrentRunsIT: killed after %.1f s at '%s'; resume wrote %d rows%n",
        killedAfter, progress, rows.size());
  }

  @Test
  void twoRunsWritingToOneOutAtOnceBothLandWhole() throws Exception {
    Path out = tmp.resolve("shared");
    Path logs = tmp.resolve("logs");
    Path fileA = tmp.resolve("a.yaml");
    Path fileB = tmp.resolve("b.yaml");
    Grid a = write(fileA, grid("a", 1, List.of(2, 64), 200));
    Grid b = write(fileB, grid("b", 2, List.of(4, 64), 200));

    try (ChildRun runA = ChildRun.start(logs, "a", "run", "--grid", fileA.toString(), "--out", out.toString(), "--master", "local[1]");
        ChildRun runB = ChildRun.start(logs, "b", "run", "--grid", fileB.toString(), "--out", out.toString(), "--master", "local[1]")) {
      assertEquals(0, runA.await(600), runA.tail());
      assertEquals(0, runB.await(600), runB.tail());
    }

    List<Map<String, Object>> rows = ParquetFiles.rows(out.resolve("results"));
    assertEquals(a.configurationCount() + b.configurationCount(), rows.size());
    Map<Object, Set<String>> idsByRun = new HashMap<>();
    Map<Object, Object> nameByRun = new HashMap<>();
    Set<String> all = new HashSet<>();
    for (Map<String, Object> r : rows) {
      idsByRun.computeIfAbsent(r.get("run_id"), k -> new HashSet<>()).add((String) r.get("config_id"));
      nameByRun.put(r.get("run_id"), r.get("run_name"));
      assertTrue(all.add((String) r.get("config_id")), "duplicate config_id " + r.get("config_id"));
    }
    assertEquals(2, idsByRun.size(), "two runs");
    for (Map.Entry<Object, Set<String>> e : idsByRun.entrySet()) {
      Grid g = "a".equals(nameByRun.get(e.getKey())) ? a : b;
      assertEquals(configIds(g), e.getValue(), "run " + e.getKey() + " complete");
    }
    assertFalse(Files.exists(out.resolve("_staging")) && ParquetFiles.files(out.resolve("_staging")).size() > 0,
        "no leftover staging files");
    System.out.printf("KilledAndConcurrentRunsIT: concurrent runs wrote %d + %d rows%n",
        a.configurationCount(), b.configurationCount());
  }

  private static Set<String> configIds(Grid g) {
    Set<String> ids = new HashSet<>();
    for (Configuration c : g.configurations()) ids.add(c.configId());
    return ids;
  }
}
