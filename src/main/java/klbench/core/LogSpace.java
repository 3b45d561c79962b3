package klbench.core;

/**
 * Log-space primitives. Every distribution in klbench is held as normalised log-probabilities, so
 * that no {@code exp} is taken of an unshifted logit and no {@code log} of an underflowed
 * probability (ESTIMATORS.md, "Setting").
 */
public final class LogSpace {
  private LogSpace() {}

  /** log Σ exp(x_i), shifted by the maximum; −∞ when every entry is −∞. */
  public static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      if (v > max) max = v;
    }
    if (max == Double.NEGATIVE_INFINITY) return max;
    double sum = 0.0;
    for (double v : x) sum += Math.exp(v - max);
    return max + Math.log(sum);
  }

  /** log softmax(logits), a new array. Entries of −∞ stay −∞ (probability exactly zero). */
  public static double[] logSoftmax(double[] logits) {
    double lse = logSumExp(logits);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
    return out;
  }

  /** exp of each entry, a new array. */
  public static double[] exp(double[] logProbs) {
    double[] out = new double[logProbs.length];
    for (int i = 0; i < logProbs.length; i++) out[i] = Math.exp(logProbs[i]);
    return out;
  }

  /**
   * KL(a‖b) = Σ a(x) (log a(x) − log b(x)) from log-probabilities; terms with a(x) = 0 are 0, and
   * the result is +∞ when some b(x) = 0 where a(x) &gt; 0.
   */
  public static double kl(double[] logA, double[] logB) {
    return kl(null, logA, logB);
  }

  /**
   * The same with a = exp(log a) already at hand ({@code a}, or null to take the exponentials
   * here): the same bits, without V exponentials.
   */
  static double kl(double[] a, double[] logA, double[] logB) {
    double sum = 0.0;
    for (int i = 0; i < logA.length; i++) {
      if (logA[i] == Double.NEGATIVE_INFINITY) continue;
      if (logB[i] == Double.NEGATIVE_INFINITY) return Double.POSITIVE_INFINITY;
      sum += (a == null ? Math.exp(logA[i]) : a[i]) * (logA[i] - logB[i]);
    }
    return Math.max(0.0, sum);
  }
}
