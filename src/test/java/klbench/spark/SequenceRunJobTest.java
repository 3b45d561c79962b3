package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import klbench.cli.LocalEvaluation;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models of responses through the Spark job: each is evaluated whole in one task, so the rows are
 * those of {@code eval} bit for bit whatever the number of tasks, and --resume finishes a run.
 */
public class SequenceRunJobTest {
  @RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2]");

  @TempDir Path tmp;

  static final String GRID = String.join("\n",
      "name: sequences",
      "seed: 11",
      "vocab_sizes: [4, 6]",
      "policies: [{gaussian: {sigma: 1.0}}]",
      "references: [{target_kl: {kl: 0.1, spread: 1.0}}]",
      "behaviours: [on_policy, {perturb: {delta: 0.3}}]",
      "horizons: [1, 3]",
      "contexts: [1, 2]",
      "discounts: [1.0, 0.9]",
      "estimators: [k1/loss, k3/loss, k1/reward, k1/reward_total, k1/reward_is, verl.low_var_kl]",
      "baselines: [none, loo, oracle]",
      "batch_sizes: [2, 16]",
      "batches: 200",
      "");

  private List<ResultRow> run(Grid g, String out, boolean resume, int partitions) throws IOException {
    RunJob.run(SPARK.session(), g, new RunJob.Options(tmp.resolve(out).toString(), resume, partitions, null));
    return RunJobTest.sortedByConfigId(ResultStore.at(SPARK.session(), tmp.resolve(out).toString()).read());
  }

  @Test
  void rowsEqualEvalWhateverTheTasks() throws IOException {
    Grid g = GridFile.parse(GRID, Path.of("sequences.yaml"));
    List<ResultRow> local = new ArrayList<>();
    LocalEvaluation.run(g, "local", local::add);
    local = RunJobTest.sortedByConfigId(local);
    assertEquals(g.configurationCount(), local.size());
    int longer = 0;
    for (ResultRow r : local) if ((Integer) r.get(Column.HORIZON) > 1) longer++;
    assertTrue(longer > 0 && longer < local.size(), "both horizons in the grid");
    RunJobTest.assertSameNumbers(local, run(g, "one", false, 1));
    RunJobTest.assertSameNumbers(local, run(g, "five", false, 5));
  }

  @Test
  void resumeFinishesARunOfResponses() throws IOException {
    Grid g = GridFile.parse(GRID, Path.of("sequences.yaml"));
    Grid half = GridFile.parse(GRID.replace("batch_sizes: [2, 16]", "batch_sizes: [2]"), Path.of("sequences.yaml"));
    run(half, "out", false, 2);
    List<ResultRow> resumed = run(g, "out", true, 3);
    RunJobTest.assertSameNumbers(run(g, "fresh", false, 2), resumed);
  }
}
