package klbench.core;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;

/**
 * One chunk of Monte Carlo batches on one triple (ESTIMATORS.md, "Monte Carlo"), for every
 * estimator and baseline at once: all of them see the same tokens (common random numbers).
 *
 * <p>A batch with distinct tokens x and counts c has the gradient ĝ_b = u − αp, u = (1/B) Σ_x a′_x
 * c_x e_x, α = Σ_x u_x, where a′ = κa + s is the baseline's shift of the coefficient ({@link
 * Baseline}). Then ‖ĝ_b − G‖² needs only five sums over the batch's distinct tokens per estimator
 * (Σac, Σa²c², Σac², Σacp, ΣacG), each baseline following in O(1): O(B) per batch, no V-long
 * work. The five sums are the hot loop; a {@link Kernel} computes them with the estimators as
 * vector lanes, the same bits whichever kernel runs. The mean batch gradient follows at the end
 * from the token counts (and the loo shifts) that the {@link PartialStats.Accumulator} keeps.
 */
final class ChunkSimulation {
  private ChunkSimulation() {}

  /**
   * {@code batches} batches of size B drawn from μ with {@code rng}, as chunk {@code chunk}.
   *
   * @param tables the triple's sampling tables; unused (may be null) when the triple is infeasible
   */
  static PartialStats run(Triple t, List<Baseline> baselines, ExactMoments exact, SamplingTables tables,
      int batchSize, int batches, UniformRandomProvider rng, int chunk, Kernel kernel) {
    int e = exact.estimatorCount();
    int j = baselines.size();
    boolean anyLoo = baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    if (anyLoo && batchSize < 2) throw new IllegalArgumentException("loo needs a batch size >= 2");
    if ((long) batchSize * batches > Integer.MAX_VALUE) {
      // token counts are ints; a chunk (see Chunking) holds about 2^18 tokens
      throw new IllegalArgumentException("at most 2^31 - 1 tokens in one call, got " + (long) batchSize * batches);
    }
    int bsz = batchSize;
    if (!t.feasible() || batches == 0) {
      // An infeasible triple counts its batches (with no numbers); a feasible one has none here.
      return PartialStats.withoutTokens(bsz, chunk, e, j, t.feasible() ? 0 : batches, anyLoo);
    }
    DiscreteSampler draw = tables.alias().withUniformRandomProvider(rng);
    double[] rows = tables.rows();
    double[] pAndG = tables.pg();
    int rowOffset = tables.offset();
    // Per token, in one long so that a draw touches one cache line: the count in the chunk so far
    // (high 32 bits, ≤ the chunk's tokens, far below 2^31) and in the current batch (low 32).
    long[] tally = new long[t.size];
    int[] touched = new int[bsz];
    // loo's per-token shifts, logged per batch and gathered per token at the end of the chunk.
    int columns = tables.columns();
    int expectedEntries = (int) Math.min(1 << 20, Math.min((long) bsz * batches, 64L * t.size));
    LooLog looLog = anyLoo ? new LooLog(e, columns, kernel, Math.min(batches, 1 << 16), expectedEntries) : null;
    PartialStats.Accumulator acc = new PartialStats.Accumulator(bsz, chunk, e, j, looLog);
    double[] offsets = new double[e * j];
    double[] scales = new double[j];
    boolean[] isLoo = new boolean[j];
    for (int jb = 0; jb < j; jb++) {
      Baseline b = baselines.get(jb);
      isLoo[jb] = b.kind() == Baseline.Kind.LOO;
      scales[jb] = b.scale(bsz);
      for (int k = 0; k < e; k++) {
        offsets[k * j + jb] = isLoo[jb] || exact.values(k) == null ? 0.0 : exact.offset(k, b);
      }
    }
    double invB = 1.0 / bsz;
    double pNormSq = t.pNormSq;
    double pg = exact.pDotG();
    double gg = exact.gradNormSq();
    // Per distinct token of the batch: where its row starts, and its weights c, c·p, c·G.
    int[] rowAt = new int[bsz];
    double[] wc = new double[bsz];
    double[] wp = new double[bsz];
    double[] wg = new double[bsz];
    double[] looBatchShift = new double[columns];
    double[] sums = new double[5 * columns];
    double[] errors = new double[e * j];

    for (int batch = 0; batch < batches; batch++) {
      int n = 0;
      for (int i = 0; i < bsz; i++) {
        int x = draw.sample();
        if ((int) tally[x]++ == 0) touched[n++] = x;
      }
      double c2 = 0;
      double cp = 0;
      double cg = 0;
      boolean repeats = false;
      for (int tk = 0; tk < n; tk++) {
        int x = touched[tk];
        long tx = tally[x];
        int c = (int) tx;
        tally[x] = tx - c + ((long) c << 32); // the batch's count moves into the chunk's
        repeats |= c > 1;
        double cd = c;
        rowAt[tk] = rowOffset + x * columns;
        wc[tk] = cd;
        wp[tk] = cd * pAndG[2 * x];
        wg[tk] = cd * pAndG[2 * x + 1];
        c2 += cd * cd;
        cp += wp[tk];
        cg += wg[tk];
      }
      kernel.batchSums(n, repeats, rows, rowAt, wc, wp, wg, columns, sums);
      for (int k = 0; k < e; k++) {
        double s1 = sums[k];
        double s2 = sums[columns + k];
        double s3 = sums[2 * columns + k];
        double s4 = sums[3 * columns + k];
        double s5 = sums[4 * columns + k];
        looBatchShift[k] = Baseline.looOffset(bsz, s1);
        for (int jb = 0; jb < j; jb++) {
          // Σ over the batch of a′c, a′²c², a′c·p, a′c·G with a′ = κa + s, from the five sums.
          double kap = scales[jb];
          double s = isLoo[jb] ? looBatchShift[k] : offsets[k * j + jb];
          double sumAc = kap * s1 + s * bsz;
          double sumA2c2 = kap * kap * s2 + 2 * kap * s * s3 + s * s * c2;
          double sumAcp = kap * s4 + s * cp;
          double sumAcg = kap * s5 + s * cg;
          double alpha = sumAc * invB;
          double uu = sumA2c2 * invB * invB;
          double up = sumAcp * invB;
          double ug = sumAcg * invB;
          // a squared norm: a negative value is rounding in the expansion (p nearly one-hot)
          errors[k * j + jb] = Math.max(0.0, uu - 2 * alpha * up - 2 * ug + alpha * alpha * pNormSq + 2 * alpha * pg + gg);
        }
      }
      acc.accept(errors, looBatchShift, touched, wc, n);
    }
    // The chunk's distinct tokens in ascending order, so that merging is a linear sorted merge.
    int nonZero = 0;
    for (int x = 0; x < t.size; x++) if (tally[x] != 0) nonZero++;
    int[] tokens = new int[nonZero];
    long[] counts = new long[nonZero];
    for (int x = 0, i = 0; x < t.size; x++) {
      if (tally[x] == 0) continue;
      tokens[i] = x;
      counts[i] = tally[x] >>> 32;
      i++;
    }
    return acc.result(tokens, counts, t.size);
  }
}
