package klbench.grid;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import klbench.core.Baseline;
import klbench.core.Contexts;
import klbench.core.Estimator;
import klbench.distributions.FamilySpec;
import klbench.distributions.FileVectors;
import klbench.distributions.TripleSpec;

/**
 * A loaded and validated grid file ({@link GridFile#load}): one or more {@link Part}s, each the
 * product of its lists, under one name and seed. A file without {@code parts} is one part. The
 * models ({@link #triples()}) are every part's, in part order; each model belongs to one part,
 * whose estimators, discounts, baselines, batch sizes and batch count make its configurations
 * ({@link #part(int)}). Consumers address models by index, since two parts may share a model
 * (with other estimators, say).
 */
public final class Grid implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One product of lists. Its {@link #triples()} are the product over the lists that define a model
   * of responses (vocabulary size, the three families, horizon, contexts), already filtered for
   * what {@code probs} and {@code file} families fix.
   *
   * @param description the part's own description, or null (a file without parts has none: its
   *     description is the grid's)
   * @param vocabSizes the sizes as written, or, when omitted, the sizes of its fixed-size policies
   *     in order of appearance
   * @param horizons the horizons as written, or the long-form files' (default [1])
   * @param contexts the contexts as written, or the long-form files' (default [1])
   * @param discounts the discounts as written (default [1.0])
   * @param triples every model of the part: triple, then horizon, then contexts
   */
  public record Part(
      String description,
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
      List<TripleSpec> triples) implements Serializable {

    /** The configurations of one model at one batch size: estimators × discounts × baselines. */
    public int configurationsPerBatchSize() {
      return estimators.size() * discounts.size() * baselines.size();
    }

    /** Lanes of an evaluation: every (estimator, discount) pair. */
    public int lanes() {
      return estimators.size() * discounts.size();
    }

    public int configurationCount() {
      return triples.size() * batchSizes.size() * configurationsPerBatchSize();
    }

    /** The configurations of {@code model} (one of this part's) at {@code batchSize}, estimator → discount → baseline. */
    List<Configuration> configurations(TripleSpec model, int batchSize, long seed) {
      List<Configuration> out = new ArrayList<>(configurationsPerBatchSize());
      for (Estimator e : estimators) {
        for (double g : discounts) {
          for (Baseline b : baselines) out.add(new Configuration(model, e, g, b, batchSize, batches, seed));
        }
      }
      return out;
    }
  }

  private final String name;
  private final String description;
  private final long seed;
  private final List<Part> parts;
  private final String source;
  private final String rawText;
  private final FileVectors files;
  private final List<TripleSpec> triples;
  /** The index in {@link #parts} of each model. */
  private final int[] partOf;

  /**
   * @param source the grid file as the user named it
   * @param rawText the grid file's text, as given (kept beside the results of a run)
   * @param files the contents of every {@code file} family, for {@code Distributions.model}
   */
  public Grid(String name, String description, long seed, List<Part> parts, String source, String rawText, FileVectors files) {
    if (parts.isEmpty()) throw new IllegalArgumentException("a grid has at least one part");
    this.name = name;
    this.description = description;
    this.seed = seed;
    this.parts = List.copyOf(parts);
    this.source = source;
    this.rawText = rawText;
    this.files = files;
    List<TripleSpec> all = new ArrayList<>();
    for (Part p : parts) all.addAll(p.triples());
    this.triples = Collections.unmodifiableList(all);
    this.partOf = new int[all.size()];
    int m = 0;
    for (int i = 0; i < parts.size(); i++) {
      for (int k = 0; k < parts.get(i).triples().size(); k++) partOf[m++] = i;
    }
  }

  public String name() { return name; }

  /** The grid's description (top level), or null. */
  public String description() { return description; }

  public long seed() { return seed; }

  /** The parts in file order; one for a file without {@code parts}. */
  public List<Part> parts() { return parts; }

  public String source() { return source; }

  public String rawText() { return rawText; }

  public FileVectors files() { return files; }

  public Path sourcePath() {
    return Path.of(source);
  }

  /** Every model: each part's, in part order. */
  public List<TripleSpec> triples() { return triples; }

  /** The part model {@code modelIndex} (an index into {@link #triples()}) belongs to. */
  public Part part(int modelIndex) {
    return parts.get(partOf[modelIndex]);
  }

  /** The index in {@link #parts()} of the part model {@code modelIndex} belongs to. */
  public int partIndex(int modelIndex) {
    return partOf[modelIndex];
  }

  /**
   * Every configuration, in the order part → model (triple → horizon → contexts) → batch size →
   * estimator → discount → baseline: per model, the order in which {@code SequenceEvaluation.evaluate}
   * returns its metrics.
   */
  public List<Configuration> configurations() {
    List<Configuration> out = new ArrayList<>();
    for (int m = 0; m < triples.size(); m++) out.addAll(configurations(m));
    return out;
  }

  /** The configurations of model {@code modelIndex}, batch size → estimator → discount → baseline. */
  public List<Configuration> configurations(int modelIndex) {
    List<Configuration> out = new ArrayList<>();
    for (int b : part(modelIndex).batchSizes()) out.addAll(configurations(modelIndex, b));
    return out;
  }

  /** The configurations of model {@code modelIndex} at one of its part's batch sizes, estimator → discount → baseline. */
  public List<Configuration> configurations(int modelIndex, int batchSize) {
    return part(modelIndex).configurations(triples.get(modelIndex), batchSize, seed);
  }

  public int configurationCount() {
    int n = 0;
    for (Part p : parts) n += p.configurationCount();
    return n;
  }
}
