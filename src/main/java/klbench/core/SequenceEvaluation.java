package klbench.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;

/**
 * Exact and Monte Carlo metrics of many estimators, discounts and baselines on one model of
 * responses (SEQUENCES.md; with horizon 1, ESTIMATORS.md): the core's entry point, which puts its
 * parts together.
 *
 * <ul>
 *   <li>{@link ExactPasses}: one forward and one backward pass over positions, O(V) per row and
 *       lane, for the truth and the exact columns;
 *   <li>Monte Carlo, per batch size, in chunks of about {@link Chunking#TOKENS_PER_CHUNK} tokens,
 *       each on its own stream ({@link Streams#forChunk}): a one-row model (single tokens) runs
 *       {@link ChunkSimulation} on tables built once; longer responses run {@link ResponseChunk},
 *       which the passes over positions feed row by row, so that a row is built once per pass
 *       however many chunks draw from it;
 *   <li>the chunks' statistics fold left in chunk order ({@link PartialStats}, {@link
 *       PositionStats}), then each row's share of the mean batch gradient is compared with the
 *       targets in one O(V) loop per lane and baseline;
 *   <li>metrics and the consistency check ({@link Consistency}).
 * </ul>
 *
 * The numbers depend on (model, lanes, baselines, batch sizes, R, seed) only: not on whether rows
 * are kept or rebuilt, nor on the order in which chunks are computed.
 */
public final class SequenceEvaluation {
  private final SequenceModel model;
  private final Lanes lanes;
  private final LaneLayout layout;
  private final List<Baseline> baselines;

  private SequenceEvaluation(SequenceModel model, List<Estimator> estimators, List<Double> discounts, List<Baseline> baselines) {
    this.model = model;
    this.lanes = new Lanes(estimators, discounts);
    this.layout = new LaneLayout(lanes, model.horizon());
    this.baselines = List.copyOf(baselines);
  }

  /** The evaluation of {@code model} for these estimators, discounts and baselines. */
  public static SequenceEvaluation prepare(SequenceModel model, List<Estimator> estimators, List<Double> discounts,
      List<Baseline> baselines) {
    if (estimators.isEmpty() || baselines.isEmpty() || discounts.isEmpty()) {
      throw new IllegalArgumentException("at least one estimator, discount and baseline are needed");
    }
    for (double g : discounts) {
      if (!(g > 0 && g <= 1)) throw new IllegalArgumentException("a discount must be in (0, 1], got " + g);
    }
    return new SequenceEvaluation(model, estimators, discounts, baselines);
  }

  /** The single-token evaluation of a triple (discount 1). */
  public static SequenceEvaluation prepare(Triple triple, List<Estimator> estimators, List<Baseline> baselines) {
    return prepare(SequenceModel.of(triple), estimators, List.of(1.0), baselines);
  }

  /**
   * Which Monte Carlo kernel this JVM runs: "vector" (started with the Vector API's module) or
   * "scalar". Both give the same bits; see {@link Kernel}.
   */
  public static String monteCarloKernel() { return Kernel.best().name(); }

  public SequenceModel model() { return model; }

  public List<Estimator> estimators() { return lanes.estimators; }

  public List<Baseline> baselines() { return baselines; }

  /**
   * Tests only: evaluate a one-row model through the response-by-response path of longer models
   * rather than its table-driven loop, to show the two are the same maths.
   */
  boolean throughResponses;

  /** The Monte Carlo kernel: the JVM's best; tests set the scalar one to compare bits. */
  Kernel kernel = Kernel.best();

  /**
   * What {@link #evaluate} finds: the model's truth and the metrics of every configuration; and,
   * for benchmarks, the wall time spent in Monte Carlo (drawing, coefficients, batch errors,
   * folding and finishing the rows), apart from building rows, alias tables and the exact passes.
   */
  public record Result(Truth truth, List<Metrics> metrics, long monteCarloNanos) {}

  /** The metrics of one batch size (see {@link #evaluate(List, int, long, String)}). */
  public List<Metrics> evaluate(int batchSize, int batches, long seed, String modelKey) {
    return evaluate(List.of(batchSize), batches, seed, modelKey).metrics();
  }

