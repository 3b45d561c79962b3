package klbench.core;

import java.util.List;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * What the Monte Carlo hot loop reads, built once per triple in O(V·E) and shared, immutable, by
 * every random stream: Walker's alias table of μ (Commons RNG's {@link AliasMethodDiscreteSampler}:
 * O(1) per token after O(V) set-up, bound to each chunk's own generator with {@code
 * withUniformRandomProvider}); one row per token of its coefficients [a_1(x), …, a_E(x), 0 …],
 * {@link #columns} wide ({@link Kernel#columns}), starting at {@link #offset}; and [p_x, G_x] per
 * token, apart from the rows so that a row of 8 columns is exactly two cache lines.
 */
record SamplingTables(SharedStateDiscreteSampler alias, double[] rows, int offset, int columns, double[] pg) {
  /**
   * Where rows start: a large array is allocated at the start of a (G1) heap region, its elements
   * 16 bytes further; 6 more doubles put every row of a multiple of 8 columns on 64-byte
   * cache-line boundaries. Only speed depends on it.
   */
  static final int ALIGN = 6;

  /** The tables of a feasible triple; an estimator with a problem keeps coefficients 0. */
  static SamplingTables of(Triple t, List<Estimator> estimators, ExactMoments exact) {
    int e = estimators.size();
    int width = Kernel.columns(e);
    int offset = ALIGN;
    double[] rows = new double[offset + t.size * width];
    double[] pg = new double[2 * t.size];
    for (int x = 0; x < t.size; x++) {
      pg[2 * x] = t.p[x];
      pg[2 * x + 1] = t.grad[x];
    }
    EstimatorColumns columns = exact.columns();
    for (int k = 0; k < e; k++) {
      if (exact.values(k) == null) continue;
      columns.fill(estimators.get(k));
      double[] column = columns.coefficient;
      for (int x = 0; x < t.size; x++) rows[offset + x * width + k] = column[x];
    }
    // The generator given here is never used: each chunk supplies its own stream.
    return new SamplingTables(AliasMethodDiscreteSampler.of(RandomSource.SPLIT_MIX_64.create(0L), t.mu),
        rows, offset, width, pg);
  }
}
