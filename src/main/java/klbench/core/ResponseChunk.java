package klbench.core;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;

/**
 * One chunk of Monte Carlo batches of whole responses (SEQUENCES.md, "Exact and Monte Carlo"), for
 * every lane and baseline at once, on the chunk's own random stream: the same responses for all.
 *
 * <p>Position by position. {@link #forward} (t = 1..T) draws every response's token at t from its
 * row's μ, in response order, and keeps the running sums the reward rules need of the past (the
 * response's whole value for reward_total, its log ρ for reward_is). {@link #backward} (t = T..1)
 * then knows each response's future: it forms every lane's z_t and ω_t, merges a batch's draws into
 * distinct (context, token) entries, and adds each row's part of the batch error ({@link
 * GroupSums}); after position 1 every batch error is complete. Only the forward pass reads the
 * rows: the caller hands a position's rows to every chunk in turn, so a row is built once per pass
 * however many chunks there are, and the chunk's draws do not depend on which other chunks share
 * the pass. Going back, a chunk reads what it kept of each draw and the exact passes' numbers per
 * row (W, d, the oracle, ‖p‖², p·G).
 *
 * <p>Memory per drawn token: its context and token (two ints), ℓ, w and p, expm1(−ℓ) where a value
 * reads it, log w with reward_is; a few doubles per response; a position's entries ({@link
 * PositionStats}) are taken by the caller as soon as they are complete.
 */
final class ResponseChunk {
  private final SequenceModel model;
  private final LaneLayout layout;
  private final Lanes lanes;
  private final List<Baseline> baselines;
  private final ExactPasses exact;
  private final Kernel kernel;
  private final int batchSize;
  private final int batches;
  private final int chunk;
  private final int n;
  private final int horizon;
  private final int vocab;
  private final UniformRandomProvider rng;
  private final boolean anyExpm1;
  private final boolean anyLoo;
  private final boolean importance;
  /** Per position (t − 1), per response: the context and the token drawn. */
  private static final int OWN = 0;
  private static final int TOKEN_REWARD = 1;
  private static final int TO_GO = 2;
  private static final int TOTAL = 3;

  private final int[][] context;
  private final int[][] token;
  /** Per value key, per response: Σ_t f_t so far (forward), the response's value. */
  private final double[][] value;
  /** Per response and future group ([i · groups + g]) used by reward_total: Σ_t γ^{t−1} f_t. */
  private final double[] total;
  /** Per response: Σ_t log w_t (reward_is), and Σ_{k > t} log w_k while going back. */
  private final double[] logRho;
  private final double[] logRhoAfter;
  /** Per token ((t − 1)·n + i), reward_is only: log w at the token drawn, from the forward pass. */
  private final double[] logWAt;
  /** Per response and future group used by reward (to go) or reward_is: the future from t + 1. */
  private final double[] future;
  private final double[] futureIs;
  private final boolean[] hasTotal;
  private final boolean[] hasFuture;
  private final boolean[] hasFutureIs;
  private final int[] groupKeyOf;
  /** Per batch: the parts of its error so far, per [lane · J + j]. */
  private final double[][] batchError;
  private final PartialStats.Accumulator errors;
  /** Per position: its entries, until the caller takes them. */
  private final PositionStats[] positions;
  /** The entries of the position being summed: (context, token) → index, and their sums. */
  private LongIntMap chunkEntries;
  private GrowingEntries all;
  /** Whether some lane weighs by ρ (reward_is: weight block 2). */
  private final boolean rhoBlock;

  // The position being summed, set by backward(t).
  private int t;
  private int rowBase;
  private int nextBase;
  /** Per lane: its index among the lanes whose P is kept per entry at this position, or −1. */
  private final int[] merged;
  private int mergedLanes;

