package klbench.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The metrics of ESTIMATORS.md ("Metrics") of every (estimator, baseline) of one triple and batch
 * size, from its exact moments and its merged Monte Carlo statistics: value, exact gradient, Monte
 * Carlo gradient (the mean batch gradient ḡ = v − ᾱp rebuilt from the token counts and loo shifts
 * in O(V)), then the consistency check ({@link Consistency}).
 */
final class MetricAssembly {
  /** ESTIMATORS.md: a cosine is null where ‖E[ĝ_B]‖ ≤ 1e-12 ‖G‖. */
  static final double ZERO_GRADIENT = 1e-12;

  private final Triple t;
  private final List<Estimator> estimators;
  private final List<Baseline> baselines;
  private final ExactMoments exact;

  MetricAssembly(Triple t, List<Estimator> estimators, List<Baseline> baselines, ExactMoments exact) {
    this.t = t;
    this.estimators = estimators;
    this.baselines = baselines;
    this.exact = exact;
  }

  /** The metrics of every (estimator, baseline), estimator-major, from the merged statistics. */
  List<Metrics> finish(int batchSize, int batches, PartialStats merged) {
    if (merged.batches != batches || merged.batchSize != batchSize) {
      throw new IllegalArgumentException("partial statistics hold " + merged.batches + " batches of "
          + merged.batchSize + ", expected " + batches + " of " + batchSize);
    }
    int e = estimators.size();
    int j = baselines.size();
    List<Metrics> out = new ArrayList<>(e * j);
    Truth truth = t.truth;
    // The token counts as a dense vector, once for all estimators.
    double[] countsDense = t.feasible() ? new double[t.size] : null;
    if (countsDense != null) {
      for (int i = 0; i < merged.tokens.length; i++) countsDense[merged.tokens[i]] = merged.counts[i];
    }
    double[] looDense = null;
    double samples = (double) batchSize * batches;
    // Contiguous per-estimator columns: the O(V) loops below then stream through memory instead
    // of striding across the token-major sampling rows.
    EstimatorColumns columns = t.feasible() ? exact.columns() : null;
    double[] column = columns == null ? null : columns.coefficient;
    double[] values = columns == null ? null : columns.value;
    for (int k = 0; k < e; k++) {
      boolean ok = t.feasible() && exact.values(k) != null;
      if (ok) columns.fill(estimators.get(k));
      // What does not depend on the baseline is computed once per estimator.
      ValueMc value = ok ? valueMc(merged, values) : null;
      Consistency.TailSums tail = ok
          ? Consistency.TailSums.of(t, exact.muScoreSq, exact.values(k).valueMean(), samples, column, values) : null;
      for (int jb = 0; jb < j; jb++) {
        Baseline b = baselines.get(jb);
        Metrics m = new Metrics(estimators.get(k), b, batchSize, batches);
        out.add(m);
        if (!ok) {
          m.problem = t.feasible() ? exact.problem(k) : t.infeasibleReason;
          continue;
        }
        fillValue(m, k, value, truth);
        if (b.tokenOnly()) fillExactGradient(m, k, jb, batchSize, truth);
        if (b.kind() == Baseline.Kind.LOO && looDense == null) looDense = new double[t.size];
        fillMonteCarloGradient(m, k, jb, b, batchSize, batches, merged, countsDense, looDense, column, truth);
        Consistency.check(m);
        // A note explains a disagreement; a consistent row needs none.
        m.mcNote = m.consistent ? null : tail.note(b.tokenOnly() ? exact.offset(k, b) : Double.NaN);
      }
    }
    return out;
  }

  /** The Monte Carlo mean and standard deviation of an estimator's value, from the token counts. */
  private record ValueMc(double mean, double sd, long n) {}

