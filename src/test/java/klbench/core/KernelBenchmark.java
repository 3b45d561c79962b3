package klbench.core;

import java.util.List;
import java.util.concurrent.TimeUnit;
import klbench.bench.CoreBenchmark;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the Monte Carlo loop's time goes, next to {@link CoreBenchmark}'s figures (same triple,
 * V = 32,768, 15 pairs, baseline none, B = 64), in tokens per second:
 *
 * <ul>
 *   <li>{@code samplingLimit}: drawing the tokens into counts only (as in CoreBenchmark);
 *   <li>{@code vectorKernel} / {@code scalarKernel}: the whole loop with either kernel (the
 *       default picks the first when the JVM has the Vector API's module);
 *   <li>{@code noEstimatorWork}: the same loop with the per-estimator sums skipped — drawing,
 *       counting each batch's distinct tokens and their weights, and each batch's per-estimator
 *       error from sums of zero: what no kernel can go below.
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KernelBenchmark {
  static final int BATCH = 64;
  /** One chunk's worth, as the product simulates them (2^18 tokens: {@link klbench.core.Chunking}). */
  static final int BATCHES = (int) (klbench.core.Chunking.TOKENS_PER_CHUNK / BATCH);
  static final int TOKENS = BATCH * BATCHES;

  /** A kernel that does nothing: the loop around it is what is measured. */
  static final class NoWork extends Kernel {
    @Override
    String name() { return "none"; }

    @Override
    int lanes() { return Kernel.best().lanes(); }

    @Override
    void batchSums(int n, boolean repeats, double[] rows, int[] rowAt, double[] wc, double[] wp, double[] wg,
        int columns, double[] sums) {}

    @Override
    void weightedRows(double[] dst, int d, double[] src, int width, int[] rowOf, double[] weight, int from, int to) {}
  }

  TripleEvaluation none;
  SharedStateDiscreteSampler alias;
  long[] counts;
  UniformRandomProvider rng;
  Kernel vector;
  Kernel noWork = new NoWork();

  @Setup(Level.Trial)
  public void setUp() {
    Triple t = CoreBenchmark.triple(32768, 2);
    none = TripleEvaluation.prepare(t, CoreBenchmark.builtinPairs(), List.of(Baseline.NONE));
    alias = AliasMethodDiscreteSampler.of(RandomSource.SPLIT_MIX_64.create(0L), t.behaviourProbabilities());
    counts = new long[32768];
    rng = Streams.derive(3L, "bench", 0);
    vector = Kernel.vector();
    if (vector == null) throw new IllegalStateException("this JVM has no vector kernel");
    none.simulate(BATCH, 4, rng); // builds the tables outside the measurement
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public long samplingLimit() {
    DiscreteSampler d = alias.withUniformRandomProvider(rng);
    long[] c = counts;
    for (int i = 0; i < TOKENS; i++) c[d.sample()]++;
    return c[0];
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public PartialStats vectorKernel() {
    return none.simulate(BATCH, BATCHES, rng, vector);
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public PartialStats scalarKernel() {
    return none.simulate(BATCH, BATCHES, rng, Kernel.scalar());
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public PartialStats noEstimatorWork() {
    return none.simulate(BATCH, BATCHES, rng, noWork);
  }
}