  // One batch's scratch, reused from batch to batch. Per response of the batch: z per lane
  // ([r · L + lane]) and ρ; per future group, the futures from t.
  private final double[] z;
  private final double[] rho;
  private final double[] newFuture;
  private final double[] newFutureIs;
  // Per entry of the batch (distinct (context, token)), then regrouped by context (order).
  private final LongIntMap batchEntries;
  private final LongIntMap contextsSeen;
  private final int[] entryCount;
  private final int[] entryContext;
  private final int[] entryToken;
  /** The batch's first draw of the entry. */
  private final int[] entryFirst;
  /** Per [entry · L + lane]: Σ z over the entry's draws; Σ ρ z. Per entry: Σ ρ. */
  private final double[] entryZ;
  private final double[] entryRhoZ;
  private final double[] entryRho;
  private final int[] order;
  // In group order: where each entry's coefficient row starts in scratch, and its weights per block.
  private final int[] rowAt;
  private final double[] scratch;
  private final double[][] wc;
  private final double[][] wp;
  private final double[][] wg;
  private final boolean[] repeats;
  /** In group order: p and G of the entry's row at its token. */
  private final double[] pAt;
  private final double[] gAt;
  private final double[] single;
  /** loo's offset per lane for the batch; s per [lane · J + j] of the token-only baselines. */
  private final double[] looOffsets;
  private final double[] offsets;
  private final int[] oracleBaselines;
  private final GroupSums groupSums;
  /**
   * Per token ((t − 1)·n + i): ℓ, w and p at the token drawn, and expm1(−ℓ) where some value reads
   * it (else null), read from the row once, by the forward pass. Going back, the rows' V-long arrays
   * are not touched again at the drawn tokens, which cost a cache miss each. f and f′ are not kept:
   * the backward pass recomputes them from ℓ and expm1(−ℓ) (16 bytes a token less with 3 keys).
   */
  private final double[] lrOf;
  private final double[] wOf;
  private final double[] pOf;
  private final double[] em1Of;
  /** f and f′ per value key at the draw being processed. */
  private final double[] fDrawn;
  private final double[] dfDrawn;
  // Per lane, read in the inner loops: credit, value key, future group, discount, rule, ratio clip.
  private final int[] creditOf;
  private final int[] keyOfLane;
  private final int[] groupOfLane;
  private final GradientRule[] ruleOf;
  private final double[] clipOf;
  private final Estimator[] keyEstimators;
  private final double[] groupDiscount;

