package klbench.core;

import java.util.List;

/**
 * One batch's squared error ‖ĝ_B − G‖², one row at a time (ESTIMATORS.md and SEQUENCES.md, "Monte
 * Carlo"). On a row the batch's draws form distinct tokens x with coefficient weights; its part of
 * the batch gradient is u − αp with u = (1/B) Σ_x A′_x e_x, α = Σ_x u_x, where a lane's shifted
 * coefficient sums to A′_x = κ P_x + s Q_x (P_x its Σ ω z over the entry, Q_x its Σ ω; {@link
 * Baseline}). So the row adds
 *
 * <pre>  ‖u − αp‖² − 2 (u − αp)·G = uu − 2α u·p − 2 u·G + α² ‖p‖² + 2α p·G</pre>
 *
 * and needs only five sums over its entries per lane (Σ P, Σ P², Σ P·Q, Σ P·p, Σ P·G, the
 * {@link Kernel}'s) and four per weight block (Σ Q, Σ Q², Σ Q·p, Σ Q·G); every baseline follows in
 * O(1). A batch's error is ‖G‖² plus the parts of every row it touched, at every position.
 */
final class GroupSums {
  private final LaneLayout layout;
  private final List<Baseline> baselines;
  private final int j;
  private final Kernel kernel;
  /** Rows with at most this many entries take the scalar kernel. */
  private static final int SMALL = 2;
  private final double invB;
  /** κ per baseline. */
  private final double[] scales;
  private final boolean[] isLoo;
  private final double[] sums;
  private final int batchSize;
  /**
   * Single tokens: the one row is the whole batch, so loo's batch sum Σ count·z of a lane is one of
   * the kernel's sums over the row (summed in draw order): the ω = 1 block's Σ P, and for the ω = w
   * block (the reward rules) the kernel's sixth sum, with the counts as second weight. {@link #add}
   * sets those lanes' loo offsets from them rather than having them summed in a pass of their own.
   */
  private final boolean looFromRowSums;

  GroupSums(LaneLayout layout, List<Baseline> baselines, int batchSize, Kernel kernel) {
    this(layout, baselines, batchSize, kernel, false);
  }

  GroupSums(LaneLayout layout, List<Baseline> baselines, int batchSize, Kernel kernel, boolean looFromRowSums) {
    this.batchSize = batchSize;
    this.looFromRowSums = looFromRowSums && baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    this.layout = layout;
    this.baselines = baselines;
    this.j = baselines.size();
    this.kernel = kernel;
    this.invB = 1.0 / batchSize;
    this.scales = new double[j];
    this.isLoo = new boolean[j];
    for (int jb = 0; jb < j; jb++) {
      scales[jb] = baselines.get(jb).scale(batchSize);
      isLoo[jb] = baselines.get(jb).kind() == Baseline.Kind.LOO;
    }
    int widest = 0;
    for (int b = 0; b < 3; b++) widest = Math.max(widest, layout.blockWidth[b]);
    this.sums = new double[6 * widest];
  }

  /**
   * A row the batch drew once (one entry, the usual case over many contexts): with the entry's
   * shifted coefficient sum A′ = Q (κ a + s) for a lane whose coefficient is a and whose weight
   * block gives the entry the weight Q, its part of the error is
   * (A′/B)² ‖e_x − p‖² − 2 (A′/B)(G_x − p·G). O(1) per lane and baseline.
   *
   * @param rows, at the entry's coefficients start at rows[at] (lanes at their columns)
   * @param weight Q per weight block
   */
  void addSingle(double[] rows, int at, double[] weight, double p, double g, double pNormSq, double pDotG,
      double[] offsets, double[] looOffsets, double[] err) {
    double scoreSq = 1.0 - 2.0 * p + pNormSq;
    double toward = g - pDotG;
    for (int b = 0; b < 3; b++) {
      int[] lanes = layout.blockLanes[b];
      if (lanes.length == 0) continue;
      double q = weight[b];
      for (int i = 0; i < lanes.length; i++) {
        int lane = lanes[i];
        double a = rows[at + layout.columnOf[lane]];
        for (int jb = 0; jb < j; jb++) {
          double s = isLoo[jb] ? looOffsets[lane] : offsets[lane * j + jb];
          double alpha = q * (scales[jb] * a + s) * invB;
          err[lane * j + jb] += alpha * alpha * scoreSq - 2 * alpha * toward;
        }
      }
    }
  }