  /**
   * Everything: the exact passes, R = {@code batches} batches of each batch size, and the metrics,
   * ordered batch size → estimator → discount → baseline.
   *
   * @param modelKey the model's identity text, from which each chunk's stream is derived
   */
  public Result evaluate(List<Integer> batchSizes, int batches, long seed, String modelKey) {
    if (batches < 1) throw new IllegalArgumentException("batches must be >= 1");
    boolean anyLoo = baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    for (int b : batchSizes) {
      if (b < 1) throw new IllegalArgumentException("batch size must be >= 1");
      if (anyLoo && b < 2) throw new IllegalArgumentException("loo needs a batch size >= 2");
      if ((long) b * Chunking.batchesPerChunk(b, model.horizon()) * model.horizon() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a batch of " + b + " responses of " + model.horizon() + " tokens is too large");
      }
    }
    ExactPasses exact = new ExactPasses(model, lanes, baselines);
    long monteCarloNanos = 0;
    Finish[] finish = new Finish[batchSizes.size()];
    for (int i = 0; i < finish.length; i++) finish[i] = new Finish(batchSizes.get(i), batches);
    if (model.rowCount() == 1 && !throughResponses) {
      Triple[] rows = model.position(1);
      exact.forward(1, rows);
      if (exact.feasible()) {
        exact.backward(1, rows);
        SamplingTables tables = SamplingTables.of(rows[0], layout, exact.problems, em1(rows[0]));
        long start = System.nanoTime();
        for (Finish fin : finish) {
          int chunks = Chunking.chunkCount(fin.batchSize, batches, 1);
          List<PartialStats> parts = new ArrayList<>(chunks);
          for (int c = 0; c < chunks; c++) {
            parts.add(simulateOneRow(exact, tables, rows[0], fin.batchSize, batches, c, seed, modelKey));
          }
          fin.stats = PartialStats.foldInChunkOrder(parts, chunks);
          fin.position(1, fin.stats.positions[0]);
          fin.finishRows(exact, 1, rows);
        }
        monteCarloNanos = System.nanoTime() - start;
      }
    } else {
      monteCarloNanos = sweep(exact, finish, batches, seed, modelKey);
    }
    Truth truth = truth(exact);
    List<Metrics> out = new ArrayList<>();
    for (Finish fin : finish) out.addAll(fin.metrics(exact, truth));
    return new Result(truth, out, monteCarloNanos);
  }

  // ---------------------------------------------------------------------------------------------
  // One-row models chunk by chunk (single tokens): what the Spark job and the tests call.

  /** The exact passes of a one-row model, done once and kept. */
  private volatile ExactPasses oneRowExact;
  private volatile SamplingTables oneRowTables;

  private ExactPasses oneRowExact() {
    if (model.rowCount() != 1) throw new IllegalStateException("chunk by chunk is for one-row models");
    ExactPasses e = oneRowExact;
    if (e == null) {
      synchronized (this) {
        e = oneRowExact;
        if (e == null) {
          Triple[] rows = model.position(1);
          e = new ExactPasses(model, lanes, baselines);
          e.forward(1, rows);
          if (e.feasible()) e.backward(1, rows);
          oneRowExact = e;
        }
      }
    }
    return e;
  }

  /** Chunk {@code chunk} of R batches of size B of a one-row model, on its own derived stream. */
  public PartialStats simulateChunk(int batchSize, int batches, int chunk, long seed, String modelKey) {
    ExactPasses exact = oneRowExact();
    boolean anyLoo = baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    if (anyLoo && batchSize < 2) throw new IllegalArgumentException("loo needs a batch size >= 2");
    int inChunk = Chunking.batchesIn(batchSize, batches, chunk, 1);
    Triple row = model.position(1)[0];
    if (!exact.feasible()) {
      return new PartialStats(batchSize, chunk, chunk + 1, lanes.count, baselines.size(), inChunk,
          new double[lanes.count * baselines.size()], new double[lanes.count * baselines.size()],
          new PositionStats[] {new PositionStats(new long[0], new long[0], anyLoo ? new double[0] : null, null, null, lanes.count, 0)}, null);
    }
    SamplingTables tables = oneRowTables;
    if (tables == null) {
      synchronized (this) {
        if (oneRowTables == null) oneRowTables = SamplingTables.of(row, layout, exact.problems, em1(row));
        tables = oneRowTables;
      }
    }
    return simulateOneRow(exact, tables, row, batchSize, batches, chunk, seed, modelKey);
  }

  /** The metrics of a one-row model from its chunks' statistics, folded in chunk order. */
  public List<Metrics> finish(int batchSize, int batches, PartialStats merged) {
    if (merged.batches != batches || merged.batchSize != batchSize) {
      throw new IllegalArgumentException("partial statistics hold " + merged.batches + " batches of "
          + merged.batchSize + ", expected " + batches + " of " + batchSize);
    }
    ExactPasses exact = oneRowExact();
    Finish fin = new Finish(batchSize, batches);
    if (exact.feasible()) {
      fin.stats = merged;
      fin.position(1, merged.positions[0]);
      fin.finishRows(exact, 1, model.position(1));
    }
    return fin.metrics(exact, truth(exact));
  }

  /** The model's truth (exact passes only). */
  public Truth truth() {
    if (model.rowCount() == 1) return truth(oneRowExact());
    ExactPasses exact = new ExactPasses(model, lanes, baselines);
    SequenceModel.Pass pass = model.pass();
    for (int t = 1; t <= model.horizon(); t++) exact.forward(t, pass.position(t));
    if (exact.feasible()) for (int t = model.horizon(); t >= 1; t--) exact.backward(t, pass.position(t));
    return truth(exact);
  }

  /** {@code batches} batches of size B of a one-row model drawn with {@code rng}, as chunk 0. */
  public PartialStats simulate(int batchSize, int batches, org.apache.commons.rng.UniformRandomProvider rng) {
    return simulate(batchSize, batches, rng, 0, Kernel.best());
  }

