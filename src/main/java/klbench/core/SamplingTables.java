package klbench.core;

import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * What the Monte Carlo hot loop of a one-row model reads, built once in O(V·E) and shared,
 * immutable, by every random stream: Walker's alias table of μ (Commons RNG's {@link
 * AliasMethodDiscreteSampler}: O(1) per token after O(V) set-up, bound to each chunk's own
 * generator with {@code withUniformRandomProvider}); one row per token of its lane coefficients in
 * the {@link LaneLayout} (a(x) for token rules, z(x) = f(x) for reward rules, whose weight w goes
 * with the token's count), starting at {@link #offset}; and [p_x, G_x] per token, apart from the
 * rows so that a row of 8 columns is exactly two cache lines.
 */
record SamplingTables(SharedStateDiscreteSampler alias, double[] rows, int offset, int columns, double[] pg) {
  /**
   * Where rows start: a large array is allocated at the start of a (G1) heap region, its elements
   * 16 bytes further; 6 more doubles put every row of a multiple of 8 columns on 64-byte
   * cache-line boundaries. Only speed depends on it.
   */
  static final int ALIGN = 6;

  /** The alias table of a row's μ. */
  static SharedStateDiscreteSampler alias(Triple t) {
    // The generator given here is never used: each chunk supplies its own stream.
    return AliasMethodDiscreteSampler.of(RandomSource.SPLIT_MIX_64.create(0L), t.mu);
  }

  /** The tables of a feasible one-row model; a lane whose estimator has a problem keeps zeros. */
  static SamplingTables of(Triple t, LaneLayout layout, String[] problems, double[] em1) {
    int width = layout.width;
    int offset = ALIGN;
    double[] rows = new double[offset + t.size * width];
    double[] pg = new double[2 * t.size];
    for (int x = 0; x < t.size; x++) {
      pg[2 * x] = t.p[x];
      pg[2 * x + 1] = t.grad[x];
    }
    EstimatorColumns columns = new EstimatorColumns(t, em1);
    Lanes lanes = layout.lanes;
    for (int l = 0; l < lanes.count; l++) {
      if (problems[lanes.estimatorIndex(l)] != null) continue;
      columns.fill(lanes.estimator(l));
      double[] column = lanes.credit(l) == GradientRule.Credit.OWN ? columns.coefficient : columns.value;
      int col = offset + layout.columnOf[l];
      for (int x = 0; x < t.size; x++) rows[col + x * width] = column[x];
    }
    return new SamplingTables(alias(t), rows, offset, width, pg);
  }
}