  ResponseChunk(SequenceModel model, LaneLayout layout, List<Baseline> baselines, ExactPasses exact, Kernel kernel,
      int batchSize, int batches, int chunk, UniformRandomProvider rng) {
    this.model = model;
    this.layout = layout;
    this.lanes = layout.lanes;
    this.baselines = baselines;
    this.exact = exact;
    this.kernel = kernel;
    this.batchSize = batchSize;
    this.batches = batches;
    this.chunk = chunk;
    this.n = batchSize * batches;
    this.horizon = model.horizon();
    this.vocab = model.vocabSize();
    this.rng = rng;
    this.anyExpm1 = lanes.anyExpm1;
    this.anyLoo = baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    this.importance = lanes.any(GradientRule.Credit.IMPORTANCE_TO_GO);
    context = new int[horizon][n];
    token = new int[horizon][n];
    value = new double[lanes.keyCount()][n];
    int groups = lanes.groupCount();
    total = new double[n * groups];
    future = new double[n * groups];
    futureIs = new double[n * groups];
    hasTotal = new boolean[groups];
    hasFuture = new boolean[groups];
    hasFutureIs = new boolean[groups];
    groupKeyOf = lanes.groupKey.clone();
    for (int l = 0; l < lanes.count; l++) {
      int g = lanes.laneGroup[l];
      switch (lanes.credit(l)) {
        case TOTAL -> hasTotal[g] = true;
        case TO_GO -> hasFuture[g] = true;
        case IMPORTANCE_TO_GO -> hasFutureIs[g] = true;
        default -> { }
      }
    }
    logRho = importance ? new double[n] : null;
    logRhoAfter = importance ? new double[n] : null;
    logWAt = importance ? new double[horizon * n] : null;
    lrOf = new double[horizon * n];
    wOf = new double[horizon * n];
    pOf = new double[horizon * n];
    em1Of = anyExpm1 ? new double[horizon * n] : null;
    fDrawn = new double[lanes.keyCount()];
    dfDrawn = new double[lanes.keyCount()];
    creditOf = new int[lanes.count];
    keyOfLane = new int[lanes.count];
    groupOfLane = new int[lanes.count];
    ruleOf = new GradientRule[lanes.count];
    clipOf = new double[lanes.count];
    for (int lane = 0; lane < lanes.count; lane++) {
      Estimator e = lanes.estimator(lane);
      creditOf[lane] = e.rule().credit().ordinal();
      keyOfLane[lane] = lanes.keyOf[lanes.estimatorIndex(lane)];
      groupOfLane[lane] = lanes.laneGroup[lane];
      ruleOf[lane] = e.rule();
      clipOf[lane] = e.ratioClip() == null ? Double.POSITIVE_INFINITY : e.ratioClip();
    }
    if (GradientRule.Credit.TOTAL.ordinal() != TOTAL || GradientRule.Credit.TO_GO.ordinal() != TO_GO
        || GradientRule.Credit.TOKEN_REWARD.ordinal() != TOKEN_REWARD || GradientRule.Credit.OWN.ordinal() != OWN) {
      throw new IllegalStateException("ResponseChunk's credit codes no longer match GradientRule.Credit");
    }
    keyEstimators = new Estimator[lanes.keyCount()];
    for (int k = 0; k < keyEstimators.length; k++) keyEstimators[k] = lanes.estimators.get(lanes.keyEstimator[k]);
    groupDiscount = lanes.groupDiscount.clone();
    batchError = new double[batches][lanes.count * baselines.size()];
    int l = lanes.count;
    int j = baselines.size();
    rhoBlock = layout.blockWidth[2] > 0;
    merged = new int[l];
    z = new double[batchSize * l];
    rho = new double[batchSize];
    newFuture = new double[groups];
    newFutureIs = new double[groups];
    batchEntries = new LongIntMap(batchSize);
    contextsSeen = new LongIntMap(batchSize);
    entryCount = new int[batchSize];
    entryContext = new int[batchSize];
    entryToken = new int[batchSize];
    entryFirst = new int[batchSize];
    entryZ = new double[batchSize * l];
    entryRho = new double[batchSize];
    entryRhoZ = new double[batchSize * l];
    order = new int[batchSize];
    rowAt = new int[batchSize];
    scratch = new double[batchSize * layout.width];
    wc = new double[3][batchSize];
    wp = new double[3][batchSize];
    wg = new double[3][batchSize];
    repeats = new boolean[3];
    pAt = new double[batchSize];
    gAt = new double[batchSize];
    single = new double[3];
    looOffsets = new double[l];
    offsets = new double[l * j];
    int oracles = 0;
    for (Baseline bl : baselines) if (bl.kind() == Baseline.Kind.ORACLE) oracles++;
    oracleBaselines = new int[oracles];
    for (int jb = 0, o = 0; jb < j; jb++) {
      Baseline bl = baselines.get(jb);
      if (bl.kind() == Baseline.Kind.ORACLE) oracleBaselines[o++] = jb;
      if (bl.kind() == Baseline.Kind.CONST) for (int lane = 0; lane < l; lane++) offsets[lane * j + jb] = bl.constant();
    }
    groupSums = new GroupSums(layout, baselines, batchSize, kernel);
    errors = new PartialStats.Accumulator(lanes.count, baselines.size());
    positions = new PositionStats[horizon];
  }

  int chunk() { return chunk; }

  // ---------------------------------------------------------------------------------------------
  // Forward: draw