  /** The same as chunk {@code chunk}, with a chosen kernel (tests compare them bit for bit). */
  PartialStats simulate(int batchSize, int batches, org.apache.commons.rng.UniformRandomProvider rng, int chunk, Kernel kernel) {
    ExactPasses exact = oneRowExact();
    Triple row = model.position(1)[0];
    SamplingTables tables = oneRowTables;
    if (tables == null) {
      synchronized (this) {
        if (oneRowTables == null) oneRowTables = SamplingTables.of(row, layout, exact.problems, em1(row));
        tables = oneRowTables;
      }
    }
    return ChunkSimulation.run(row, layout, baselines, tables, offsets(exact, 0), exact.pDotG[0], exact.gradNormSq,
        batchSize, batches, rng, chunk, kernel);
  }

  /** The triple of a one-row model. */
  public Triple triple() {
    if (model.rowCount() != 1) throw new IllegalStateException("a model of " + model.rowCount() + " rows");
    return model.position(1)[0];
  }

  /** The coefficient a_k(x) of estimator k at token x of a one-row model (0 where μ(x) = 0). */
  public double coefficient(int k, int x) {
    Triple t = triple();
    return t.mu[x] == 0.0 ? 0.0 : lanes.estimators.get(k).coefficientAt(t.logRatio[x], t.importance[x],
        lanes.estimators.get(k).value().usesExpm1() ? ValueFunction.em1(t.logRatio[x]) : 0.0);
  }

  /**
   * E[ĝ] of lane l under token-only baseline b, over every row's logits (position-major, V per
   * row): d^M [μ ⊙ ā − p (μ·ā)]. For tests and for people who want to look; the metrics never
   * materialise it.
   */
  public double[] expectedGradient(int lane, Baseline b) {
    ExactPasses exact = new ExactPasses(model, lanes, baselines);
    exact.captureLane = lane;
    exact.captureBaseline = baselines.indexOf(b);
    if (exact.captureBaseline < 0 || !b.tokenOnly()) throw new IllegalArgumentException("not a token-only baseline of this evaluation: " + b);
    for (int t = 1; t <= model.horizon(); t++) exact.forward(t, model.position(t));
    for (int t = model.horizon(); t >= 1; t--) exact.backward(t, model.position(t));
    return exact.captured;
  }

  /** The targets G_seq, G_seq_fwd, G_pos and G_pos_fwd over every row's logits (position-major, V per row). */
  public double[][] targetGradients() {
    ExactPasses exact = new ExactPasses(model, lanes, baselines);
    exact.captureTargets = true;
    for (int t = 1; t <= model.horizon(); t++) exact.forward(t, model.position(t));
    for (int t = model.horizon(); t >= 1; t--) exact.backward(t, model.position(t));
    return new double[][] {exact.capturedGSeq, exact.capturedGFwd, exact.capturedGPos, exact.capturedGPosFwd};
  }

  /**
   * The forward pass (draws) and backward pass (coefficients) of a model of several rows; returns
   * the nanoseconds spent in Monte Carlo (see {@link Result}).
   */
  private long sweep(ExactPasses exact, Finish[] finish, int batches, long seed, String modelKey) {
    if (model.kept()) return chunkByChunk(exact, finish, batches, seed, modelKey);
    int horizon = model.horizon();
    long mc = 0;
    long start = System.nanoTime();
    List<List<ResponseChunk>> chunks = new ArrayList<>();
    for (Finish fin : finish) {
      List<ResponseChunk> list = new ArrayList<>();
      for (int c = 0; c < Chunking.chunkCount(fin.batchSize, batches, horizon); c++) list.add(chunk(exact, fin, batches, c, seed, modelKey));
      chunks.add(list);
    }
    mc += System.nanoTime() - start;
    SequenceModel.Pass pass = model.pass();
    for (int t = 1; t <= horizon; t++) {
      Triple[] rows = pass.position(t);
      exact.forward(t, rows);
      if (!exact.feasible()) return mc;
      SharedStateDiscreteSampler[] alias = alias(rows);
      start = System.nanoTime();
      for (List<ResponseChunk> list : chunks) for (ResponseChunk ch : list) ch.forward(t, rows, alias);
      mc += System.nanoTime() - start;
    }
    for (int t = horizon; t >= 1; t--) {
      Triple[] rows = pass.position(t);
      exact.backward(t, rows);
      start = System.nanoTime();
      for (int i = 0; i < finish.length; i++) {
        List<PositionStats> parts = new ArrayList<>();
        for (ResponseChunk ch : chunks.get(i)) {
          ch.backward(t);
          parts.add(ch.takePosition(t));
        }
        finish[i].position(t, PositionStats.mergeInOrder(parts));
        finish[i].finishRows(exact, t, rows);
      }
      mc += System.nanoTime() - start;
    }
    start = System.nanoTime();
    for (int i = 0; i < finish.length; i++) {
      List<PartialStats> parts = new ArrayList<>();
      for (ResponseChunk ch : chunks.get(i)) parts.add(ch.result());
      finish[i].stats = PartialStats.foldInChunkOrder(parts, parts.size());
    }
    return mc + System.nanoTime() - start;
  }

