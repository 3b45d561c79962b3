package klbench.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact moments of ESTIMATORS.md ("Metrics"), in O(V) per (estimator, baseline): for a
 * coefficient a(x) of the token alone and x ~ μ, with A = E_μ[a],
 *
 * <ul>
 *   <li>E[ĝ]_j = μ_j a_j − p_j A;
 *   <li>E‖ĝ‖² = Σ_x μ_x a_x² ‖e_x − p‖², with ‖e_x − p‖² = 1 − 2p_x + ‖p‖²;
 *   <li>the value's mean E_μ[f] and variance.
 * </ul>
 *
 * A token-only baseline shifts a by a constant ({@link Baseline#tokenOnlyShift}); each gets its own
 * pass ({@link GradientSums}). Built once per triple; immutable afterwards.
 */
final class ExactMoments {
  private final Triple t;
  private final List<Estimator> estimators;
  private final List<Baseline> baselines;
  private final int j;
  /** expm1(−ℓ(x)), computed once for all k3 estimators; null when none uses it. */
  final double[] em1;
  /** μ(x)·‖e_x − p‖²: the weight of a(x)² in E‖ĝ‖². */
  final double[] muScoreSq;
  /** ‖G‖², p·G and ‖G_fwd‖²: constants of every batch error and cosine. */
  private final double gradNormSq;
  private final double pDotG;
  private final double gradFwdNormSq;
  /** Per estimator: why it has no numbers (overflow), or null. */
  private final String[] problems;
  private final ValueSums[] values;
  /** Per [k * J + j] for token-only baselines; null for loo and for estimators with a problem. */
  private final GradientSums[] gradients;

  /** The exact O(V) sums of one estimator: E_μ[a], and the mean and variance of its value. */
  record ValueSums(double meanCoef, double valueMean, double valueVar) {}

  /**
   * The exact O(V) sums of one estimator under one token-only baseline (coefficient a + s):
   * ‖E[ĝ] − G‖², ‖E[ĝ]‖², E[ĝ]·G, E[ĝ]·G_fwd and E‖ĝ‖². Each baseline gets its own pass rather
   * than a polynomial in s, because ‖E[ĝ]‖ must come out exactly 0 (to rounding) when a + s is
   * constant, and expanding the square in s would leave a cancellation residue far above that.
   */
  record GradientSums(double biasSq, double meanSq, double meanDotG, double meanDotGFwd, double second) {}

  ExactMoments(Triple t, List<Estimator> estimators, List<Baseline> baselines) {
    this.t = t;
    this.estimators = estimators;
    this.baselines = baselines;
    int e = estimators.size();
    this.j = baselines.size();
    int v = t.size;
    double sgg = 0, spg = 0, sff = 0;
    for (int x = 0; x < v; x++) {
      sgg += t.grad[x] * t.grad[x];
      spg += t.p[x] * t.grad[x];
      sff += t.gradFwd[x] * t.gradFwd[x];
    }
    gradNormSq = sgg;
    pDotG = spg;
    gradFwdNormSq = sff;
    boolean anyExpm1 = estimators.stream().anyMatch(x -> x.value().usesExpm1());
    em1 = anyExpm1 ? new double[v] : null;
    if (em1 != null) {
      for (int x = 0; x < v; x++) em1[x] = ValueFunction.em1(t.logRatio[x]);
    }
    muScoreSq = new double[v];
    for (int x = 0; x < v; x++) muScoreSq[x] = t.mu[x] * scoreNormSq(x);
    problems = new String[e];
    values = new ValueSums[e];
    gradients = new GradientSums[e * j];
    if (!t.feasible()) return;
    EstimatorColumns columns = columns();
    // The value's mean and variance depend on the value function and its clamps only.
    Map<EstimatorColumns.ValueKey, double[]> valueMoments = new HashMap<>();
    for (int k = 0; k < e; k++) {
      values[k] = valueSums(k, columns, valueMoments);
      if (values[k] == null) continue;
      for (int jb = 0; jb < j; jb++) {
        Baseline b = baselines.get(jb);
        if (b.tokenOnly()) gradients[k * j + jb] = gradientSums(columns.coefficient, values[k].meanCoef(), offset(k, b));
      }
    }
  }

  int estimatorCount() { return estimators.size(); }

  /** ‖G‖². */
  double gradNormSq() { return gradNormSq; }

  /** p·G. */
  double pDotG() { return pDotG; }

  /** ‖G_fwd‖² = ‖p − q‖². */
  double gradFwdNormSq() { return gradFwdNormSq; }

  /** Fresh per-estimator columns of this triple (scratch space for one thread). */
  EstimatorColumns columns() {
    return new EstimatorColumns(t, em1);
  }

  /** ‖e_x − p‖² = 1 − 2p_x + ‖p‖², the squared norm of the score of token x. */
  private double scoreNormSq(int x) {
    return 1.0 - 2.0 * t.p[x] + t.pNormSq;
  }

  /** Estimator k's value sums, or null when it has a problem (see {@link #problem}). */
  ValueSums values(int k) { return values[k]; }

  /** Estimator k's gradient sums under token-only baseline jb. */
  GradientSums gradients(int k, int jb) { return gradients[k * j + jb]; }

  /** Why estimator k has no numbers on this (feasible) triple, or null. */
  String problem(int k) { return problems[k]; }

  /** The offset s of a′ = a + s of a token-only baseline for estimator k (its oracle needs E_μ[a]). */
  double offset(int k, Baseline b) {
    return b.tokenOnlyOffset(values[k].meanCoef());
  }

  /**
   * Fills the columns of estimator k and returns its exact value sums; null, with the problem
   * recorded, when the estimator overflows.
   */
  private ValueSums valueSums(int k, EstimatorColumns columns, Map<EstimatorColumns.ValueKey, double[]> valueMoments) {
    Estimator est = estimators.get(k);
    int v = t.size;
    columns.fill(est);
    double meanCoef = EstimatorColumns.dot(t.mu, columns.coefficient, v);
    double[] moments = valueMoments.computeIfAbsent(EstimatorColumns.ValueKey.of(est), key -> {
      double valueMean = EstimatorColumns.dot(t.mu, columns.value, v);
      double valueVar = Double.isFinite(valueMean) ? EstimatorColumns.weightedSquares(t.mu, columns.value, valueMean, v) : valueMean;
      return new double[] {valueMean, valueVar};
    });
    if (!Double.isFinite(meanCoef) || !Double.isFinite(moments[0])) {
      String where = columns.overflow(est);
      problems[k] = where != null ? where : "estimator " + est.name() + " overflows in the mean of its coefficient";
      return null;
    }
    if (!Double.isFinite(moments[1])) {
      problems[k] = "estimator " + est.name() + " overflows in the variance of its value";
      return null;
    }
    return new ValueSums(meanCoef, moments[0], moments[1]);
  }

  /** One O(V) pass: the exact gradient sums of coefficients a (mean A under μ) shifted by s. */
  private GradientSums gradientSums(double[] a, double meanA, double s) {
    double meanCoef = meanA + s;
    double biasSq = 0, meanSq = 0, meanDotG = 0, meanDotGFwd = 0, second = 0;
    double[] mu = t.mu;
    double[] p = t.p;
    double[] g = t.grad;
    double[] gf = t.gradFwd;
    double[] ms = muScoreSq;
    for (int x = 0; x < t.size; x++) {
      double ax = mu[x] == 0.0 ? 0.0 : a[x] + s;
      double m = Math.fma(mu[x], ax, -p[x] * meanCoef);
      double bias = m - g[x];
      biasSq = Math.fma(bias, bias, biasSq);
      meanSq = Math.fma(m, m, meanSq);
      meanDotG = Math.fma(m, g[x], meanDotG);
      meanDotGFwd = Math.fma(m, gf[x], meanDotGFwd);
      second = Math.fma(ms[x] * ax, ax, second);
    }
    return new GradientSums(biasSq, meanSq, meanDotG, meanDotGFwd, second);
  }

  /**
   * E[ĝ] for estimator k under a token-only baseline, as a V-vector: μ_j a′_j − p_j E_μ[a′]. For
   * tests and for people who want to look; the metrics never materialise it.
   */
  double[] expectedGradient(int k, Baseline b) {
    double s = offset(k, b);
    double meanCoef = values[k].meanCoef() + s;
    EstimatorColumns columns = columns();
    columns.fill(estimators.get(k));
    double[] column = columns.coefficient;
    double[] out = new double[t.size];
    for (int x = 0; x < t.size; x++) {
      double a = t.mu[x] == 0.0 ? 0.0 : column[x] + s;
      out[x] = t.mu[x] * a - t.p[x] * meanCoef;
    }
    return out;
  }

  /** The coefficient a_k(x) used for token x (0 where μ(x) = 0). */
  double coefficient(int k, int x) {
    return t.mu[x] == 0.0 ? 0.0 : estimators.get(k).coefficientAt(t.logRatio[x], t.importance[x], em1 == null ? 0.0 : em1[x]);
  }
}
