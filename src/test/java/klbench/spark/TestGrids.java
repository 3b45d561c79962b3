package klbench.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import klbench.grid.Grid;
import klbench.grid.GridFile;

/**
 * Small grids for the Spark tests: V = 16 and 48, both behaviours, three batch sizes of which
 * 4096 takes three chunks (so chunk merging is exercised), 150 batches. A few seconds per run.
 */
public final class TestGrids {
  private TestGrids() {}

  public static final List<Integer> BATCH_SIZES = List.of(2, 64, 4096);
  public static final List<String> ESTIMATORS = List.of("k1/loss", "k3/loss", "verl.low_var_kl");

  /** The grid file's text with these batch sizes and estimators. */
  public static String yaml(List<Integer> batchSizes, List<String> estimators) {
    return String.join("\n",
        "name: tiny",
        "seed: 20261126",
        "vocab_sizes: [16, 48]",
        "policies:",
        "  - gaussian: {sigma: 1.0}",
        "  - zipf: {exponent: 1.1}",
        "references:",
        "  - target_kl: {kl: 0.1}",
        "behaviours:",
        "  - on_policy: {}",
        "  - target_kl: {kl: 0.05}",
        "estimators: [" + String.join(", ", estimators) + "]",
        "baselines: [none, loo]",
        "batch_sizes: " + batchSizes,
        "batches: 150",
        "");
  }

  public static Grid tiny(List<Integer> batchSizes, List<String> estimators) {
    return GridFile.parse(yaml(batchSizes, estimators), Path.of("tiny.yaml"));
  }

  public static Grid tiny() {
    return tiny(BATCH_SIZES, ESTIMATORS);
  }

  /**
   * The first of two parts of a grid with parts ({@code klbench.grid.PartsText#of}): single
   * tokens whose B = 4096 takes three chunks (split over many tasks), at 150 batches.
   */
  public static final String TOKENS_PART = String.join("\n",
      "vocab_sizes: [16, 48]",
      "policies: [{gaussian: {sigma: 1.0}}]",
      "references: [{target_kl: {kl: 0.1}}]",
      "behaviours: [on_policy, {target_kl: {kl: 0.05}}]",
      "estimators: [k1/loss, k3/loss]",
      "baselines: [none, loo]",
      "batch_sizes: [2, 4096]",
      "batches: 150",
      "");

  /**
   * The second part: responses with the sequence-only rules, a discount and a tree, at other batch
   * sizes and another batch count; {@code k3/loss} also in the first part, {@code oracle} not.
   */
  public static final String RESPONSES_PART = String.join("\n",
      "vocab_sizes: [3]",
      "horizons: [2, 3]",
      "contexts: [1, tree]",
      "policies: [{gaussian: {sigma: 1.0}}]",
      "references: [{target_kl: {kl: 0.1}}]",
      "behaviours: [on_policy, {perturb: {delta: 0.3}}]",
      "estimators: [k1/reward_token, k3/reward_is, k3/loss]",
      "discounts: [1.0, 0.9]",
      "baselines: [oracle, none, loo]",
      "batch_sizes: [4, 16]",
      "batches: 60",
      "");

  /** Writes the tiny grid to {@code dir/tiny.yaml} and returns its path. */
  public static Path write(Path dir) {
    try {
      return Files.writeString(dir.resolve("tiny.yaml"), yaml(BATCH_SIZES, ESTIMATORS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
