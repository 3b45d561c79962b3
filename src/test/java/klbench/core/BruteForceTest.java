package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact batch formulas against brute force: for V ≤ 8 every ordered batch of B ≤ 3 tokens is
 * enumerated with its probability, and E[ĝ_B], tr Cov(ĝ_B) and E‖ĝ_B − G‖² are computed from the
 * definition ĝ_B = (1/B) Σ_i ω_i (z_i − b_i)(e_{x_i} − p), dense, with no formula of the engine:
 * ω = 1 and z = a for the loss rules, ω = w and z = f for the reward rules (ESTIMATORS.md,
 * "Baselines": the baseline comes off the reward before the ratio multiplies it).
 */
class BruteForceTest {
  private static final List<Baseline> BASELINES =
      List.of(Baseline.NONE, Baseline.constant(0.7), Baseline.ORACLE, Baseline.LOO);

  /** Brute-force moments of one (estimator, baseline) over all V^B batches. */
  private record Moments(double[] mean, double var, double mse) {}

  private static Moments enumerate(Triple t, Estimator est, Baseline b, int batch) {
    int v = t.vocabSize();
    double[] mu = t.behaviourProbabilities();
    boolean reward = est.rule().isReward();
    // z and ω of a token, by the definition of the rule
    java.util.function.IntToDoubleFunction zOf = x -> reward ? est.valueAt(t.logRatio[x]) : est.coefficientAt(t.logRatio[x], t.importance[x]);
    java.util.function.IntToDoubleFunction omegaOf = x -> reward ? t.importance[x] : 1.0;
    double num = 0;
    double den = 0;
    for (int x = 0; x < v; x++) {
      if (mu[x] == 0) continue;
      num += mu[x] * omegaOf.applyAsDouble(x) * zOf.applyAsDouble(x);
      den += mu[x] * omegaOf.applyAsDouble(x);
    }
    double oracle = num / den; // b with E_μ[ω (z − b)] = 0
    int total = (int) Math.pow(v, batch);
    double[] mean = new double[v];
    double second = 0;
    double mse = 0;
    int[] xs = new int[batch];
    for (int code = 0; code < total; code++) {
      int rest = code;
      double prob = 1;
      for (int i = 0; i < batch; i++) {
        xs[i] = rest % v;
        rest /= v;
        prob *= mu[xs[i]];
      }
      double[] a = new double[batch];
      double sum = 0;
      for (int i = 0; i < batch; i++) {
        a[i] = zOf.applyAsDouble(xs[i]);
        sum += a[i];
      }
      double[] g = new double[v];
      for (int i = 0; i < batch; i++) {
        double base = switch (b.kind()) {
          case NONE -> 0.0;
          case CONST -> -b.constant();
          case ORACLE -> oracle;
          case LOO -> (sum - a[i]) / (batch - 1);
        };
        double coef = omegaOf.applyAsDouble(xs[i]) * (a[i] - base) / batch;
        for (int y = 0; y < v; y++) g[y] += coef * ((y == xs[i] ? 1.0 : 0.0) - t.p[y]);
      }
      double sq = 0;
      double err = 0;
      for (int y = 0; y < v; y++) {
        mean[y] += prob * g[y];
        sq += g[y] * g[y];
        err += (g[y] - t.grad[y]) * (g[y] - t.grad[y]);
      }
      second += prob * sq;
      mse += prob * err;
    }
    double meanSq = 0;
    for (double m : mean) meanSq += m * m;
    return new Moments(mean, second - meanSq, mse);
  }

  @ParameterizedTest(name = "V={0} B={1} offPolicy={2}")
  @CsvSource({"3,1,false", "3,2,false", "3,3,false", "5,2,true", "5,3,true", "8,2,false", "8,3,true", "4,1,true"})
  void exactFormulasMatchEnumeration(int v, int batch, boolean offPolicy) {
    Triple t = offPolicy ? TestTriples.offPolicy(v, 0.8, 0.5, 100 + v) : TestTriples.onPolicy(v, 0.8, 200 + v);
    List<Estimator> ests = TestTriples.allPairs();
    List<Baseline> baselines = batch >= 2 ? BASELINES : BASELINES.subList(0, 3);
    SequenceEvaluation ev = SequenceEvaluation.prepare(t, ests, baselines);
    List<Metrics> rows = ev.finish(batch, 3, ev.simulate(batch, 3, Streams.derive(1L, "brute", 0)));
    for (Metrics m : rows) {
      Estimator est = m.estimator;
      Moments bf = enumerate(t, est, m.baseline, batch);
      String what = est.name() + " " + m.baseline + " V=" + v + " B=" + batch;
      double scale = Math.max(1e-300, bf.mse);
      if (m.baseline.tokenOnly()) {
        double[] mean = ev.expectedGradient(ests.indexOf(m.estimator), m.baseline);
        assertTrue(TestTriples.distance(mean, bf.mean) <= 1e-12 * Math.max(1e-300, TestTriples.norm(bf.mean)) + 1e-15,
            what + ": E[ĝ_B]");
        assertEquals(bf.var, m.gradVarExact, 1e-10 * scale, what + ": grad_var");
        assertEquals(bf.mse, m.gradMseExact, 1e-10 * scale, what + ": grad_mse");
        assertEquals(TestTriples.distance(bf.mean, t.grad), m.gradBiasNormExact,
            1e-9 * Math.sqrt(scale), what + ": grad_bias_norm");
      } else {
        // loo has no exact formula in the engine; its expectation equals the oracle baseline's
        // (E[a_i − mean of the others] · s_i factorises), which the enumeration confirms.
        double[] oracleMean = ev.expectedGradient(ests.indexOf(m.estimator), Baseline.ORACLE);
        assertTrue(TestTriples.distance(oracleMean, bf.mean) <= 1e-12 * Math.max(1e-300, TestTriples.norm(bf.mean)) + 1e-15,
            what + ": E[ĝ_B] of loo");
      }
    }
  }

  /** loo's variance and error by Monte Carlo against the enumeration, within 5 standard errors. */
  @ParameterizedTest(name = "V={0} B={1} offPolicy={2}")
  @CsvSource({"4,2,false", "6,3,true"})
  void looMonteCarloMatchesEnumeration(int v, int batch, boolean offPolicy) {
    Triple t = offPolicy ? TestTriples.offPolicy(v, 0.8, 0.5, 300 + v) : TestTriples.onPolicy(v, 0.8, 400 + v);
    List<Estimator> ests = TestTriples.allPairs();
    SequenceEvaluation ev = SequenceEvaluation.prepare(t, ests, List.of(Baseline.LOO));
    int r = 40_000;
    for (Metrics m : ev.evaluate(batch, r, 99L, "loo-brute")) {
      Moments bf = enumerate(t, m.estimator, Baseline.LOO, batch);
      if (m.gradMseSe == 0.0) {
        // a constant batch gradient (k1 under loo is identically 0): no noise, so equal to rounding
        assertEquals(bf.mse, m.gradMseMc, 1e-9 * bf.mse, m.estimator.name());
        continue;
      }
      double z = (m.gradMseMc - bf.mse) / m.gradMseSe;
      assertTrue(Math.abs(z) <= 5, m.estimator.name() + ": z = " + z);
    }
  }
}
