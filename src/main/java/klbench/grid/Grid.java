package klbench.grid;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.distributions.FamilySpec;
import klbench.distributions.FileVectors;
import klbench.distributions.TripleSpec;

/**
 * A loaded and validated grid file ({@link GridFile#load}). The configurations are the product of
 * its lists; {@link #triples()} is that product over the distribution lists, already filtered for
 * the fixed sizes of {@code probs} and {@code file} families.
 *
 * @param vocabSizes the sizes as written, or, when the file omits them, the sizes of its
 *     fixed-size policies in order of appearance
 * @param source the grid file as the user named it
 * @param rawText the grid file's text, as given (kept beside the results of a run)
 * @param files the contents of every {@code file} family, for {@code Distributions.build}
 */
public record Grid(
    String name,
    String description,
    long seed,
    List<Integer> vocabSizes,
    List<FamilySpec> policies,
    List<FamilySpec> references,
    List<FamilySpec> behaviours,
    List<Estimator> estimators,
    List<Baseline> baselines,
    List<Integer> batchSizes,
    int batches,
    String source,
    String rawText,
    FileVectors files,
    List<TripleSpec> triples) implements Serializable {

  public Path sourcePath() {
    return Path.of(source);
  }

  /**
   * Every configuration, in the order triple → batch size → estimator → baseline: the order in
   * which {@code TripleEvaluation.finish} returns metrics for one (triple, batch size).
   */
  public List<Configuration> configurations() {
    List<Configuration> out = new ArrayList<>();
    for (TripleSpec t : triples) {
      for (int b : batchSizes) out.addAll(configurations(t, b));
    }
    return out;
  }

  /** The configurations of one triple and batch size, estimator-major, as {@code finish} orders its metrics. */
  public List<Configuration> configurations(TripleSpec triple, int batchSize) {
    List<Configuration> out = new ArrayList<>(estimators.size() * baselines.size());
    for (Estimator e : estimators) {
      for (Baseline b : baselines) out.add(new Configuration(triple, e, b, batchSize, batches, seed));
    }
    return out;
  }

  public int configurationCount() {
    return triples.size() * batchSizes.size() * estimators.size() * baselines.size();
  }
}
