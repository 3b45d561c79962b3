package klbench.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import klbench.core.Baseline;
import klbench.core.Contexts;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.LogSpace;
import klbench.core.PartialStats;
import klbench.core.SequenceEvaluation;
import klbench.core.SequenceModel;
import klbench.core.Streams;
import klbench.core.Triple;
import klbench.core.Truth;
import klbench.core.ValueFunction;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
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
 * The sequence engine's speed and memory targets (issue 10), at V = 32,768 with the 15 (value,
 * rule) pairs k1/k2/k3 × {loss, loss_ratio, reward, reward_total, reward_is}, baseline none, B = 64,
 * in a 1 GiB heap (the fork's -Xmx1g: an OutOfMemoryError fails the run):
 *
 * <ul>
 *   <li>{@code sequenceExact}: the exact pass of a model of horizon 64 and 64 contexts (4,033 rows,
 *       each built twice, once per pass, since they are not kept), against {@code
 *       singleTokenExact}, the exact pass of one row of it, already built, and {@code rowBuild},
 *       what building that row costs (target: at most 2 × rows × single-token);
 *   <li>{@code singleTokenMonteCarlo}: one-token batches of the same pairs, against which {@link
 *       SequenceBenchReport} sets the Monte Carlo of the whole model, 640 batches of 64 responses
 *       timed by the engine itself ({@link SequenceEvaluation.Result#monteCarloNanos}: a difference of
 *       two whole evaluations drowned it in the exact pass's noise) (target: at least half its
 *       tokens per second); and {@code monteCarloFloor}, drawing from 64 rows and reading ℓ and w
 *       at the drawn tokens, nothing else, to show what the memory alone costs.
 *       {@code SequenceBenchReport} prints these ratios.
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-modules=jdk.incubator.vector"})
public class SequenceBenchmark {
  public static final int V = 32_768;
  public static final int HORIZON = 64;
  public static final int CONTEXTS = 64;
  public static final int BATCH = 64;

  /** The 15 pairs of the issue. */
  public static List<Estimator> pairs() {
    List<Estimator> out = new ArrayList<>();
    for (ValueFunction f : new ValueFunction[] {ValueFunction.K1, ValueFunction.K2, ValueFunction.K3}) {
      for (GradientRule r : new GradientRule[] {GradientRule.LOSS, GradientRule.LOSS_RATIO, GradientRule.REWARD,
          GradientRule.REWARD_TOTAL, GradientRule.REWARD_IS}) {
        out.add(Estimator.of(f, r));
      }
    }
    return out;
  }

  /** Row (t, c): logits uniform in ±3, q and μ perturbations of them, from a stream of (t, c). */
  public static Triple row(int t, int c) {
    SplittableRandom r = new SplittableRandom(t * 1_000_003L + c);
    double[] th = new double[V];
    double[] tq = new double[V];
    double[] tm = new double[V];
    for (int i = 0; i < V; i++) {
      th[i] = 2 * (r.nextDouble() - 0.5) * 3;
      tq[i] = th[i] + 0.3 * (r.nextDouble() - 0.5);
      tm[i] = th[i] + 0.2 * (r.nextDouble() - 0.5);
    }
    return Triple.of(LogSpace.logSoftmax(th), LogSpace.logSoftmax(tq), LogSpace.logSoftmax(tm));
  }

  public static SequenceModel sequenceModel() {
    return SequenceModel.rebuilt(V, HORIZON, new Contexts(CONTEXTS), SequenceBenchmark::row);
  }

  @State(Scope.Benchmark)
  public static class Models {
    SequenceEvaluation sequence;
    SequenceEvaluation single;
    Triple oneRow;
    UniformRandomProvider rng;

    @Setup(Level.Trial)
    public void setUp() {
      sequence = SequenceEvaluation.prepare(sequenceModel(), pairs(), List.of(1.0), List.of(Baseline.NONE));
      oneRow = row(1, 0);
      single = SequenceEvaluation.prepare(oneRow, pairs(), List.of(Baseline.NONE));
      rng = Streams.derive(3L, "sequence-bench", 0);
      single.simulate(BATCH, 4, rng); // the one-row tables, outside the measurement
    }
  }

  /**
   * The floor under any Monte Carlo of these responses in this layout: at one position, each of
   * {@link #FLOOR_RESPONSES} responses draws its token from its row's alias table (Commons RNG's,
   * as the engine does) and reads the token's ℓ and w from the row's V-long arrays, then moves to
   * its next context; nothing else. 64 rows of V = 32,768 do not fit any cache, so each draw costs
   * several cache misses, which a single-token batch (one row, whose tables are reused by every
   * draw) does not pay.
   */
  @State(Scope.Benchmark)
  public static class FloorRows {
    double[][] logRatio;
    double[][] weight;
    DiscreteSampler[] draw;
    SequenceModel model;
    int[] context;
    int[] next;
    double[] lr;
    double[] w;

    @Setup(Level.Trial)
    public void setUp() {
      logRatio = new double[CONTEXTS][];
      weight = new double[CONTEXTS][];
      draw = new DiscreteSampler[CONTEXTS];
      UniformRandomProvider rng = Streams.derive(5L, "floor", 0);
      for (int c = 0; c < CONTEXTS; c++) {
        Triple t = row(2, c);
        double[] lp = t.logP();
        double[] lq = t.logQ();
        double[] lm = t.logMu();
        logRatio[c] = new double[V];
        weight[c] = new double[V];
        for (int y = 0; y < V; y++) {
          logRatio[c][y] = lp[y] - lq[y];
          weight[c][y] = Math.exp(lp[y] - lm[y]);
        }
        draw[c] = AliasMethodDiscreteSampler.of(rng, t.behaviourProbabilities());
      }
      model = sequenceModel();
      context = new int[FLOOR_RESPONSES];
      next = new int[FLOOR_RESPONSES];
      lr = new double[FLOOR_RESPONSES];
      w = new double[FLOOR_RESPONSES];
    }
  }

  public static final int FLOOR_RESPONSES = 4096;
  public static final int FLOOR_POSITIONS = 16;

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(FLOOR_RESPONSES * FLOOR_POSITIONS)
  public double monteCarloFloor(FloorRows f) {
    double sum = 0;
    for (int t = 0; t < FLOOR_POSITIONS; t++) {
      for (int i = 0; i < FLOOR_RESPONSES; i++) {
        int c = f.context[i];
        int y = f.draw[c].sample();
        f.lr[i] = f.logRatio[c][y];
        f.w[i] = f.weight[c][y];
        f.next[i] = f.model.next(c, y);
      }
      int[] swap = f.context;
      f.context = f.next;
      f.next = swap;
      sum += f.lr[t] + f.w[t];
    }
    return sum;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1)
  @Measurement(iterations = 2)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Truth sequenceExact(Models m) {
    return m.sequence.truth();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Truth singleTokenExact(Models m) {
    return SequenceEvaluation.prepare(m.oneRow, pairs(), List.of(Baseline.NONE)).truth();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Triple rowBuild() {
    return row(1, 0);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(CoreBenchmark.TOKENS)
  public PartialStats singleTokenMonteCarlo(Models m) {
    return m.single.simulate(BATCH, CoreBenchmark.BATCHES, m.rng);
  }
}