  /**
   * A kept model: the exact passes first, then one chunk at a time (draws, then coefficients), so
   * that only one chunk's responses are held; each position's entries fold in chunk order and each
   * row is finished at the end, in the order of the sweep above: the same bits.
   */
  private long chunkByChunk(ExactPasses exact, Finish[] finish, int batches, long seed, String modelKey) {
    int horizon = model.horizon();
    Triple[][] rows = new Triple[horizon][];
    SharedStateDiscreteSampler[][] alias = new SharedStateDiscreteSampler[horizon][];
    for (int t = 1; t <= horizon; t++) {
      rows[t - 1] = model.position(t);
      exact.forward(t, rows[t - 1]);
      if (!exact.feasible()) return 0;
    }
    for (int t = horizon; t >= 1; t--) exact.backward(t, rows[t - 1]);
    for (int t = 1; t <= horizon; t++) alias[t - 1] = alias(rows[t - 1]);
    long start = System.nanoTime();
    for (Finish fin : finish) {
      List<List<PositionStats>> positions = new ArrayList<>();
      for (int t = 1; t <= horizon; t++) positions.add(new ArrayList<>());
      List<PartialStats> parts = new ArrayList<>();
      int count = Chunking.chunkCount(fin.batchSize, batches, horizon);
      for (int c = 0; c < count; c++) {
        ResponseChunk ch = chunk(exact, fin, batches, c, seed, modelKey);
        for (int t = 1; t <= horizon; t++) ch.forward(t, rows[t - 1], alias[t - 1]);
        for (int t = horizon; t >= 1; t--) {
          ch.backward(t);
          positions.get(t - 1).add(ch.takePosition(t));
        }
        parts.add(ch.result());
      }
      for (int t = horizon; t >= 1; t--) {
        fin.position(t, PositionStats.mergeInOrder(positions.get(t - 1)));
        positions.set(t - 1, null);
        fin.finishRows(exact, t, rows[t - 1]);
      }
      fin.stats = PartialStats.foldInChunkOrder(parts, parts.size());
    }
    return System.nanoTime() - start;
  }

  private ResponseChunk chunk(ExactPasses exact, Finish fin, int batches, int c, long seed, String modelKey) {
    return new ResponseChunk(model, layout, baselines, exact, kernel, fin.batchSize,
        Chunking.batchesIn(fin.batchSize, batches, c, model.horizon()), c, Streams.forChunk(seed, modelKey, fin.batchSize, c));
  }

  private static SharedStateDiscreteSampler[] alias(Triple[] rows) {
    SharedStateDiscreteSampler[] alias = new SharedStateDiscreteSampler[rows.length];
    for (int c = 0; c < rows.length; c++) alias[c] = SamplingTables.alias(rows[c]);
    return alias;
  }

  private PartialStats simulateOneRow(ExactPasses exact, SamplingTables tables, Triple row, int batchSize, int batches,
      int chunk, long seed, String modelKey) {
    return ChunkSimulation.run(row, layout, baselines, tables, offsets(exact, 0), exact.pDotG[0], exact.gradNormSq,
        batchSize, Chunking.batchesIn(batchSize, batches, chunk, 1), Streams.forChunk(seed, modelKey, batchSize, chunk),
        chunk, kernel);
  }

  /** s per [lane · J + j] of the token-only baselines on row r (0 for loo). */
  private double[] offsets(ExactPasses exact, int r) {
    int j = baselines.size();
    double[] out = new double[lanes.count * j];
    for (int l = 0; l < lanes.count; l++) {
      for (int jb = 0; jb < j; jb++) {
        out[l * j + jb] = shift(baselines.get(jb), exact, l, r);
      }
    }
    return out;
  }

  /**
   * s of a′ = κa + s for baseline b, lane l, row r: its token-only offset (the oracle's from the
   * exact pass), 0 for loo, whose shift comes batch by batch.
   */
  private static double shift(Baseline b, ExactPasses exact, int lane, int r) {
    return b.kind() == Baseline.Kind.LOO ? 0.0 : b.tokenOnlyOffset(exact.oracle[lane][r]);
  }

  private double[] em1(Triple t) {
    return lanes.anyExpm1 ? ValueFunction.em1(t.logRatio, new double[t.size]) : null;
  }