  /**
   * Adds one row's part of the batch error, per lane and baseline, to {@code err} (at
   * [lane · J + j]).
   *
   * @param rows, rowAt entry tk's coefficient row starts at rows[rowAt[tk]] (lanes at their columns)
   * @param from, to the row's entries
   * @param repeats per weight block: false when every weight of the block is 1
   * @param wc, wp, wg per weight block: per entry Q, Q·p, Q·G
   * @param offsets s per [lane · J + j] of the token-only baselines (0 for loo)
   * @param looOffsets s per lane for loo (this batch and position); with {@code looFromRowSums},
   *     set here, those of the ω = 1 and ω = w blocks
   */
  void add(double[] rows, int[] rowAt, int from, int to, boolean[] repeats, double[][] wc, double[][] wp,
      double[][] wg, double pNormSq, double pDotG, double[] offsets, double[] looOffsets, double[] err) {
    add(rows, rowAt, from, to, repeats, wc, wp, wg, null, pNormSq, pDotG, offsets, looOffsets, err);
  }

  /**
   * The same, given the weight sums of each block, {Σ Q, Σ Q², Σ Q·p, Σ Q·G} at [4·block], summed
   * over [from, to) in order (a caller that already walks the entries sums them there), or null to
   * sum them here.
   */
  void add(double[] rows, int[] rowAt, int from, int to, boolean[] repeats, double[][] wc, double[][] wp,
      double[][] wg, double[] weightSums, double pNormSq, double pDotG, double[] offsets, double[] looOffsets,
      double[] err) {
    for (int b = 0; b < 3; b++) {
      int width = layout.blockWidth[b];
      if (width == 0) continue;
      double[] c = wc[b];
      double[] p = wp[b];
      double[] g = wg[b];
      double q1 = 0;
      double q2 = 0;
      double qp = 0;
      double qg = 0;
      if (weightSums != null) {
        q1 = weightSums[4 * b];
        q2 = weightSums[4 * b + 1];
        qp = weightSums[4 * b + 2];
        qg = weightSums[4 * b + 3];
      } else {
        for (int tk = from; tk < to; tk++) {
          q1 += c[tk];
          q2 += c[tk] * c[tk];
          qp += p[tk];
          qg += g[tk];
        }
      }
      // A row of one or two entries (the usual case over many contexts) is not worth vector set-up;
      // both kernels give the same bits.
      Kernel k = to - from <= SMALL ? Kernel.scalar() : kernel;
      // The ω = w block's loo sum is Σ count·z: its own Σ P where every w is 1 (its weights are then
      // the counts, bit for bit), else the kernel's sixth sum, with the counts as second weight.
      boolean countWeights = b == 0 || (looFromRowSums && b == 1 && java.util.Arrays.equals(wc[0], from, to, c, from, to));
      double[] second = looFromRowSums && b == 1 && !countWeights ? wc[0] : null;
      k.batchSums(from, to, repeats[b], rows, rowAt, layout.blockStart[b], c, p, g, second, width, sums);
      int[] lanes = layout.blockLanes[b];
      if (looFromRowSums && b <= 1) {
        int at = countWeights ? 0 : 5 * width;
        for (int i = 0; i < lanes.length; i++) looOffsets[lanes[i]] = Baseline.looOffset(batchSize, sums[at + i]);
      }
      for (int i = 0; i < lanes.length; i++) {
        int lane = lanes[i];
        double s1 = sums[i];
        double s2 = sums[width + i];
        double s3 = sums[2 * width + i];
        double s4 = sums[3 * width + i];
        double s5 = sums[4 * width + i];
        for (int jb = 0; jb < j; jb++) {
          double kap = scales[jb];
          double s = isLoo[jb] ? looOffsets[lane] : offsets[lane * j + jb];
          double sumAc = kap * s1 + s * q1;
          double sumA2c2 = kap * kap * s2 + 2 * kap * s * s3 + s * s * q2;
          double sumAcp = kap * s4 + s * qp;
          double sumAcg = kap * s5 + s * qg;
          double alpha = sumAc * invB;
          double uu = sumA2c2 * invB * invB;
          double up = sumAcp * invB;
          double ug = sumAcg * invB;
          err[lane * j + jb] += uu - 2 * alpha * up - 2 * ug + alpha * alpha * pNormSq + 2 * alpha * pDotG;
        }
      }
    }
  }
}
