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

  /** Writes the tiny grid to {@code dir/tiny.yaml} and returns its path. */
  public static Path write(Path dir) {
    try {
      return Files.writeString(dir.resolve("tiny.yaml"), yaml(BATCH_SIZES, ESTIMATORS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
