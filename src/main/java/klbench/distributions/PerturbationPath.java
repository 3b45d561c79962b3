package klbench.distributions;

import klbench.core.LogSpace;

/**
 * The path p_δ = softmax(log p + δ ε), δ ≥ 0, from p along a direction ε: where {@code perturb}
 * (a given δ) and {@code target_kl} (δ solved for a KL) lie. Separate operations, so that a caller
 * can draw ε once and move along the path for many δ, or share one δ across many p.
 *
 * <p>Over a model of responses every row (t, c) has its own path (its own ε), and its step is the
 * model's δ times the row's factor exp(spread·z_{t,c} − spread²/2), z_{t,c} ~ N(0, 1) ({@link
 * #scale}): rows then differ in how far they move, which is what gives the future a weight
 * (SEQUENCES.md, "Families per row"). The factor has mean 1, and is exactly 1 when spread = 0.
 */
public final class PerturbationPath {
  private PerturbationPath() {}

  /** The parameter of {@code perturb} and {@code target_kl} that spreads δ over rows. */
  static final String SPREAD = "spread";

  /**
   * The largest spread: beyond it most rows' factors exp(spread·z − spread²/2) are below 1e-20
   * (the median is exp(−spread²/2)), and a few rows carry all of δ.
   */
  static final double MAX_SPREAD = 10;

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
   * The row's factor on δ: exp(spread·z − spread²/2) with z the first standard normal of its
   * {@code stream}; exactly 1 (and nothing drawn) when spread = 0.
   */
  public static double scale(StreamId stream, double spread) {
    if (spread == 0) return 1.0;
    double z = stream.standardNormals(1)[0];
    return Math.exp(spread * z - spread * spread / 2);
  }

  /** Row (t, c) of the path at the model's δ: its policy row moved δ · (its factor) along its ε. */
  static double[] row(BuildInput in, double delta, double spread) {
    double[] eps = direction(in.direction(), in.vocabSize());
    return at(in.logP(), eps, delta * scale(in.spread(), spread));
  }

  /** The spread of a {@code perturb} or {@code target_kl} spec: 0 when it has none. */
  static double spread(FamilySpec spec) {
    return spec.number(SPREAD, 0.0);
  }

  /**
   * Reads the optional {@code spread}: absent, or a number in [0, {@value #MAX_SPREAD}]; null when
   * it is absent or 0, which leaves it out of the canonical text.
   */
  static Double readSpread(ParameterNode params) {
    ParameterNode node = params.child(SPREAD);
    if (node.isMissing()) return null;
    double s = node.nonNegative();
    if (s > MAX_SPREAD) {
      throw node.bad("must be <= " + MAX_SPREAD + " (most rows' factors exp(spread*z - spread^2/2) would be below 1e-20), got " + s);
    }
    return s == 0 ? null : s;
  }

  /** The spec of {@code family} with {@code name = value} and, when set, the spread. */
  static FamilySpec spec(String family, String name, double value, Double spread) {
    return spread == null ? Families.spec(family, name, value) : Families.spec(family, name, value, SPREAD, spread);
  }

  /**
   * Var_p(ε): both KLs along the path are δ² Var_p(ε)/2 + O(δ³) (the Fisher information of the
   * exponential family at δ = 0). 0 when ε is constant on the support of p.
   */
  public static double fisher(double[] logP, double[] eps) {
    double mean = 0;
    double square = 0;
    for (int j = 0; j < logP.length; j++) {
      if (logP[j] == Double.NEGATIVE_INFINITY) continue;
      double p = Math.exp(logP[j]);
      mean += p * eps[j];
      square += p * eps[j] * eps[j];
    }
    return square - mean * mean;
  }

  /**
   * Where to start looking for the δ of a KL {@code target}, from the quadratic approximation
   * target ≈ δ² F/2, F the Fisher information summed as the KL is ({@link #fisher} for one row):
   * close for small targets and within a few doublings otherwise. 1 when F = 0.
   */
  public static double firstGuess(double fisher, double target) {
    double guess = Math.sqrt(2 * target / fisher);
    return guess > 0 && Double.isFinite(guess) ? Math.min(guess, DeltaSolver.MAX_DELTA / 2) : 1.0;
  }

  /** The token p_δ concentrates on as δ → ∞: the argmax of ε over the tokens with p &gt; 0. */
  static int limitToken(double[] logP, double[] eps) {
    int best = -1;
    for (int x = 0; x < logP.length; x++) {
      if (logP[x] != Double.NEGATIVE_INFINITY && (best < 0 || eps[x] > eps[best])) best = x;
    }
    return best;
  }

  /**
   * sup over δ &gt; 0 of KL(p_δ‖p): as δ → ∞, p_δ concentrates on x* ({@link #limitToken}), and
   * KL(p_δ‖p) → −log p(x*); it increases all the way (its slope is δ Var_{p_δ}(ε) ≥ 0).
   */
  public static double reverseKlLimit(double[] logP, double[] eps) {
    return -logP[limitToken(logP, eps)];
  }

  /**
   * The step (δ·factor) beyond which p_δ is exactly one-hot on x* in double precision: every other
   * token's log-probability is then below −800, whose exp is 0. +∞ when ε ties at its maximum.
   */
  static double oneHotStep(double[] logP, double[] eps) {
    int best = limitToken(logP, eps);
    double step = 0;
    for (int x = 0; x < logP.length; x++) {
      if (x == best || logP[x] == Double.NEGATIVE_INFINITY) continue;
      double gap = eps[best] - eps[x];
      if (!(gap > 0)) return Double.POSITIVE_INFINITY;
      step = Math.max(step, (800 + logP[x] - logP[best]) / gap);
    }
    return step;
  }
}
