package klbench.core;

/**
 * A distribution triple (p, q, μ) over a vocabulary of V tokens, with every per-token quantity the
 * estimators need computed once in O(V): the log-ratio ℓ = log p − log q, r = q/p = e^{−ℓ}, the
 * importance ratio w = p/μ, the true gradient G = ∇_θ KL(p‖q) (G_j = p_j (ℓ_j − KL)) and
 * G_fwd = p − q. Everything downstream (exact moments, simulation) reads these arrays and never
 * recomputes them.
 *
 * <p>A triple is <em>infeasible</em> when an expectation it needs is infinite: q(x) = 0 where
 * p(x) &gt; 0 (KL(p‖q) = ∞), μ(x) = 0 where p(x) &gt; 0 (the behaviour never samples a token the
 * gradient needs), or μ(x) &gt; 0 where p(x) = 0 (a sampled token has ℓ = −∞). It is then reported
 * with a reason, never as NaN.
 */
public final class Triple {
  final int size;
  final boolean onPolicy;
  final double[] logP;
  final double[] logQ;
  final double[] logMu;
  final double[] p;
  final double[] q;
  final double[] mu;
  /** ℓ(x); 0 where p(x) = 0 (such tokens carry no weight in any expectation of a feasible triple). */
  final double[] logRatio;
  /** w(x) = p(x)/μ(x); 1 on-policy, 0 where μ(x) = 0. */
  final double[] importance;
  final double[] grad;
  final double[] gradFwd;
  /** ‖p‖². */
  final double pNormSq;
  final Truth truth;
  final String infeasibleReason;

  private Triple(double[] logP, double[] logQ, double[] logMu) {
    this.size = logP.length;
    this.onPolicy = logMu == null;
    this.logP = logP;
    this.logQ = logQ;
    this.logMu = onPolicy ? logP : logMu;
    this.p = LogSpace.exp(logP);
    this.q = LogSpace.exp(logQ);
    this.mu = onPolicy ? p : LogSpace.exp(logMu);
    this.infeasibleReason = findInfeasibility(logP, logQ, this.logMu);

    logRatio = new double[size];
    importance = new double[size];
    double kl;
    double entropy = 0.0;
    double pp = 0.0;
    for (int x = 0; x < size; x++) {
      boolean pPositive = logP[x] != Double.NEGATIVE_INFINITY;
      logRatio[x] = pPositive && logQ[x] != Double.NEGATIVE_INFINITY ? logP[x] - logQ[x] : 0.0;
      importance[x] = onPolicy ? 1.0 : (this.logMu[x] == Double.NEGATIVE_INFINITY ? 0.0 : Math.exp(logP[x] - this.logMu[x]));
      if (pPositive) entropy -= p[x] * logP[x];
      pp += p[x] * p[x];
    }
    pNormSq = pp;
    // KL(p‖q) = E_p[ℓ] summed as every exact mean is (EstimatorColumns.dot), so that k1's value
    // on-policy, the same sum of the same numbers, has a bias of exactly 0 rather than an ulp.
    kl = EstimatorColumns.dot(p, logRatio, size);
    grad = new double[size];
    gradFwd = new double[size];
    double gg = 0.0;
    double ff = 0.0;
    for (int x = 0; x < size; x++) {
      grad[x] = p[x] * (logRatio[x] - kl);
      gradFwd[x] = p[x] - q[x];
      gg += grad[x] * grad[x];
      ff += gradFwd[x] * gradFwd[x];
    }
    // q and μ are exp(log q) and exp(log μ) already: the same sums without 2V more exponentials.
    double klFwd = LogSpace.kl(q, logQ, logP);
    double klBehaviour = onPolicy ? 0.0 : LogSpace.kl(mu, this.logMu, logP);
    this.truth = new Truth(
        infeasibleReason != null && infeasibleReason.startsWith("reference") ? Double.POSITIVE_INFINITY : Math.max(0.0, kl),
        klFwd, klBehaviour, entropy, Math.sqrt(gg), Math.sqrt(ff));
  }

  /** A triple with every field given: {@link #copyInto}'s. */
  private Triple(Triple from, RowArrays arrays) {
    this.size = from.size;
    this.onPolicy = from.onPolicy;
    this.logP = arrays.copy(from.logP);
    this.logQ = arrays.copy(from.logQ);
    this.logMu = onPolicy ? logP : arrays.copy(from.logMu);
    this.p = arrays.copy(from.p);
    this.q = arrays.copy(from.q);
    this.mu = onPolicy ? p : arrays.copy(from.mu);
    this.logRatio = arrays.copy(from.logRatio);
    this.importance = arrays.copy(from.importance);
    this.grad = arrays.copy(from.grad);
    this.gradFwd = arrays.copy(from.gradFwd);
    this.pNormSq = from.pNormSq;
    this.truth = from.truth;
    this.infeasibleReason = from.infeasibleReason;
  }

  /**
   * The same triple, its V-long arrays copied into arrays from {@code arrays} (those of rows no
   * longer read): see {@link SequenceModel.Pass}.
   */
  Triple copyInto(RowArrays arrays) {
    return new Triple(this, arrays);
  }

  /** Hands this triple's V-long arrays to {@code arrays}, for rows built later; this triple must not be read again. */
  void releaseTo(RowArrays arrays) {
    arrays.release(logP);
    arrays.release(logQ);
    if (!onPolicy) {
      arrays.release(logMu);
      arrays.release(mu);
    }
    arrays.release(p);
    arrays.release(q);
    arrays.release(logRatio);
    arrays.release(importance);
    arrays.release(grad);
    arrays.release(gradFwd);
  }

  /**
   * A triple from normalised log-probabilities (see {@link LogSpace#logSoftmax}).
   *
   * @param logMu the behaviour, or null for on-policy sampling (μ = p)
   */
  public static Triple of(double[] logP, double[] logQ, double[] logMu) {
    if (logQ.length != logP.length || (logMu != null && logMu.length != logP.length)) {
      throw new IllegalArgumentException(
          "p, q and μ must have one length, got " + logP.length + ", " + logQ.length
              + (logMu == null ? "" : ", " + logMu.length));
    }
    return new Triple(logP, logQ, logMu);
  }

  private static String findInfeasibility(double[] logP, double[] logQ, double[] logMu) {
    for (int x = 0; x < logP.length; x++) {
      boolean pPositive = logP[x] != Double.NEGATIVE_INFINITY;
      if (pPositive && logQ[x] == Double.NEGATIVE_INFINITY) {
        return "reference q(x)=0 where p(x)>0 (token " + x + "): KL(p||q) is infinite";
      }
      if (pPositive && logMu[x] == Double.NEGATIVE_INFINITY) {
        return "behaviour mu(x)=0 where p(x)>0 (token " + x + "): the gradient cannot be estimated from mu";
      }
      if (!pPositive && logMu[x] != Double.NEGATIVE_INFINITY) {
        return "behaviour mu(x)>0 where p(x)=0 (token " + x + "): a sampled token has log-ratio -infinity";
      }
    }
    return null;
  }

  public int vocabSize() { return size; }

  public boolean onPolicy() { return onPolicy; }

  public Truth truth() { return truth; }

  /** Why this triple cannot be evaluated, or null when it can. */
  public String infeasibleReason() { return infeasibleReason; }

  public boolean feasible() { return infeasibleReason == null; }

  /** μ as probabilities (read-only by convention): what tokens are drawn from. */
  public double[] behaviourProbabilities() { return mu; }

  public double[] logP() { return logP; }

  public double[] logQ() { return logQ; }

  public double[] logMu() { return logMu; }
}
