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
 * with the token's count), starting at {@link #offset}; and [p_x, G_x, w_x, 0] per token in
 * {@link #pgw}, apart from the rows so that a row of 8 columns is exactly two cache lines, and four
 * wide so that a drawn token's weights share one cache line.
 */
record SamplingTables(SharedStateDiscreteSampler alias, double[] rows, int offset, int columns, double[] pgw) {
  /** Doubles per token in {@link #pgw}: p, G, w and a pad. */
  static final int PGW = 4;

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
    double[] pgw = new double[PGW * t.size];
    for (int x = 0; x < t.size; x++) {
      pgw[PGW * x] = t.p[x];
      pgw[PGW * x + 1] = t.grad[x];
      pgw[PGW * x + 2] = t.importance[x];
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
    return new SamplingTables(alias(t), rows, offset, width, pgw);
  }
}
