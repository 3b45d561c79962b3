package klbench.core;

import java.util.Arrays;
import java.util.List;

/**
 * What Monte Carlo keeps of one position of some consecutive chunks, per (context, token) it drew
 * — its count, and what the mean batch gradient ḡ = (1/(B·R)) Σ_i a_i s_i needs beyond it — and
 * nothing V-long: keys context·V + token, ascending, so that chunks {@link #merge} in one linear
 * pass. Per entry:
 *
 * <ul>
 *   <li>the count N_x;
 *   <li>for loo, per lane, L_x = Σ_b s_{b} q_{b,x}: the batch-dependent part of ḡ, with s_b the
 *       batch's leave-one-out offset and q_{b,x} the entry's weight in batch b (its count for the
 *       ω = 1 and ω = w blocks, Σρ for the ω = ρ block);
 *   <li>per lane whose coefficient is not a function of the token at this position (reward
 *       rules before the last position), P_x = Σ_i ω_i z_i, summed over the entry's draws;
 *   <li>with reward_is over several tokens, Q_x = Σ_i ρ_{i,1:t}.
 * </ul>
 *
 * A token-only lane's P_x and Q_x follow from N_x and the row, so they are not kept.
 */
final class PositionStats implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  final long[] keys;
  final long[] counts;
  /** L per [entry * lanes + lane], or null when no baseline is loo. */
  final double[] loo;
  /** P per [entry * merged + m] for the position's merged lanes, or null when there are none. */
  final double[] merged;
  /** Q per entry (reward_is over several tokens), or null. */
  final double[] rho;
  final int lanes;
  final int mergedLanes;

  PositionStats(long[] keys, long[] counts, double[] loo, double[] merged, double[] rho, int lanes, int mergedLanes) {
    this.keys = keys;
    this.counts = counts;
    this.loo = loo;
    this.merged = merged;
    this.rho = rho;
    this.lanes = lanes;
    this.mergedLanes = mergedLanes;
  }

  int size() { return keys.length; }

  /**
   * These chunks followed by {@code later}: counts and sums add, entry by entry. Not associative in
   * floating point, so callers fold in chunk order.
   */
  PositionStats merge(PositionStats later) {
    return mergeInOrder(List.of(this, later));
  }

  /**
   * The left fold of {@code parts} in list order, {@code parts[0].merge(parts[1]).merge(…)}, in one
   * pass over every part's entries rather than one pass per part: an entry's sums add in list
   * order, so the bits are the fold's.
   */
  static PositionStats mergeInOrder(List<PositionStats> parts) {
    if (parts.isEmpty()) throw new IllegalArgumentException("nothing to merge");
    PositionStats first = parts.get(0);
    if (parts.size() == 1) return first;
    int k = parts.size();
    int cap = 0;
    for (PositionStats s : parts) {
      if (s.lanes != first.lanes || s.mergedLanes != first.mergedLanes || (s.loo == null) != (first.loo == null)
          || (s.rho == null) != (first.rho == null)) {
        throw new IllegalArgumentException("cannot merge statistics of different configurations");
      }
      cap += s.keys.length;
    }
    int lanes = first.lanes;
    int mergedLanes = first.mergedLanes;
    long[] key = new long[cap];
    long[] cnt = new long[cap];
    double[] l = first.loo == null ? null : new double[cap * lanes];
    double[] m = first.merged == null ? null : new double[cap * mergedLanes];
    double[] q = first.rho == null ? null : new double[cap];
    int[] at = new int[k];
    int n = 0;
    while (true) {
      long next = Long.MAX_VALUE;
      boolean any = false;
      for (int c = 0; c < k; c++) {
        PositionStats s = parts.get(c);
        if (at[c] < s.keys.length && (!any || s.keys[at[c]] < next)) {
          next = s.keys[at[c]];
          any = true;
        }
      }
      if (!any) break;
      boolean seen = false;
      for (int c = 0; c < k; c++) {
        PositionStats s = parts.get(c);
        int i = at[c];
        if (i >= s.keys.length || s.keys[i] != next) continue;
        if (!seen) {
          copy(s, i, key, cnt, l, m, q, n);
          seen = true;
        } else {
          cnt[n] += s.counts[i];
          if (l != null) for (int j = 0; j < lanes; j++) l[n * lanes + j] += s.loo[i * lanes + j];
          if (m != null) for (int j = 0; j < mergedLanes; j++) m[n * mergedLanes + j] += s.merged[i * mergedLanes + j];
          if (q != null) q[n] += s.rho[i];
        }
        at[c] = i + 1;
      }
      n++;
    }
    return new PositionStats(Arrays.copyOf(key, n), Arrays.copyOf(cnt, n), l == null ? null : Arrays.copyOf(l, n * lanes),
        m == null ? null : Arrays.copyOf(m, n * mergedLanes), q == null ? null : Arrays.copyOf(q, n), lanes, mergedLanes);
  }

  private static void copy(PositionStats s, int i, long[] key, long[] cnt, double[] l, double[] m, double[] q, int n) {
    key[n] = s.keys[i];
    cnt[n] = s.counts[i];
    if (l != null) System.arraycopy(s.loo, i * s.lanes, l, n * s.lanes, s.lanes);
    if (m != null) System.arraycopy(s.merged, i * s.mergedLanes, m, n * s.mergedLanes, s.mergedLanes);
    if (q != null) q[n] = s.rho[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PositionStats p && Arrays.equals(keys, p.keys) && Arrays.equals(counts, p.counts)
        && Arrays.equals(loo, p.loo) && Arrays.equals(merged, p.merged) && Arrays.equals(rho, p.rho);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keys) * 31 + Arrays.hashCode(counts);
  }
}
