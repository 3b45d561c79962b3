package klbench.core;

import static klbench.bench.CoreBenchmark.BATCH;
import static klbench.bench.CoreBenchmark.BATCHES;
import static klbench.bench.CoreBenchmark.TOKENS;

import java.util.concurrent.TimeUnit;
import klbench.bench.CoreBenchmark;
import klbench.bench.CoreBenchmark.SamplingState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the Monte Carlo loop's time goes, next to {@link CoreBenchmark}'s figures (its triple and
 * sampler: V = 32,768, 15 pairs, baseline none, B = 64, one chunk a call), in tokens per second:
 *
 * <ul>
 *   <li>{@code samplingLimit}: drawing the tokens into counts only (CoreBenchmark's, measured
 *       again here beside the others);
 *   <li>{@code vectorKernel} / {@code scalarKernel}: the whole loop with either kernel (the
 *       default picks the first when the JVM has the Vector API's module);
 *   <li>{@code noEstimatorWork}: the same loop with the per-estimator sums skipped — drawing,
 *       counting each batch's distinct tokens and their weights, and each batch's per-estimator
 *       error from sums of zero: what no kernel can go below.
 * </ul>
 *
 * In package klbench.core: the kernels are not public.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KernelBenchmark {
  /** A kernel that does nothing: the loop around it is what is measured. */
  static final class NoWork extends Kernel {
    @Override
    String name() { return "none"; }

    @Override
    int lanes() { return Kernel.best().lanes(); }

    @Override
    void batchSums(int from, int to, boolean repeats, double[] rows, int[] rowAt, int base, double[] wc, double[] wp,
        double[] wg, double[] wn, int columns, double[] sums) {}

    @Override
    void weightedRows(double[] dst, int d, double[] src, int width, int[] rowOf, double[] weight, int from, int to) {}
  }

  private static final Kernel VECTOR = Kernel.vector();
  private static final Kernel NO_WORK = new NoWork();

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public long samplingLimit(SamplingState s) {
    return CoreBenchmark.drawIntoCounts(s);
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public PartialStats vectorKernel(SamplingState s) {
    if (VECTOR == null) throw new IllegalStateException("this JVM has no vector kernel");
    return s.none.simulate(BATCH, BATCHES, s.rng, 0, VECTOR);
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public PartialStats scalarKernel(SamplingState s) {
    return s.none.simulate(BATCH, BATCHES, s.rng, 0, Kernel.scalar());
  }

  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public PartialStats noEstimatorWork(SamplingState s) {
    return s.none.simulate(BATCH, BATCHES, s.rng, 0, NO_WORK);
  }
}
