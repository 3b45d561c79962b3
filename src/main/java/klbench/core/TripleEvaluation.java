package klbench.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Exact and Monte Carlo metrics of many estimators and baselines on one distribution triple: the
 * core's entry point, which puts its parts together.
 *
 * <ul>
 *   <li>{@link ExactMoments}: built once per triple in O(V·E) ({@link #prepare}), the exact value
 *       and gradient sums of every (estimator, token-only baseline);
 *   <li>{@link SamplingTables}: built on first Monte Carlo use, immutable, shared by every random
 *       stream, so chunks may run on any thread;
 *   <li>{@link ChunkSimulation}: one chunk of batches on its own stream ({@link #simulateChunk}),
 *       accumulated into {@link PartialStats}, which chunks combine by a left fold in chunk order;
 *   <li>{@link MetricAssembly}: the metrics from the exact sums and the merged statistics
 *       ({@link #finish}), with the consistency check of {@link Consistency}.
 * </ul>
 */
public final class TripleEvaluation {
  private final Triple t;
  private final List<Estimator> estimators;
  private final List<Baseline> baselines;
  private final ExactMoments exact;
  private final MetricAssembly assembly;
  /** Built on first use: exact-only callers never pay for the sampling tables. */
  private volatile SamplingTables sampling;

  private TripleEvaluation(Triple t, List<Estimator> estimators, List<Baseline> baselines) {
    this.t = t;
    this.estimators = List.copyOf(estimators);
    this.baselines = List.copyOf(baselines);
    this.exact = new ExactMoments(t, this.estimators, this.baselines);
    this.assembly = new MetricAssembly(t, this.estimators, this.baselines, exact);
  }

  /**
   * Which Monte Carlo kernel this JVM runs: "vector" (started with the Vector API's module) or
   * "scalar". Both give the same bits; see {@link Kernel}.
   */
  public static String monteCarloKernel() { return Kernel.best().name(); }

  /** Builds every exact table of the triple for these estimators and baselines (O(V·E)). */
  public static TripleEvaluation prepare(Triple triple, List<Estimator> estimators, List<Baseline> baselines) {
    if (estimators.isEmpty() || baselines.isEmpty()) {
      throw new IllegalArgumentException("at least one estimator and one baseline are needed");
    }
    return new TripleEvaluation(triple, estimators, baselines);
  }

  public Triple triple() { return t; }

  public List<Estimator> estimators() { return estimators; }

  public List<Baseline> baselines() { return baselines; }

  /**
   * E[ĝ] for estimator k under a token-only baseline, as a V-vector: μ_j a′_j − p_j E_μ[a′]. For
   * tests and for people who want to look; the metrics never materialise it.
   */
  public double[] expectedGradient(int k, Baseline b) {
    return exact.expectedGradient(k, b);
  }

  /** The coefficient a_k(x) used for token x (0 where μ(x) = 0). */
  public double coefficient(int k, int x) {
    return exact.coefficient(k, x);
  }

  // ---------------------------------------------------------------------------------------------
  // Monte Carlo

  /** Chunk {@code chunk} of R = {@code batches} batches of size B, on its own derived stream. */
  public PartialStats simulateChunk(int batchSize, int batches, int chunk, long seed, String tripleKey) {
    return simulate(batchSize, Chunking.batchesIn(batchSize, batches, chunk),
        Streams.forChunk(seed, tripleKey, batchSize, chunk), chunk, Kernel.best());
  }

  /** {@code batches} batches of size B drawn from μ with {@code rng}, as chunk 0 of a run. */
  public PartialStats simulate(int batchSize, int batches, UniformRandomProvider rng) {
    return simulate(batchSize, batches, rng, 0, Kernel.best());
  }

  /** The same as chunk {@code chunk}, with a chosen kernel (tests compare them bit for bit). */
  PartialStats simulate(int batchSize, int batches, UniformRandomProvider rng, int chunk, Kernel kernel) {
    SamplingTables tables = t.feasible() && batches > 0 ? samplingTables() : null;
    return ChunkSimulation.run(t, baselines, exact, tables, batchSize, batches, rng, chunk, kernel);
  }

  /** The sampling tables, shared by every stream (immutable once built). */
  private SamplingTables samplingTables() {
    SamplingTables st = sampling;
    if (st == null) {
      synchronized (this) {
        st = sampling;
        if (st == null) {
          st = SamplingTables.of(t, estimators, exact);
          sampling = st;
        }
      }
    }
    return st;
  }

  /** Every chunk of R batches of size B in order, merged in chunk order, then {@link #finish}. */
  public List<Metrics> evaluate(int batchSize, int batches, long seed, String tripleKey) {
    if (batches < 1) throw new IllegalArgumentException("batches must be >= 1");
    int chunks = Chunking.chunkCount(batchSize, batches);
    List<PartialStats> parts = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) parts.add(simulateChunk(batchSize, batches, c, seed, tripleKey));
    return finish(batchSize, batches, PartialStats.foldInChunkOrder(parts, chunks));
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics

  /** The metrics of every (estimator, baseline), estimator-major, from the merged statistics. */
  public List<Metrics> finish(int batchSize, int batches, PartialStats merged) {
    return assembly.finish(batchSize, batches, merged);
  }
}