  private Truth truth(ExactPasses exact) {
    if (model.rowCount() == 1 && !exact.feasible()) return model.position(1)[0].truth();
    if (!exact.feasible()) return new Truth(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null);
    double g = Math.sqrt(exact.gradNormSq);
    return new Truth(exact.kl, exact.klFwd, exact.klBehaviour, exact.entropy, g, Math.sqrt(exact.gradFwdNormSq),
        g > 0 ? Math.sqrt(exact.futureSq) / g : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics

  /** One batch size's Monte Carlo statistics, compared with the targets row by row. */
  private final class Finish {
    final int batchSize;
    final int batches;
    PartialStats stats;
    /** Per [lane · J + j]: Σ (ḡ − G_seq)², ‖ḡ‖², ḡ·G_seq, ḡ·G_fwd, ḡ·G_pos. */
    final double[][] mc;
    /** Per value key: Σ over the draws of f, for the value's mean. */
    final double[] valueSum;
    /** The positions' entries until their rows are finished. */
    final PositionStats[] positions;
    /** Per lane: the heavy-tail sums of a one-row model (null otherwise). */
    Consistency.TailSums[] tails;
    /** Per value key, one-row models: f per token, for the value's variance. */
    double[][] oneRowValues;
    /** Models of several rows: Σ over rows of {@link Consistency#rareMass}, for the mc_note. */
    double rareMass;

    Finish(int batchSize, int batches) {
      this.batchSize = batchSize;
      this.batches = batches;
      this.mc = new double[lanes.count * baselines.size()][5];
      this.valueSum = new double[lanes.keyCount()];
      this.positions = new PositionStats[model.horizon()];
    }

    void position(int t, PositionStats p) { positions[t - 1] = p; }

    /**
     * The rows of position t: each one's share of ḡ against G_seq, G_fwd and G_pos, per lane and
     * baseline; and of the value's mean.
     */
    void finishRows(ExactPasses exact, int t, Triple[] rows) {
      if (model.rowCount() > 1) {
        finishRowsSparse(exact, t, rows);
      } else {
        finishOneRow(exact, rows[0]);
      }
    }

    /**
     * A one-row model (single tokens, where every lane is token-only and ω is 1 or w): per lane and
     * baseline, ḡ = v − αp over the whole row in one O(V) loop (the bits single tokens always had);
     * v_x = Σ_b (shifted coefficient at x)/(B·R) is nonzero only at the drawn tokens, so it is
     * written there and cleared after. Also the value's mean and variance per token, and each
     * lane's heavy-tail sums for the mc_note. Nothing here is allocated per lane: with V in the
     * hundreds of thousands, per-lane arrays cost more than the arithmetic.
     */
    private void finishOneRow(ExactPasses exact, Triple tr) {
      PositionStats pos = positions[0];
      positions[0] = null;
      int v = model.vocabSize();
      int l = lanes.count;
      int j = baselines.size();
      double scale = 1.0 / ((double) batchSize * batches);
      int n = pos.size();
      double[] gSeq = new double[v];
      double[] gFwd = new double[v];
      double[] gPos = new double[v];
      double[] zColumn = new double[v];
      double[] vx = new double[v];
      for (int y = 0; y < v; y++) {
        gSeq[y] = exact.d[0] * (tr.p[y] * ((tr.logRatio[y] + 0.0) - exact.w[0]));
        gFwd[y] = exact.dQ[0] * tr.gradFwd[y];
        gPos[y] = exact.d[0] * tr.grad[y];
      }
      if (n == 0) {
        // Nothing drawn: ḡ is 0, so only Σ (0 − G_seq)² counts.
        double gg = 0;
        for (int y = 0; y < v; y++) gg += gSeq[y] * gSeq[y];
        for (double[] acc : mc) acc[0] += gg;
        return;
      }
      // Per drawn token (entry i, token y_i): its count, and its weight per block (count, count·w).
      int[] token = new int[n];
      double[] count = new double[n];
      double[] countW = new double[n];
      for (int i = 0; i < n; i++) {
        int y = (int) pos.keys[i];
        token[i] = y;
        count[i] = pos.counts[i];
        countW[i] = count[i] * tr.importance[y];
      }
      EstimatorColumns columns = new EstimatorColumns(tr, em1(tr));
      // The value's mean: Σ N_x f(x) over the draws; f per token is kept for its variance.
      oneRowValues = new double[lanes.keyCount()][];
      for (int k = 0; k < lanes.keyCount(); k++) {
        columns.fill(lanes.estimators.get(lanes.keyEstimator[k]));
        double sum = 0;
        for (int i = 0; i < n; i++) sum += count[i] * columns.value[token[i]];
        valueSum[k] += sum;
        oneRowValues[k] = columns.value.clone();
      }
      // The weight of (z + s)² in E‖ĝ‖² per token, μ‖e_x − p‖² ω², per block: ω = 1 and ω = w.
      double[][] tailWeight = new double[2][v];
      for (int y = 0; y < v; y++) {
        double ms = tr.mu[y] * (1.0 - 2.0 * tr.p[y] + tr.pNormSq);
        tailWeight[0][y] = ms;
        tailWeight[1][y] = ms * tr.importance[y] * tr.importance[y];
      }
      tails = new Consistency.TailSums[l];
      for (int lane = 0; lane < l; lane++) {
        if (exact.problems[lanes.estimatorIndex(lane)] != null) continue;
        int block = layout.blockOf[lane];
        int key = lanes.keyOf[lanes.estimatorIndex(lane)];
        columns.fill(lanes.estimator(lane));
        System.arraycopy(block == 0 ? columns.coefficient : columns.value, 0, zColumn, 0, v);
        double[] weight = block == 0 ? count : countW;
        tails[lane] = Consistency.TailSums.of(tr, tailWeight[block], exact.valueMean[key], (double) batchSize * batches,
            zColumn, oneRowValues[key]);
        for (int jb = 0; jb < j; jb++) {
          Baseline b = baselines.get(jb);
          boolean loo = b.kind() == Baseline.Kind.LOO;
          double kap = b.scale(batchSize);
          double s = shift(b, exact, lane, 0);
          // v at the drawn tokens: κ P_x + (loo ? L_x : s Q_x) over B·R, with P_x = z(x)·Q_x.
          double alphaBar = 0;
          for (int i = 0; i < n; i++) {
            int y = token[i];
            double qx = weight[i];
            double px = kap * zColumn[y] * qx;
            double shifted = loo ? pos.loo[i * l + lane] * (block == 1 ? tr.importance[y] : 1.0) : s * qx;
            vx[y] = (px + shifted) * scale;
            alphaBar += vx[y];
          }
          double errSq = 0, meanSq = 0, meanDotG = 0, meanDotGFwd = 0, meanDotGPos = 0;
          for (int y = 0; y < v; y++) {
            double gbar = vx[y] - alphaBar * tr.p[y];
            double diff = gbar - gSeq[y];
            errSq += diff * diff;
            meanSq += gbar * gbar;
            meanDotG += gbar * gSeq[y];
            meanDotGFwd += gbar * gFwd[y];
            meanDotGPos += gbar * gPos[y];
          }
          for (int i = 0; i < n; i++) vx[token[i]] = 0.0;
          addRow(lane * j + jb, errSq, meanSq, meanDotG, meanDotGFwd, meanDotGPos);
        }
      }
    }

    /**
     * The rows of position t of a model of several rows, from their drawn tokens alone: with
     * v_x = Σ_b (shifted coefficients at x)/(B·R) on the entries E and α = Σ_E v_x, ḡ = v − αp on the
     * row, and
     *
     * <pre>
     *   Σ_y (ḡ − G)² = Σ_E [(v − αp − G)² − (αp + G)²] + α²‖p‖² + 2α p·G + ‖G‖²
     *   ‖ḡ‖²        = Σ_E [(v − αp)² − (αp)²] + α²‖p‖²
     *   ḡ·G         = Σ_E v G − α p·G     (likewise G_fwd, G_pos)
     * </pre>
     *
     * with the row's ‖p‖², p·G, ‖G‖² from the exact pass: O(entries) per row, lane and baseline, so
     * a model of many rows costs what its draws cost; beside it one O(V) look at μ per row, for the
     * mc_note's share of rarely drawn entries. (A one-row model takes the dense loop of {@link
     * #finishOneRow}, whose bits single tokens always had.)
     */
    private void finishRowsSparse(ExactPasses exact, int t, Triple[] rows) {
      PositionStats pos = positions[t - 1];
      positions[t - 1] = null;
      int v = model.vocabSize();
      int l = lanes.count;
      int horizon = model.horizon();
      int rowBase = model.firstRow(t);
      int[] merged = new int[l];
      lanes.mergedLanes(t, horizon, merged);
      int e = 0;
      for (int c = 0; c < rows.length; c++) {
        Triple tr = rows[c];
        int r = rowBase + c;
        long lo = (long) c * v;
        int from = e;
        while (e < pos.size() && pos.keys[e] < lo + v) e++;
        rareMass += Consistency.rareMass(exact.dM[r], tr.mu, (double) batchSize * batches);
        if (e == from) {
          for (double[] acc : mc) acc[0] += exact.gradSq[r];
        } else {
          finishRowSparse(exact, t, c, tr, pos, from, e - from, merged);
        }
      }
    }

    // Per entry of the row being finished, grown as needed: G_seq, G_fwd, G_pos, p, v and expm1(−ℓ).
    private double[] gSeqAt = new double[16];
    private double[] gFwdAt = new double[16];
    private double[] gPosAt = new double[16];
    private double[] pAt = new double[16];
    private double[] vAt = new double[16];
    private double[] em1At = new double[16];

    /**
     * Row (t, c) of {@link #finishRowsSparse}, whose n entries start at {@code from} in {@code pos}.
     * A method of its own so that the JIT compiles it whole (it runs once per row with draws).
     */
    private void finishRowSparse(ExactPasses exact, int t, int c, Triple tr, PositionStats pos, int from, int n, int[] merged) {
      int v = model.vocabSize();
      int l = lanes.count;
      int j = baselines.size();
      int horizon = model.horizon();
      double scale = 1.0 / ((double) batchSize * batches);
      int r = model.firstRow(t) + c;
      int nextBase = t < horizon ? model.firstRow(t + 1) : 0;
      int keys = lanes.keyCount();
      boolean anyExpm1 = lanes.anyExpm1;
      long lo = (long) c * v;
      if (n > gSeqAt.length) {
        int cap = Integer.highestOneBit(n) << 1;
        gSeqAt = new double[cap];
        gFwdAt = new double[cap];
        gPosAt = new double[cap];
        pAt = new double[cap];
        vAt = new double[cap];
        em1At = new double[cap];
      }
      for (int i = 0; i < n; i++) {
        int y = (int) (pos.keys[from + i] - lo);
        double wn = t < horizon ? exact.w[nextBase + model.next(c, y)] : 0.0;
        pAt[i] = tr.p[y];
        gSeqAt[i] = exact.gSeqOnRow(r, tr.p[y], tr.logRatio[y], wn);
        gFwdAt[i] = exact.dQ[r] * tr.gradFwd[y];
        gPosAt[i] = exact.d[r] * tr.grad[y];
        double em1 = anyExpm1 ? ValueFunction.em1(tr.logRatio[y]) : 0.0;
        em1At[i] = em1; // once per entry: the token-only lanes below read it too
        for (int k = 0; k < keys; k++) {
          valueSum[k] += pos.counts[from + i] * lanes.estimators.get(lanes.keyEstimator[k]).valueAt(tr.logRatio[y], em1);
        }
      }
      double pp = exact.pNormSq[r];
      double pg = exact.pDotG[r];
      double gg = exact.gradSq[r];
      for (int lane = 0; lane < l; lane++) {
        if (exact.problems[lanes.estimatorIndex(lane)] != null) continue;
        int block = layout.blockOf[lane];
        int mi = merged[lane];
        Estimator est = lanes.estimator(lane);
        for (int jb = 0; jb < j; jb++) {
          Baseline b = baselines.get(jb);
          boolean loo = b.kind() == Baseline.Kind.LOO;
          double kap = b.scale(batchSize);
          double s = shift(b, exact, lane, r);
          double alpha = 0;
          for (int i = 0; i < n; i++) {
            int at = from + i;
            int y = (int) (pos.keys[at] - lo);
            double cnt = pos.counts[at];
            double qx = block == 2 ? pos.rho[at] : block == 1 ? cnt * tr.importance[y] : cnt;
            double px;
            if (mi >= 0) {
              px = kap * pos.merged[at * pos.mergedLanes + mi];
            } else {
              double em1 = est.value().usesExpm1() ? em1At[i] : 0.0;
              double z = block == 0 ? est.coefficientAt(tr.logRatio[y], tr.importance[y], em1) : est.valueAt(tr.logRatio[y], em1);
              px = kap * z * qx;
            }
            double loos = loo ? pos.loo[at * l + lane] * (block == 1 ? tr.importance[y] : 1.0) : s * qx;
            vAt[i] = (px + loos) * scale;
            alpha += vAt[i];
          }
          double errSq = alpha * alpha * pp + 2 * alpha * pg + gg;
          double meanSq = alpha * alpha * pp;
          double meanDotG = -alpha * pg;
          double meanDotGFwd = -alpha * exact.pDotGFwd[r];
          double meanDotGPos = -alpha * exact.pDotGPos[r];
          for (int i = 0; i < n; i++) {
            double ap = alpha * pAt[i];
            double diff = vAt[i] - ap - gSeqAt[i];
            double off = ap + gSeqAt[i];
            errSq += diff * diff - off * off;
            double gbar = vAt[i] - ap;
            meanSq += gbar * gbar - ap * ap;
            meanDotG += vAt[i] * gSeqAt[i];
            meanDotGFwd += vAt[i] * gFwdAt[i];
            meanDotGPos += vAt[i] * gPosAt[i];
          }
          addRow(lane * j + jb, errSq, meanSq, meanDotG, meanDotGFwd, meanDotGPos);
        }
      }
    }

    /** A row's share of the Monte Carlo sums of lane and baseline {@code idx} ([lane · J + j], see {@link #mc}). */
    private void addRow(int idx, double errSq, double meanSq, double meanDotG, double meanDotGFwd, double meanDotGPos) {
      double[] acc = mc[idx];
      acc[0] += errSq;
      acc[1] += meanSq;
      acc[2] += meanDotG;
      acc[3] += meanDotGFwd;
      acc[4] += meanDotGPos;
    }

    /** The metrics of this batch size, lane-major then baseline. */
    List<Metrics> metrics(ExactPasses exact, Truth truth) {
      int l = lanes.count;
      int j = baselines.size();
      List<Metrics> out = new ArrayList<>(l * j);
      long n = (long) batchSize * batches;
      for (int lane = 0; lane < l; lane++) {
        int k = lanes.estimatorIndex(lane);
        int key = lanes.keyOf[k];
        boolean ok = exact.feasible() && exact.problems[k] == null;
        ValueMc value = ok ? valueMc(exact, key, n) : null;
        for (int jb = 0; jb < j; jb++) {
          Baseline b = baselines.get(jb);
          Metrics m = new Metrics(lanes.estimator(lane), lanes.discount(lane), b, batchSize, batches);
          out.add(m);
          if (!ok) {
            m.problem = exact.feasible() ? exact.problems[k] : exact.infeasibleReason;
            continue;
          }
          m.valueMeanExact = exact.valueMean[key];
          m.valueStdExact = Math.sqrt(Math.max(0.0, exact.valueVar[key]));
          m.valueMeanMc = value.mean();
          m.valueStdMc = value.sd();
          m.valueMeanSe = value.sd() / Math.sqrt(value.n());
          m.valueBias = m.valueMeanExact - truth.kl();
          m.valueRelBias = ratio(m.valueBias, truth.kl());
          m.valueRelStd = ratio(m.valueStdExact, truth.kl());
          if (b.tokenOnly()) exactGradient(m, exact.sums[lane * j + jb], exact, truth);
          monteCarloGradient(m, lane * j + jb, exact, truth);
          Consistency.check(m);
          // A note explains a disagreement; a consistent row needs none.
          if (!m.consistent && tails != null) {
            m.mcNote = tails[lane].note(b.tokenOnly() ? offsets(exact, 0)[lane * j + jb] : Double.NaN);
          } else if (!m.consistent && model.rowCount() > 1) {
            m.mcNote = Consistency.rareEntriesNote(rareMass / model.horizon());
          }
        }
      }
      return out;
    }

    private ValueMc valueMc(ExactPasses exact, int key, long n) {
      double mean = valueSum[key] / n;
      double ss = 0;
      if (stats.values == null) {
        // one token per response: its value is f at the token, so the draws group by token
        PositionStats pos = stats.positions[0];
        double[] values = oneRowValues[key];
        for (int i = 0; i < pos.size(); i++) {
          double dv = values[(int) pos.keys[i]] - mean;
          ss += pos.counts[i] * dv * dv;
        }
      } else {
        for (double x : stats.values[key]) {
          double dv = x - mean;
          ss += dv * dv;
        }
      }
      return new ValueMc(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0, n);
    }

    private void exactGradient(Metrics m, double[] s, ExactPasses exact, Truth truth) {
      double trCov = Math.max(0.0, s[ExactPasses.SECOND] - s[ExactPasses.MEAN_SQ]);
      double var = trCov / batchSize;
      double bias = Math.sqrt(Math.max(0.0, s[ExactPasses.BIAS_SQ]));
      m.gradBiasNormExact = bias;
      m.gradVarExact = var;
      m.gradMseExact = bias * bias + var;
      m.gradCosExact = cosine(s[ExactPasses.MEAN_DOT_G], s[ExactPasses.MEAN_SQ], exact.gradNormSq, truth.gradNorm());
      m.gradCosFwdExact = cosine(s[ExactPasses.MEAN_DOT_G_FWD], s[ExactPasses.MEAN_SQ], exact.gradFwdNormSq, truth.gradNorm());
      m.gradCosPosExact = cosine(s[ExactPasses.MEAN_DOT_G_POS], s[ExactPasses.MEAN_SQ], exact.gradPosNormSq, truth.gradNorm());
      m.gradCosPosFwdExact = cosine(s[ExactPasses.MEAN_DOT_G_POS_FWD], s[ExactPasses.MEAN_SQ], exact.gradPosFwdNormSq,
          truth.gradNorm());
    }

    private void monteCarloGradient(Metrics m, int idx, ExactPasses exact, Truth truth) {
      double[] acc = mc[idx];
      double errSq = acc[0];
      double mseMean = stats.errMean[idx];
      m.gradMseMc = mseMean;
      if (batches > 1) {
        m.gradMseSe = Math.sqrt(stats.errM2[idx] / (batches - 1) / batches);
        double var = Math.max(0.0, (batches * mseMean - batches * errSq) / (batches - 1));
        m.gradVarMc = var;
        m.gradBiasNormMc = Math.sqrt(Math.max(0.0, errSq - var / batches));
      }
      m.gradCosMc = cosine(acc[2], acc[1], exact.gradNormSq, truth.gradNorm());
      m.gradCosFwdMc = cosine(acc[3], acc[1], exact.gradFwdNormSq, truth.gradNorm());
      m.gradCosPosMc = cosine(acc[4], acc[1], exact.gradPosNormSq, truth.gradNorm());
      double g = truth.gradNorm();
      Double biasForRel = m.gradBiasNormExact != null ? m.gradBiasNormExact : m.gradBiasNormMc;
      Double mseForRel = m.gradMseExact != null ? m.gradMseExact : m.gradMseMc;
      m.gradRelBias = biasForRel == null ? null : ratio(biasForRel, g);
      m.gradRelRmse = mseForRel == null ? null : ratio(Math.sqrt(mseForRel), g);
    }
  }

  /** The Monte Carlo mean and standard deviation of a response's value. */
  private record ValueMc(double mean, double sd, long n) {}

  /** ESTIMATORS.md: a cosine is null where ‖E[ĝ_B]‖ ≤ 1e-12 ‖G‖. */
  static final double ZERO_GRADIENT = 1e-12;

  /** cos(m, g) from m·g, ‖m‖² and ‖g‖²; null where ‖m‖ ≤ 1e-12 ‖G‖ or the target is 0. */
  private static Double cosine(double dot, double meanSq, double targetSq, double gradNorm) {
    double norm = Math.sqrt(Math.max(0.0, meanSq));
    if (targetSq <= 0 || gradNorm <= 0 || norm <= ZERO_GRADIENT * gradNorm) return null;
    double c = dot / (norm * Math.sqrt(targetSq));
    return Math.max(-1.0, Math.min(1.0, c));
  }

  /** a/b, or null when b is 0 (a relative error of a zero truth does not exist). */
  private static Double ratio(double a, double b) {
    return b == 0.0 || !Double.isFinite(b) ? null : a / b;
  }
}
