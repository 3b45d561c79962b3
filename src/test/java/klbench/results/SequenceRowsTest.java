package klbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import klbench.cli.LocalEvaluation;
import klbench.grid.Configuration;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of a grid with sequence keys, through the real pipeline (GridFile, Distributions,
 * SequenceEvaluation, Rows.ofGroup) as {@code eval} computes them: in grid order, each with the
 * identity of its configuration, the truth of its model, and horizon-1 rows equal to those of the
 * same grid without sequence keys.
 */
class SequenceRowsTest {
  static final String SEQUENCES = String.join("\n",
      "name: rows",
      "seed: 17",
      "vocab_sizes: [3]",
      "horizons: [1, 3]",
      "contexts: [1, tree]",
      "policies:",
      "  - gaussian: {sigma: 1}",
      "references:",
      "  - target_kl: {kl: 0.05}",
      "  - perturb: {delta: 0.4, spread: 0.5}",
      "behaviours:",
      "  - on_policy: {}",
      "  - perturb: {delta: 0.3}",
      "estimators: [k1/reward, k2/loss, k1/reward_is]",
      "discounts: [1.0, 0.9]",
      "baselines: [none, loo]",
      "batch_sizes: [2, 4]",
      "batches: 40",
      "");

  /** The same grid for single tokens: no sequence keys, no sequence-only rule or parameter. */
  static final String SINGLE = SEQUENCES.replace("horizons: [1, 3]\n", "").replace("contexts: [1, tree]\n", "")
      .replace("  - perturb: {delta: 0.4, spread: 0.5}\n", "")
      .replace("discounts: [1.0, 0.9]\n", "").replace("estimators: [k1/reward, k2/loss, k1/reward_is]", "estimators: [k1/reward, k2/loss]");

  static List<ResultRow> rows(Path dir, String text) throws IOException {
    Path file = dir.resolve("grid.yaml");
    Files.writeString(file, text);
    List<ResultRow> out = new ArrayList<>();
    LocalEvaluation.run(GridFile.load(file), "run", out::add);
    return out;
  }

  @Test
  void rowsComeInGridOrderWithTheirConfigurationsAndModelsTruth(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("grid.yaml");
    Files.writeString(file, SEQUENCES);
    Grid g = GridFile.load(file);
    List<ResultRow> rows = rows(dir, SEQUENCES);
    List<Configuration> configs = g.configurations();
    assertEquals(configs.size(), rows.size());
    assertEquals(2 * 2 * 2 * 2 * 2 * 3 * 2 * 2, rows.size());
    int checked = 0;
    int futureRows = 0;
    Map<String, Double> klOfModel = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      ResultRow r = rows.get(i);
      Configuration c = configs.get(i);
      assertEquals(c.configId(), r.get(Column.CONFIG_ID));
      assertEquals(c.triple().horizon(), r.get(Column.HORIZON));
      assertEquals(c.triple().contexts().id(), r.get(Column.CONTEXTS));
      assertEquals(c.discount(), r.get(Column.DISCOUNT));
      assertEquals(c.estimator().name(), r.get(Column.ESTIMATOR));
      assertEquals(c.baseline().toString(), r.get(Column.BASELINE));
      assertEquals(c.batchSize(), r.get(Column.BATCH_SIZE));
      // the target_kl reference's target: KL(P‖Q) = T · kl for every model
      double kl = (Double) r.get(Column.KL);
      if (c.triple().reference().family().equals("target_kl")) assertEquals(0.05 * c.triple().horizon(), kl, 1e-9 * kl);
      Double earlier = klOfModel.putIfAbsent(c.triple().key(), kl);
      if (earlier != null) assertEquals(earlier, kl, 0.0, "one truth per model");
      double share = (Double) r.get(Column.GRAD_FUTURE_SHARE);
      if (c.triple().horizon() == 1) {
        assertEquals(0.0, share, 0.0);
      } else if (c.triple().contexts().id().equals("1")) {
        assertTrue(share < 1e-12, "one context: the future does not depend on the present, share " + share);
      } else {
        assertTrue(share > 0.01, "a tree of 3 positions has a future, share " + share);
        futureRows++;
      }
      checked++;
    }
    assertEquals(rows.size(), checked);
    assertEquals(rows.size() / 4, futureRows);
    assertEquals(16, klOfModel.size());
  }

  /** Horizon-1 rows of a grid with sequence keys are the rows of the single-token grid, bit for bit. */
  @Test
  void horizonOneRowsAreTheSingleTokenRows(@TempDir Path dir) throws IOException {
    Map<String, ResultRow> single = new HashMap<>();
    for (ResultRow r : rows(dir, SINGLE)) single.put((String) r.get(Column.CONFIG_ID), r);
    assertEquals(2 * 2 * 2 * 2, single.size());
    int matched = 0;
    for (ResultRow r : rows(dir, SEQUENCES)) {
      ResultRow s = single.get((String) r.get(Column.CONFIG_ID));
      if (s == null) continue;
      for (Column c : Column.values()) {
        if (c.isTiming()) continue;
        assertEquals(s.get(c), r.get(c), c.id() + " of " + r.get(Column.CONFIG_ID));
      }
      matched++;
    }
    assertEquals(single.size(), matched, "every single-token configuration is in the sequence grid, with the same id");
  }
}
