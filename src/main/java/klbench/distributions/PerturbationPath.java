package klbench.distributions;

import klbench.core.LogSpace;

/**
 * The path p_δ = softmax(log p + δ ε), δ ≥ 0, from p along a direction ε: where {@code perturb}
 * (a given δ) and {@code target_kl} (δ solved for a KL) lie. Three separate operations, so that a
 * caller can draw ε once and move along the path for many δ, or share one δ across many p.
 */
public final class PerturbationPath {
  private PerturbationPath() {}

  /** The direction ε ~ N(0, I_V): the first V standard normals of {@code stream}. */
  public static double[] direction(StreamId stream, int v) {
    return stream.standardNormals(v);
  }

  /** log p_δ = log softmax(log p + δ ε); tokens with p = 0 stay at −∞. */
  public static double[] at(double[] logP, double[] eps, double delta) {
    double[] theta = new double[logP.length];
    for (int j = 0; j < theta.length; j++) theta[j] = logP[j] + delta * eps[j];
    return LogSpace.logSoftmax(theta);
  }

  /**
   * Where to start looking for δ: both KLs along the path are δ² Var_p(ε)/2 + O(δ³) (the Fisher
   * information of the exponential family at δ = 0), so √(2 kl / Var_p(ε)) is close for small
   * kl and within a few doublings otherwise. 1 when ε is constant on the support of p.
   */
  public static double firstGuess(double[] logP, double[] eps, double kl) {
    double mean = 0;
    double square = 0;
    for (int j = 0; j < logP.length; j++) {
      if (logP[j] == Double.NEGATIVE_INFINITY) continue;
      double p = Math.exp(logP[j]);
      mean += p * eps[j];
      square += p * eps[j] * eps[j];
    }
    double guess = Math.sqrt(2 * kl / (square - mean * mean));
    return guess > 0 && Double.isFinite(guess) ? Math.min(guess, DeltaSolver.MAX_DELTA / 2) : 1.0;
  }

  /**
   * sup over δ &gt; 0 of KL(p_δ‖p): as δ → ∞, p_δ concentrates on x* = argmax of ε over the tokens
   * with p &gt; 0, and KL(p_δ‖p) → −log p(x*).
   */
  public static double reverseKlLimit(double[] logP, double[] eps) {
    int best = -1;
    for (int x = 0; x < logP.length; x++) {
      if (logP[x] != Double.NEGATIVE_INFINITY && (best < 0 || eps[x] > eps[best])) best = x;
    }
    return -logP[best];
  }
}
