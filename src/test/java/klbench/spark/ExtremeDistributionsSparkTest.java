package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
 * The edge cases of {@code klbench.cli.ExtremeDistributionsTest}, smaller, through Spark: every
 * number written is finite (non-finite would be null), every row is consistent or says why not
 * (mc_note, infeasible_reason), and the rows equal the in-process evaluation's bit for bit.
 */
class ExtremeDistributionsSparkTest {
  @RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2]");

  @TempDir Path tmp;

  private static final String ESTIMATORS = """
      estimators: [k1/loss, k2/loss, k3/loss, k1/reward, k3/loss_ratio, verl.low_var_kl, trl.grpo,
                   {value: k3, rule: loss, clamp_log_ratio: 0.05}, {value: k1, rule: reward, clamp_value: 0.01},
                   {value: k3, rule: loss_ratio, clamp_log_ratio: 0.5, clamp_value: 0.01}]
      baselines: [none, loo]
      """;

  private static final List<String> GRIDS = List.of(
      """
      name: sigma50
      seed: 1
      vocab_sizes: [64]
      policies: [{gaussian: {sigma: 50.0}}]
      references: [{target_kl: {kl: 0.01}}, {target_kl: {kl: 1.0}}]
      behaviours: [on_policy, {target_kl: {kl: 0.5}}]
      batch_sizes: [16]
      batches: 200
      """ + ESTIMATORS,
      """
      name: v2-tiny-and-huge-kl
      seed: 2
      vocab_sizes: [2, 32]
      policies: [{gaussian: {sigma: 1.0}}]
      references: [{target_kl: {kl: 1.0e-8}}, {target_kl: {kl: 10.0}}]
      behaviours: [on_policy]
      batch_sizes: [4]
      batches: 500
      """ + ESTIMATORS,
      """
      name: far-behaviour-and-clamps
      seed: 3
      vocab_sizes: [64]
      policies: [{gaussian: {sigma: 2.0}}]
      references: [{target_kl: {kl: 2.0}}]
      behaviours: [{target_kl: {kl: 5.0}}]
      batch_sizes: [16]
      batches: 500
      """ + ESTIMATORS);

  private static final List<Column> FINITE_WHEN_PRESENT = List.of(Column.values()).stream()
      .filter(c -> c.type() == Column.Type.DOUBLE).toList();

  @Test
  void extremeGridsOnSparkAreFiniteFlaggedAndEqualTheLocalEvaluation() throws IOException {
    int rows = 0;
    int notes = 0;
    int inconsistentWithNote = 0;
    for (int i = 0; i < GRIDS.size(); i++) {
      Grid grid = GridFile.parse(GRIDS.get(i), Path.of("extreme-" + i + ".yaml"));
      String out = tmp.resolve("out" + i).toString();
      RunJob.Outcome outcome = RunJob.run(SPARK.session(), grid, new RunJob.Options(out, false, 3, null));
      List<ResultRow> read = new ArrayList<>();
      ResultStore.at(SPARK.session(), out).read().collectAsList().forEach(r -> read.add(ResultSchema.fromRow(r)));
      assertEquals(grid.configurationCount(), read.size());

      for (ResultRow r : read) {
        String what = grid.name() + " " + r.get(Column.ESTIMATOR) + " " + r.get(Column.BASELINE) + " "
            + r.get(Column.REFERENCE) + " " + r.get(Column.BEHAVIOUR) + " V=" + r.get(Column.VOCAB_SIZE);
        for (Column c : FINITE_WHEN_PRESENT) {
          Object v = r.get(c);
          assertTrue(v == null || Double.isFinite((Double) v), what + ": " + c.id() + " = " + v);
        }
        boolean consistent = Boolean.TRUE.equals(r.get(Column.CONSISTENT));
        boolean explained = r.get(Column.MC_NOTE) != null || r.get(Column.INFEASIBLE_REASON) != null;
        assertTrue(consistent || explained, what + ": value_z " + r.get(Column.VALUE_Z) + ", grad_mse_z " + r.get(Column.GRAD_MSE_Z));
        if (r.get(Column.INFEASIBLE_REASON) == null) {
          assertNotNull(r.get(Column.KL), what);
          assertNotNull(r.get(Column.VALUE_MEAN_MC), what);
          assertNotNull(r.get(Column.GRAD_MSE_MC), what);
        }
        if (r.get(Column.MC_NOTE) != null) notes++;
        if (!consistent && explained) inconsistentWithNote++;
      }

      List<ResultRow> local = new ArrayList<>();
      LocalEvaluation.run(grid, "local", local::add);
      assertEquals(grid.configurationCount(), outcome.written());
      ParquetFiles.assertSameRows(local, ParquetFiles.rows(tmp.resolve("out" + i).resolve("results")));
      rows += read.size();
    }
    System.out.println("ExtremeDistributionsSparkTest: " + rows + " rows, " + notes + " with mc_note, "
        + inconsistentWithNote + " not consistent but explained");
  }
}