  /**
   * Draws every response's token at position t from its row's μ, in response order.
   *
   * @param alias the alias tables of the position's rows
   */
  void forward(int t, Triple[] rows, SharedStateDiscreteSampler[] alias) {
    DiscreteSampler[] draw = new DiscreteSampler[rows.length];
    int[] ctx = context[t - 1];
    int[] tok = token[t - 1];
    int keys = keyEstimators.length;
    int at = (t - 1) * n;
    double[] past = new double[groupDiscount.length];
    for (int g = 0; g < past.length; g++) past[g] = Math.pow(groupDiscount[g], t - 1);
    for (int i = 0; i < n; i++) {
      int c = ctx[i];
      DiscreteSampler s = draw[c];
      if (s == null) {
        s = alias[c].withUniformRandomProvider(rng);
        draw[c] = s;
      }
      int y = s.sample();
      tok[i] = y;
      if (t < horizon) context[t][i] = model.next(c, y);
    }
    // Then what the draws read of their rows, in a loop of its own: with no random stream to wait
    // for, the cache misses of successive draws overlap.
    for (int i = 0; i < n; i++) {
      int c = ctx[i];
      int y = tok[i];
      Triple tr = rows[c];
      double l = tr.logRatio[y];
      double w = tr.importance[y];
      lrOf[at + i] = l;
      wOf[at + i] = w;
      pOf[at + i] = tr.p[y];
      double em1 = 0.0;
      if (anyExpm1) {
        em1 = ValueFunction.em1(l);
        em1Of[at + i] = em1;
      }
      for (int k = 0; k < keys; k++) {
        double f = keyEstimators[k].valueAt(l, em1);
        fDrawn[k] = f;
        value[k][i] += f;
      }
      for (int g = 0; g < past.length; g++) {
        if (hasTotal[g]) total[i * past.length + g] += past[g] * fDrawn[groupKeyOf[g]];
      }
      if (importance) {
        double logW = Math.log(w);
        logWAt[at + i] = logW;
        logRho[i] += logW;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Backward: coefficients, entries, batch errors

  /**
   * Position t's coefficients and batch-error parts, and its entries ({@link #takePosition}); call
   * for t = T..1 after every forward pass, with the exact passes done down to position t.
   *
   * <p>A batch at a time, in steps that are methods of their own: {@link #drawsIntoEntries}, {@link
   * #coefficientRows}, {@link #looOffsets}, {@link #batchErrorParts}, {@link #intoChunkEntries}.
   * Besides naming the steps, that is for the JIT: a chunk calls this once per position, so one
   * method holding every loop ran in the interpreter until on-stack replacement compiled a loop of
   * it, again at every call; methods called once per batch are compiled whole.
   */
  void backward(int t) {
    this.t = t;
    rowBase = model.firstRow(t);
    nextBase = t < horizon ? model.firstRow(t + 1) : 0;
    mergedLanes = lanes.mergedLanes(t, horizon, merged);
    // The position's entries over the whole chunk, in tables the chunk keeps from one position to
    // the next (cleared for the entries used, not reallocated: a map sized for the chunk's draws
    // costs more to allocate and zero than a position's draws cost to hash).
    if (chunkEntries == null) chunkEntries = new LongIntMap(Math.min(n, 1 << 16));
    if (all == null || all.mergedLanes != mergedLanes) all = new GrowingEntries(lanes.count, mergedLanes, anyLoo, rhoBlock);
    for (int b = 0; b < batches; b++) {
      int entries = drawsIntoEntries(b);
      // Entries grouped by context (first appearance of each), entries in first-appearance order within.
      int contexts = regroup(entries, entryContext, order, contextsSeen);
      coefficientRows(b, entries);
      if (anyLoo) looOffsets(entries);
      batchErrorParts(b, entries, contexts);
      intoChunkEntries(b, entries);
      for (int e = 0; e < entries; e++) entryCount[e] = 0;
    }
    positions[t - 1] = all.sorted(chunkEntries);
    all.clear(chunkEntries.size());
    chunkEntries.clear();
    if (t == 1) {
      double gg = exact.gradNormSq;
      double[] e = new double[lanes.count * baselines.size()];
      for (int b = 0; b < batches; b++) {
        for (int idx = 0; idx < e.length; idx++) e[idx] = Math.max(0.0, batchError[b][idx] + gg);
        errors.accept(e);
      }
    }
  }

  /**
   * Batch b's draws at position t: every lane's z and the response's ρ, the futures carried one
   * position back, and the draws merged into distinct (context, token) entries in order of first
   * appearance (Σ z, Σ ρ, Σ ρz over each entry's draws, in draw order); returns how many entries.
   */
  private int drawsIntoEntries(int b) {
    int l = lanes.count;
    int groups = groupDiscount.length;
    int keys = keyEstimators.length;
    int[] ctx = context[t - 1];
    int[] tok = token[t - 1];
    int i0 = b * batchSize;
    batchEntries.clear();
    for (int r = 0; r < batchSize; r++) {
      int i = i0 + r;
      int c = ctx[i];
      int y = tok[i];
      int at = (t - 1) * n + i;
      double lr = lrOf[at];
      double w = wOf[at];
      double em1 = anyExpm1 ? em1Of[at] : 0.0;
      for (int k = 0; k < keys; k++) {
        fDrawn[k] = keyEstimators[k].valueAt(lr, em1);
        dfDrawn[k] = keyEstimators[k].derivativeAt(lr, em1);
      }
      for (int g = 0; g < groups; g++) {
        double gamma = groupDiscount[g];
        double fk = fDrawn[groupKeyOf[g]];
        if (hasFuture[g]) newFuture[g] = fk + gamma * future[i * groups + g];
        if (hasFutureIs[g]) newFutureIs[g] = fk + gamma * futureIs[i * groups + g];
      }
      rho[r] = importance ? Math.exp(logRho[i] - logRhoAfter[i]) : 1.0;
      for (int lane = 0; lane < l; lane++) {
        int key = keyOfLane[lane];
        int g = groupOfLane[lane];
        z[r * l + lane] = switch (creditOf[lane]) {
          case OWN -> ruleOf[lane].coefficient(fDrawn[key], dfDrawn[key], w, lr, clipOf[lane]);
          case TOKEN_REWARD -> fDrawn[key];
          case TO_GO -> newFuture[g];
          case TOTAL -> total[i * groups + g];
          default -> newFutureIs[g];
        };
      }
      for (int g = 0; g < groups; g++) {
        if (hasFuture[g]) future[i * groups + g] = newFuture[g];
        if (hasFutureIs[g]) futureIs[i * groups + g] = w * newFutureIs[g];
      }
      if (importance) logRhoAfter[i] += logWAt[at];
      // The draw's entry.
      int e = batchEntries.indexOf((long) c * vocab + y);
      if (entryCount[e] == 0) {
        entryFirst[e] = r;
        entryContext[e] = c;
        entryToken[e] = y;
        entryRho[e] = rho[r];
        System.arraycopy(z, r * l, entryZ, e * l, l);
        if (rhoBlock) for (int lane = 0; lane < l; lane++) entryRhoZ[e * l + lane] = rho[r] * z[r * l + lane];
      } else {
        entryRho[e] += rho[r];
        for (int lane = 0; lane < l; lane++) {
          double zl = z[r * l + lane];
          entryZ[e * l + lane] += zl;
          if (rhoBlock) entryRhoZ[e * l + lane] += rho[r] * zl;
        }
      }
      entryCount[e]++;
    }
    return batchEntries.size();
  }

  /**
   * The entries' coefficient rows (one column per lane, {@link LaneLayout}) and weights per weight
   * block (Q, Q·p, Q·G), in group order; and per block whether any weight differs from 1.
   */
  private void coefficientRows(int b, int entries) {
    int l = lanes.count;
    int width = layout.width;
    int[] columnOf = layout.columnOf;
    int[] blockOf = layout.blockOf;
    int i0 = b * batchSize;
    boolean anyRepeat = false;
    boolean offRatio = false;
    for (int o = 0; o < entries; o++) {
      int e = order[o];
      int c = entryContext[e];
      int r = rowBase + c;
      double cnt = entryCount[e];
      int first = (t - 1) * n + i0 + entryFirst[e];
      double w = wOf[first];
      double p = pOf[first];
      // next(c, y), as the forward pass stored it for the entry's first draw
      double wn = t < horizon ? exact.w[nextBase + context[t][i0 + entryFirst[e]]] : 0.0;
      double g = exact.gSeqOnRow(r, p, lrOf[first], wn);
      pAt[o] = p;
      gAt[o] = g;
      anyRepeat |= entryCount[e] > 1;
      offRatio |= w != 1.0;
      rowAt[o] = o * width;
      wc[0][o] = cnt;
      wp[0][o] = cnt * p;
      wg[0][o] = cnt * g;
      double cw = cnt * w;
      wc[1][o] = cw;
      wp[1][o] = cw * p;
      wg[1][o] = cw * g;
      double q = entryRho[e];
      wc[2][o] = q;
      wp[2][o] = q * p;
      wg[2][o] = q * g;
      int row = o * width;
      if (entryCount[e] == 1) {
        // one draw: its z is the entry's, whatever the lane's weight
        for (int lane = 0; lane < l; lane++) scratch[row + columnOf[lane]] = entryZ[e * l + lane];
      } else {
        for (int lane = 0; lane < l; lane++) {
          int col = row + columnOf[lane];
          if (blockOf[lane] == 2) {
            scratch[col] = entryRhoZ[e * l + lane] / q;
          } else if (merged[lane] < 0) {
            scratch[col] = z[entryFirst[e] * l + lane]; // the same at every draw of the entry
          } else {
            scratch[col] = entryZ[e * l + lane] / cnt;
          }
        }
      }
    }
    repeats[0] = anyRepeat;
    repeats[1] = anyRepeat || offRatio;
    repeats[2] = true;
  }

  /** loo: the offset per lane, −Σ z / (B − 1) over the batch's draws at this position. */
  private void looOffsets(int entries) {
    int l = lanes.count;
    for (int lane = 0; lane < l; lane++) {
      double sum = 0;
      for (int o = 0; o < entries; o++) sum += entryZ[order[o] * l + lane];
      looOffsets[lane] = Baseline.looOffset(batchSize, sum);
    }
  }

  /** Each row (context) of batch b at this position adds its part of the batch's error. */
  private void batchErrorParts(int b, int entries, int contexts) {
    int l = lanes.count;
    int j = baselines.size();
    double[] err = batchError[b];
    int from = 0;
    for (int gi = 0; gi < contexts; gi++) {
      int c = entryContext[order[from]];
      int to = from;
      while (to < entries && entryContext[order[to]] == c) to++;
      int r = rowBase + c;
      for (int jb : oracleBaselines) {
        for (int lane = 0; lane < l; lane++) offsets[lane * j + jb] = -exact.oracle[lane][r];
      }
      if (to - from == 1) {
        single[0] = wc[0][from];
        single[1] = wc[1][from];
        single[2] = wc[2][from];
        groupSums.addSingle(scratch, rowAt[from], single, pAt[from], gAt[from], exact.pNormSq[r], exact.pDotG[r],
            offsets, looOffsets, err);
      } else {
        groupSums.add(scratch, rowAt, from, to, repeats, wc, wp, wg, exact.pNormSq[r], exact.pDotG[r], offsets, looOffsets, err);
      }
      from = to;
    }
  }

  /** The batch's entries into the position's running sums over the chunk. */
  private void intoChunkEntries(int b, int entries) {
    int l = lanes.count;
    int[] blockOf = layout.blockOf;
    for (int o = 0; o < entries; o++) {
      int e = order[o];
      int c = entryContext[e];
      int y = entryToken[e];
      int idx = all.indexOf(chunkEntries, (long) c * vocab + y);
      all.count[idx] += entryCount[e];
      double w = wOf[(t - 1) * n + b * batchSize + entryFirst[e]];
      if (rhoBlock) all.rho[idx] += entryRho[e];
      for (int lane = 0; lane < l; lane++) {
        int m = merged[lane];
        int block = blockOf[lane];
        if (m >= 0) {
          double pSum = block == 2 ? entryRhoZ[e * l + lane] : w * entryZ[e * l + lane];
          all.merged[idx * mergedLanes + m] += pSum;
        }
        if (anyLoo) {
          double q = block == 2 ? entryRho[e] : entryCount[e];
          all.loo[idx * l + lane] = Math.fma(looOffsets[lane], q, all.loo[idx * l + lane]);
        }
      }
    }
  }

  /**
   * Orders entries [0, entries) by the first appearance of their context, first appearance within
   * a context (a stable counting sort); returns the number of contexts.
   */
  private static int regroup(int entries, int[] entryContext, int[] order, LongIntMap seen) {
    seen.clear();
    int[] groupOf = new int[entries];
    for (int e = 0; e < entries; e++) groupOf[e] = seen.indexOf(entryContext[e]);
    int groups = seen.size();
    int[] start = new int[groups + 1];
    for (int e = 0; e < entries; e++) start[groupOf[e] + 1]++;
    for (int g = 0; g < groups; g++) start[g + 1] += start[g];
    for (int e = 0; e < entries; e++) order[start[groupOf[e]]++] = e;
    return groups;
  }

  /** Position t's entries, sorted by key; the chunk no longer holds them. */
  PositionStats takePosition(int t) {
    PositionStats p = positions[t - 1];
    positions[t - 1] = null;
    return p;
  }

  /** The chunk's batch errors and, for the value's variance, every response's value per key. */
  PartialStats result() {
    return new PartialStats(batchSize, chunk, chunk + 1, lanes.count, baselines.size(), errors.batches(),
        errors.mean(), errors.m2(), new PositionStats[horizon], value);
  }

  /** A position's entries over a chunk, in order of first appearance, growing as needed. */
  private static final class GrowingEntries {
    final int lanes;
    final int mergedLanes;
    long[] count = new long[64];
    double[] loo;
    double[] merged;
    double[] rho;

    GrowingEntries(int lanes, int mergedLanes, boolean loo, boolean rho) {
      this.lanes = lanes;
      this.mergedLanes = mergedLanes;
      this.loo = loo ? new double[64 * lanes] : null;
      this.merged = mergedLanes > 0 ? new double[64 * mergedLanes] : null;
      this.rho = rho ? new double[64] : null;
    }

    int indexOf(LongIntMap map, long key) {
      int idx = map.indexOf(key);
      if (idx >= count.length) {
        int cap = 2 * count.length;
        count = Arrays.copyOf(count, cap);
        if (loo != null) loo = Arrays.copyOf(loo, cap * lanes);
        if (merged != null) merged = Arrays.copyOf(merged, cap * mergedLanes);
        if (rho != null) rho = Arrays.copyOf(rho, cap);
      }
      return idx;
    }

    /** Zeros the sums of entries [0, size), for the next position. */
    void clear(int size) {
      Arrays.fill(count, 0, size, 0L);
      if (loo != null) Arrays.fill(loo, 0, size * lanes, 0.0);
      if (merged != null) Arrays.fill(merged, 0, size * mergedLanes, 0.0);
      if (rho != null) Arrays.fill(rho, 0, size, 0.0);
    }

    /** The entries sorted by key, as a {@link PositionStats}. */
    PositionStats sorted(LongIntMap map) {
      int size = map.size();
      long[] keys = new long[size];
      for (int i = 0; i < size; i++) keys[i] = map.key(i);
      java.util.Arrays.sort(keys);
      long[] counts = new long[size];
      double[] l = loo == null ? null : new double[size * lanes];
      double[] m = merged == null ? null : new double[size * mergedLanes];
      double[] q = rho == null ? null : new double[size];
      for (int i = 0; i < size; i++) {
        int s = map.indexOf(keys[i]);
        counts[i] = count[s];
        if (l != null) System.arraycopy(loo, s * lanes, l, i * lanes, lanes);
        if (m != null) System.arraycopy(merged, s * mergedLanes, m, i * mergedLanes, mergedLanes);
        if (q != null) q[i] = rho[s];
      }
      return new PositionStats(keys, counts, l, m, q, lanes, mergedLanes);
    }
  }
}
