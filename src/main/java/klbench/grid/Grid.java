package klbench.grid;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import klbench.core.Baseline;
import klbench.core.Contexts;
import klbench.core.Estimator;
import klbench.distributions.FamilySpec;
import klbench.distributions.FileVectors;
import klbench.distributions.TripleSpec;

/**
 * A loaded and validated grid file ({@link GridFile#load}). The configurations are the product of
 * its lists; {@link #triples()} is that product over the lists that define a model of responses
 * (vocabulary size, the three families, horizon, contexts), already filtered for what {@code probs}
 * and {@code file} families fix.
 *
 * @param vocabSizes the sizes as written, or, when the file omits them, the sizes of its
 *     fixed-size policies in order of appearance
 * @param horizons the horizons as written, or the long-form files' (default [1])
 * @param contexts the contexts as written, or the long-form files' (default [1])
 * @param discounts the discounts as written (default [1.0])
 * @param source the grid file as the user named it
 * @param rawText the grid file's text, as given (kept beside the results of a run)
 * @param files the contents of every {@code file} family, for {@code Distributions.model}
 * @param triples every model: triple, then horizon, then contexts
 */
public record Grid(
    String name,
    String description,
    long seed,
    List<Integer> vocabSizes,
    List<Integer> horizons,
    List<Contexts> contexts,
    List<FamilySpec> policies,
    List<FamilySpec> references,
    List<FamilySpec> behaviours,
    List<Estimator> estimators,
    List<Double> discounts,
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
   * Every configuration, in the order model (triple → horizon → contexts) → batch size → estimator
   * → discount → baseline: per model, the order in which {@code SequenceEvaluation.evaluate}
   * returns its metrics.
   */
  public List<Configuration> configurations() {
    List<Configuration> out = new ArrayList<>();
    for (TripleSpec t : triples) out.addAll(configurations(t));
    return out;
  }

  /** The configurations of one model, batch size → estimator → discount → baseline. */
  public List<Configuration> configurations(TripleSpec model) {
    List<Configuration> out = new ArrayList<>();
    for (int b : batchSizes) out.addAll(configurations(model, b));
    return out;
  }

  /** The configurations of one model and batch size, estimator → discount → baseline. */
  public List<Configuration> configurations(TripleSpec model, int batchSize) {
    List<Configuration> out = new ArrayList<>(estimators.size() * discounts.size() * baselines.size());
    for (Estimator e : estimators) {
      for (double g : discounts) {
        for (Baseline b : baselines) out.add(new Configuration(model, e, g, b, batchSize, batches, seed));
      }
    }
    return out;
  }

  public int configurationCount() {
    return triples.size() * batchSizes.size() * estimators.size() * discounts.size() * baselines.size();
  }
}