  private static ValueMc valueMc(PartialStats merged, double[] values) {
    long n = merged.batches * merged.batchSize;
    double sum = 0;
    for (int i = 0; i < merged.tokens.length; i++) sum += merged.counts[i] * values[merged.tokens[i]];
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < merged.tokens.length; i++) {
      double dv = values[merged.tokens[i]] - mean;
      ss += merged.counts[i] * dv * dv;
    }
    return new ValueMc(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0, n);
  }

  private void fillValue(Metrics m, int k, ValueMc mc, Truth truth) {
    ExactMoments.ValueSums s = exact.values(k);
    m.valueMeanExact = s.valueMean();
    m.valueStdExact = Math.sqrt(Math.max(0.0, s.valueVar()));
    m.valueMeanMc = mc.mean();
    m.valueStdMc = mc.sd();
    m.valueMeanSe = mc.sd() / Math.sqrt(mc.n());
    m.valueBias = m.valueMeanExact - truth.kl();
    m.valueRelBias = ratio(m.valueBias, truth.kl());
    m.valueRelStd = ratio(m.valueStdExact, truth.kl());
  }

  private void fillExactGradient(Metrics m, int k, int jb, int batchSize, Truth truth) {
    ExactMoments.GradientSums x = exact.gradients(k, jb);
    double trCov = Math.max(0.0, x.second() - x.meanSq());
    double var = trCov / batchSize;
    double bias = Math.sqrt(Math.max(0.0, x.biasSq()));
    m.gradBiasNormExact = bias;
    m.gradVarExact = var;
    m.gradMseExact = bias * bias + var;
    m.gradCosExact = cosine(x.meanDotG(), x.meanSq(), exact.gradNormSq(), truth.gradNorm());
    m.gradCosFwdExact = cosine(x.meanDotGFwd(), x.meanSq(), exact.gradFwdNormSq(), truth.gradNorm());
  }

  private void fillMonteCarloGradient(Metrics m, int k, int jb, Baseline b, int batchSize, int batches,
      PartialStats merged, double[] counts, double[] looDense, double[] column, Truth truth) {
    boolean loo = b.kind() == Baseline.Kind.LOO;
    double kap = b.scale(batchSize);
    double s = loo ? 0.0 : exact.offset(k, b);
    int e = estimators.size();
    if (loo) {
      Arrays.fill(looDense, 0.0);
      for (int i = 0; i < merged.tokens.length; i++) looDense[merged.tokens[i]] = merged.looShift[i * e + k];
    }
    // v = (1/R) Σ_b u_b, the sparse part of the mean batch gradient ḡ = v − ᾱ p.
    double scale = 1.0 / ((double) batchSize * batches);
    double alphaBar = 0;
    for (int i = 0; i < merged.tokens.length; i++) {
      int x = merged.tokens[i];
      alphaBar += (kap * column[x] * counts[x] + (loo ? looDense[x] : s * counts[x])) * scale;
    }
    double errSq = 0, meanSq = 0, meanDotG = 0, meanDotGFwd = 0;
    for (int x = 0; x < t.size; x++) {
      double vx = counts[x] == 0 ? 0.0
          : (kap * column[x] * counts[x] + (loo ? looDense[x] : s * counts[x])) * scale;
      double gbar = vx - alphaBar * t.p[x];
      double diff = gbar - t.grad[x];
      errSq += diff * diff;
      meanSq += gbar * gbar;
      meanDotG += gbar * t.grad[x];
      meanDotGFwd += gbar * t.gradFwd[x];
    }
    int idx = k * baselines.size() + jb;
    double mseMean = merged.errMean[idx];
    m.gradMseMc = mseMean;
    if (batches > 1) {
      m.gradMseSe = Math.sqrt(merged.errM2[idx] / (batches - 1) / batches);
      double var = Math.max(0.0, (batches * mseMean - batches * errSq) / (batches - 1));
      m.gradVarMc = var;
      m.gradBiasNormMc = Math.sqrt(Math.max(0.0, errSq - var / batches));
    }
    m.gradCosMc = cosine(meanDotG, meanSq, exact.gradNormSq(), truth.gradNorm());
    m.gradCosFwdMc = cosine(meanDotGFwd, meanSq, exact.gradFwdNormSq(), truth.gradNorm());
    double g = truth.gradNorm();
    Double biasForRel = m.gradBiasNormExact != null ? m.gradBiasNormExact : m.gradBiasNormMc;
    Double mseForRel = m.gradMseExact != null ? m.gradMseExact : m.gradMseMc;
    m.gradRelBias = biasForRel == null ? null : ratio(biasForRel, g);
    m.gradRelRmse = mseForRel == null ? null : ratio(Math.sqrt(mseForRel), g);
  }

  /** cos(m, g) from m·g, ‖m‖² and ‖g‖²; null where ‖m‖ ≤ 1e-12 ‖G‖ or the target is 0. */
  private static Double cosine(double dot, double meanSq, double targetSq, double gradNorm) {
    double norm = Math.sqrt(Math.max(0.0, meanSq));
    if (targetSq <= 0 || gradNorm <= 0 || norm <= ZERO_GRADIENT * gradNorm) return null;
    double c = dot / (norm * Math.sqrt(targetSq));
    return Math.max(-1.0, Math.min(1.0, c));
  }

  /** a/b, or null when b is 0 (a relative error of a zero truth does not exist). */
  private static Double ratio(double a, double b) {
    return b == 0.0 || !Double.isFinite(b) ? null : a / b;
  }
}
