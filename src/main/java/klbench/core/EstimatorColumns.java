package klbench.core;

/**
 * The per-token columns of one estimator on one triple: its value f(x) and its coefficient a(x),
 * both 0 where μ(x) = 0 (never sampled, no weight in any expectation).
 *
 * <p>They are computed an array at a time: the value function's columns f and f′ once for every
 * estimator that shares them (the built-in pairs come five rules to a value function), then the
 * gradient rule's column from them, each a plain loop the JIT can vectorise ({@link
 * ValueFunction#values}, {@link GradientRule#coefficients}). An estimator with a clamp goes token by
 * token through {@link Estimator}, the one definition of what a clamp does.
 *
 * <p>Scratch space for one thread: {@link #value} and {@link #coefficient} are overwritten by the
 * next {@link #fill}.
 */
final class EstimatorColumns {
  private Triple t;
  /** expm1(−ℓ), or null when no estimator reads it. */
  private double[] em1;
  private boolean anyUnsampled;
  /** f(x) of the estimator last filled. */
  final double[] value;
  /** a(x) of the estimator last filled. */
  final double[] coefficient;
  private final double[] derivative;
  /** Whose f and f′ the columns hold (unclamped value functions only), or null. */
  private ValueFunction current;

  EstimatorColumns(Triple t, double[] em1) {
    this.value = new double[t.size];
    this.coefficient = new double[t.size];
    this.derivative = new double[t.size];
    rebind(t, em1);
  }

  /**
   * The same scratch for another triple of the same size, whose columns the next {@link #fill}
   * computes: a pass over many rows reuses one set of arrays rather than allocating three per row.
   */
  EstimatorColumns rebind(Triple t, double[] em1) {
    if (t.size != value.length) throw new IllegalArgumentException("a triple of " + t.size + " tokens, columns of " + value.length);
    this.t = t;
    this.em1 = em1;
    this.current = null;
    boolean unsampled = false;
    for (double m : t.mu) unsampled |= m == 0.0;
    this.anyUnsampled = unsampled;
    return this;
  }

  /** The value column depends on the value function and its clamps, not on the rule. */
  record ValueKey(ValueFunction function, Double clampLogRatio, Double clampValue) {
    static ValueKey of(Estimator e) {
      return new ValueKey(e.value(), e.clampLogRatio(), e.clampValue());
    }
  }

  /** Fills {@link #value} and {@link #coefficient} for {@code est}. */
  void fill(Estimator est) {
    int n = t.size;
    double[] l = t.logRatio;
    double[] w = t.importance;
    if (est.clampLogRatio() == null && est.clampValue() == null) {
      ValueFunction f = est.value();
      if (f != current) {
        f.values(l, em1, value, n);
        f.derivatives(l, em1, derivative, n);
        current = f;
      }
      double clip = est.ratioClip() == null ? Double.POSITIVE_INFINITY : est.ratioClip();
      est.rule().coefficients(value, derivative, w, l, clip, coefficient, n);
    } else {
      current = null; // the value column no longer holds an unclamped f
      for (int x = 0; x < n; x++) {
        double e = em1 == null ? 0.0 : em1[x];
        double f = est.valueAt(l[x], e);
        value[x] = f;
        coefficient[x] = est.coefficientAt(l[x], w[x], e, f);
      }
    }
    if (anyUnsampled) {
      double[] mu = t.mu;
      for (int x = 0; x < n; x++) {
        if (mu[x] == 0.0) {
          value[x] = 0.0;
          coefficient[x] = 0.0;
        }
      }
    }
  }

  /**
   * The first token where the filled columns are not finite, described for an error message, or
   * null. Called only after a sum came out infinite or NaN, which (with weights μ ≤ 1 summing to
   * 1) happens exactly when some f(x) or a(x) with μ(x) &gt; 0 is.
   */
  String overflow(Estimator est) {
    for (int x = 0; x < t.size; x++) {
      if (!Double.isFinite(value[x]) || !Double.isFinite(coefficient[x])) {
        return "estimator " + est.name() + " overflows at token " + x + " (log-ratio " + t.logRatio[x]
            + ", importance ratio " + t.importance[x] + ")";
      }
    }
    return null;
  }

  /** Σ_x a_x b_x over n tokens, in four interleaved partial sums (see {@link #sum4}). */
  static double dot(double[] a, double[] b, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int x = 0;
    for (; x + 3 < n; x += 4) {
      s0 = Math.fma(a[x], b[x], s0);
      s1 = Math.fma(a[x + 1], b[x + 1], s1);
      s2 = Math.fma(a[x + 2], b[x + 2], s2);
      s3 = Math.fma(a[x + 3], b[x + 3], s3);
    }
    for (; x < n; x++) s0 = Math.fma(a[x], b[x], s0);
    return sum4(s0, s1, s2, s3);
  }

  /** Σ_x w_x (f_x − m)² over n tokens, in four interleaved partial sums. */
  static double weightedSquares(double[] w, double[] f, double m, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int x = 0;
    for (; x + 3 < n; x += 4) {
      double d0 = f[x] - m;
      double d1 = f[x + 1] - m;
      double d2 = f[x + 2] - m;
      double d3 = f[x + 3] - m;
      s0 = Math.fma(w[x] * d0, d0, s0);
      s1 = Math.fma(w[x + 1] * d1, d1, s1);
      s2 = Math.fma(w[x + 2] * d2, d2, s2);
      s3 = Math.fma(w[x + 3] * d3, d3, s3);
    }
    for (; x < n; x++) {
      double d = f[x] - m;
      s0 = Math.fma(w[x] * d, d, s0);
    }
    return sum4(s0, s1, s2, s3);
  }

  /**
   * Combines four partial sums. Token x goes to partial x mod 4: a fixed order, so every machine
   * gets the same bits, that lets the CPU overlap four additions instead of waiting on one.
   */
  static double sum4(double s0, double s1, double s2, double s3) {
    return (s0 + s1) + (s2 + s3);
  }
}
