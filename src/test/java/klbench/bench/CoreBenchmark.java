package klbench.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.LogSpace;
import klbench.core.PartialStats;
import klbench.core.Streams;
import klbench.core.Triple;
import klbench.core.SequenceEvaluation;
import klbench.core.ValueFunction;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's speed targets (issue 2), one thread each:
 *
 * <ul>
 *   <li>{@code exactMetrics}: exact metrics of the 15 built-in (value, rule) pairs — k1, k2, k3
 *       under loss, loss_ratio, loss_ratio_detached, loss_score and reward — at V = 152,064
 *       (target ≤ 20 ms);
 *   <li>{@code monteCarloNone} against {@code samplingLimit}: tokens per second at V = 32,768,
 *       B = 64, baseline none, for the 15 pairs, against only drawing the same tokens from μ into
 *       counts (target ≥ half); {@code monteCarloLoo}: the same with loo (target ≥ 10 M tokens/s).
 * </ul>
 *
 * Throughput benchmarks report operations = tokens, so "ops/s" reads as tokens per second.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CoreBenchmark {
  public static final int BATCH = 64;
  /** One chunk's worth, as the product simulates them (2^18 tokens: {@link klbench.core.Chunking}). */
  public static final int BATCHES = (int) (klbench.core.Chunking.TOKENS_PER_CHUNK / BATCH);
  public static final int TOKENS = BATCH * BATCHES;

  /** The 15 built-in (value, rule) pairs. */
  public static List<Estimator> builtinPairs() {
    List<Estimator> out = new ArrayList<>();
    for (ValueFunction f : new ValueFunction[] {ValueFunction.K1, ValueFunction.K2, ValueFunction.K3}) {
      for (GradientRule r : new GradientRule[] {GradientRule.LOSS, GradientRule.LOSS_RATIO,
          GradientRule.LOSS_RATIO_DETACHED, GradientRule.LOSS_SCORE, GradientRule.REWARD}) {
        out.add(Estimator.of(f, r));
      }
    }
    return out;
  }

  /** An off-policy triple (so importance ratios are not all 1): gaussian p, perturbed q and μ. */
  public static Triple triple(int v, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] th = new double[v];
    double[] tq = new double[v];
    double[] tm = new double[v];
    for (int i = 0; i < v; i++) {
      th[i] = 2 * (r.nextDouble() - 0.5) * 3;
      tq[i] = th[i] + 0.3 * (r.nextDouble() - 0.5);
      tm[i] = th[i] + 0.2 * (r.nextDouble() - 0.5);
    }
    return Triple.of(LogSpace.logSoftmax(th), LogSpace.logSoftmax(tq), LogSpace.logSoftmax(tm));
  }

  @State(Scope.Benchmark)
  public static class ExactState {
    Triple triple;

    @Setup(Level.Trial)
    public void setUp() {
      triple = triple(152_064, 1);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public klbench.core.Truth exactMetrics(ExactState s) {
    return SequenceEvaluation.prepare(s.triple, builtinPairs(), List.of(Baseline.NONE)).truth();
  }

  @State(Scope.Benchmark)
  public static class SamplingState {
    @Param({"32768"})
    int vocab;

    public SequenceEvaluation none;
    public SequenceEvaluation loo;
    SharedStateDiscreteSampler alias;
    long[] counts;
    public UniformRandomProvider rng;

    @Setup(Level.Trial)
    public void setUp() {
      Triple t = triple(vocab, 2);
      none = SequenceEvaluation.prepare(t, builtinPairs(), List.of(Baseline.NONE));
      loo = SequenceEvaluation.prepare(t, builtinPairs(), List.of(Baseline.LOO));
      alias = AliasMethodDiscreteSampler.of(RandomSource.SPLIT_MIX_64.create(0L), t.behaviourProbabilities());
      counts = new long[vocab];
      rng = Streams.derive(3L, "bench", 0);
      none.simulate(BATCH, 4, rng); // builds the alias tables outside the measurement
      loo.simulate(BATCH, 4, rng);
    }
  }

  /** The sampling limit: the same alias sampler and generator, tokens only counted. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(TOKENS)
  public long samplingLimit(SamplingState s) {
    return drawIntoCounts(s);
  }

  /** TOKENS draws from μ with the state's sampler and generator, each only counted. */
  public static long drawIntoCounts(SamplingState s) {
    DiscreteSampler d = s.alias.withUniformRandomProvider(s.rng);
    long[] c = s.counts;
    for (int i = 0; i < TOKENS; i++) c[d.sample()]++;
    return c[0];
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(TOKENS)
  public PartialStats monteCarloNone(SamplingState s) {
    return s.none.simulate(BATCH, BATCHES, s.rng);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(TOKENS)
  public PartialStats monteCarloLoo(SamplingState s) {
    return s.loo.simulate(BATCH, BATCHES, s.rng);
  }
}
