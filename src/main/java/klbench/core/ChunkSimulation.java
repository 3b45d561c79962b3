package klbench.core;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;

/**
 * One chunk of Monte Carlo batches on a one-row model (single tokens), for every lane and baseline
 * at once: all of them see the same tokens (common random numbers). Every lane's coefficient is a
 * function of the token here, so it is read from the {@link SamplingTables}; a batch's distinct
 * tokens and counts are kept in one dense tally, and loo's per-token shifts go through a {@link
 * LooLog}. The batch error itself is {@link GroupSums}'s, the same as for longer responses.
 */
final class ChunkSimulation {
  private ChunkSimulation() {}

  /**
   * {@code batches} batches of size B drawn from μ with {@code rng}, as chunk {@code chunk}.
   *
   * @param offsets s per [lane · J + j] of the token-only baselines
   * @param gradNormSq ‖G‖²
   */
  static PartialStats run(Triple t, LaneLayout layout, List<Baseline> baselines, SamplingTables tables,
      double[] offsets, double pDotG, double gradNormSq, int batchSize, int batches, UniformRandomProvider rng,
      int chunk, Kernel kernel) {
    Lanes lanes = layout.lanes;
    int l = lanes.count;
    int j = baselines.size();
    boolean anyLoo = baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    int bsz = batchSize;
    PartialStats.Accumulator acc = new PartialStats.Accumulator(l, j);
    DiscreteSampler draw = tables.alias().withUniformRandomProvider(rng);
    double[] rows = tables.rows();
    double[] pgw = tables.pgw();
    int rowOffset = tables.offset();
    int width = tables.columns();
    // Per token, in one long so that a draw touches one cache line: the count in the chunk so far
    // (high 32 bits, ≤ the chunk's tokens, far below 2^31) and in the current batch (low 32).
    long[] tally = new long[t.size];
    int[] touched = new int[bsz];
    int expectedEntries = (int) Math.min(1 << 20, Math.min((long) bsz * batches, 64L * t.size));
    // loo's log keeps the columns the blocks use, not the row's padding to a cache line.
    int looWidth = layout.usedColumns;
    LooLog looLog = anyLoo ? new LooLog(looWidth, looWidth, kernel, Math.min(batches, 1 << 16), expectedEntries) : null;
    GroupSums groups = new GroupSums(layout, baselines, bsz, kernel, true);
    boolean ratioBlock = layout.blockWidth[1] > 0;
    // Per distinct token of the batch: where its row starts, and per weight block its weights
    // (ω = 1: c, c·p, c·G; ω = w: cw, cw·p, cw·G).
    int[] rowAt = new int[bsz];
    double[][] wc = new double[3][bsz];
    double[][] wp = new double[3][bsz];
    double[][] wg = new double[3][bsz];
    double[] wc0 = wc[0], wp0 = wp[0], wg0 = wg[0], wc1 = wc[1], wp1 = wp[1], wg1 = wg[1];
    boolean[] repeats = new boolean[3];
    double[] looShift = new double[width];
    double[] looOffsets = new double[l];
    double[] errors = new double[l * j];
    double[] weightSums = new double[12];

    for (int batch = 0; batch < batches; batch++) {
      int n = 0;
      for (int i = 0; i < bsz; i++) {
        int x = draw.sample();
        if ((int) tally[x]++ == 0) touched[n++] = x;
      }
      boolean anyRepeat = false;
      boolean offRatio = false;
      double c1 = 0, c2 = 0, cp = 0, cg = 0;
      double r1 = 0, r2 = 0, rp = 0, rg = 0;
      for (int tk = 0; tk < n; tk++) {
        int x = touched[tk];
        long tx = tally[x];
        int c = (int) tx;
        tally[x] = tx - c + ((long) c << 32); // the batch's count moves into the chunk's
        anyRepeat |= c > 1;
        double cd = c;
        rowAt[tk] = rowOffset + x * width;
        int at = SamplingTables.PGW * x;
        double px = pgw[at];
        double gx = pgw[at + 1];
        double wpx = cd * px;
        double wgx = cd * gx;
        wc0[tk] = cd;
        wp0[tk] = wpx;
        wg0[tk] = wgx;
        c1 += cd;
        c2 += cd * cd;
        cp += wpx;
        cg += wgx;
        if (ratioBlock) {
          double w = pgw[at + 2];
          double cw = cd * w;
          double rpx = cw * px;
          double rgx = cw * gx;
          offRatio |= w != 1.0;
          wc1[tk] = cw;
          wp1[tk] = rpx;
          wg1[tk] = rgx;
          r1 += cw;
          r2 += cw * cw;
          rp += rpx;
          rg += rgx;
        }
      }
      weightSums[0] = c1;
      weightSums[1] = c2;
      weightSums[2] = cp;
      weightSums[3] = cg;
      weightSums[4] = r1;
      weightSums[5] = r2;
      weightSums[6] = rp;
      weightSums[7] = rg;
      repeats[0] = anyRepeat;
      repeats[1] = anyRepeat || offRatio;
      java.util.Arrays.fill(errors, 0.0);
      groups.add(rows, rowAt, 0, n, repeats, wc, wp, wg, weightSums, t.pNormSq, pDotG, offsets, looOffsets, errors);
      if (looLog != null) {
        for (int lane = 0; lane < l; lane++) looShift[layout.columnOf[lane]] = looOffsets[lane];
      }
      for (int idx = 0; idx < errors.length; idx++) {
        // a squared norm: a negative value is rounding in the expansion (p nearly one-hot)
        errors[idx] = Math.max(0.0, errors[idx] + gradNormSq);
      }
      acc.accept(errors);
      if (looLog != null) looLog.addBatch(looShift, touched, wc[0], n);
    }
    // The chunk's distinct tokens in ascending order, so that merging is a linear sorted merge.
    int nonZero = 0;
    for (int x = 0; x < t.size; x++) if (tally[x] != 0) nonZero++;
    long[] keys = new long[nonZero];
    long[] counts = new long[nonZero];
    int[] tokens = new int[nonZero];
    for (int x = 0, i = 0; x < t.size; x++) {
      if (tally[x] == 0) continue;
      keys[i] = x;
      tokens[i] = x;
      counts[i] = tally[x] >>> 32;
      i++;
    }
    double[] loo = null;
    if (looLog != null) {
      double[] wide = looLog.rows(tokens, t.size);
      loo = new double[nonZero * l];
      for (int i = 0; i < nonZero; i++) {
        for (int lane = 0; lane < l; lane++) loo[i * l + lane] = wide[i * looWidth + layout.columnOf[lane]];
      }
    }
    PositionStats position = new PositionStats(keys, counts, loo, null, null, l, 0);
    return new PartialStats(bsz, chunk, chunk + 1, l, j, acc.batches(), acc.mean(), acc.m2(),
        new PositionStats[] {position}, null);
  }
}
