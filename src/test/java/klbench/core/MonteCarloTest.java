package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Monte Carlo against exact, every (value, rule, baseline), on- and off-policy, with fixed seeds:
 * each z-score within 5 standard errors.
 */
class MonteCarloTest {
  private static final List<Baseline> TOKEN_ONLY =
      List.of(Baseline.NONE, Baseline.constant(-0.5), Baseline.constant(1.5), Baseline.ORACLE);

  @ParameterizedTest(name = "V={0} B={1} offPolicy={2}")
  @CsvSource({"50,1,false", "50,4,false", "50,4,true", "200,16,true", "7,3,false"})
  void monteCarloAgreesWithExact(int v, int batch, boolean offPolicy) {
    Triple t = offPolicy ? TestTriples.offPolicy(v, 0.6, 0.4, 7 * v) : TestTriples.onPolicy(v, 0.6, 11 * v);
    List<Estimator> ests = new ArrayList<>(TestTriples.allPairs());
    ests.add(new Estimator("clamped", ValueFunction.K3, GradientRule.LOSS, 0.5, 0.1, null));
    ests.add(new Estimator("clipped", ValueFunction.K1, GradientRule.STRAIGHT_THROUGH_RATIO, null, null, 1.1));
    List<Baseline> baselines = new ArrayList<>(TOKEN_ONLY);
    if (batch >= 2) baselines.add(Baseline.LOO);
    SequenceEvaluation ev = SequenceEvaluation.prepare(t, ests, baselines);
    List<Metrics> rows = ev.evaluate(batch, 3000, 20261126L, "mc-test-" + v + "-" + batch);
    assertEquals(ests.size() * baselines.size(), rows.size());
    for (Metrics m : rows) {
      String what = m.estimator.name() + " " + m.baseline;
      assertNotNull(m.valueZ, what);
      assertTrue(Math.abs(m.valueZ) <= 5, what + ": value_z " + m.valueZ);
      if (m.baseline.tokenOnly()) {
        assertTrue(Math.abs(m.gradMseZ) <= 5, what + ": grad_mse_z " + m.gradMseZ);
        assertTrue(m.consistent, what);
      } else {
        assertNull(m.gradMseExact, what);
        assertNull(m.gradMseZ, what);
      }
      assertNotNull(m.gradMseMc, what);
      assertTrue(m.gradVarMc >= 0 && Double.isFinite(m.gradVarMc), what);
    }
  }

  /** loo is unbiased on-policy: the mean of R batch gradients is within its noise of G. */
  @Test
  void looIsUnbiasedOnPolicy() {
    Triple t = TestTriples.onPolicy(40, 0.9, 5);
    List<Estimator> ests = List.of(Estimator.of(ValueFunction.K2, GradientRule.LOSS),
        Estimator.of(ValueFunction.K1, GradientRule.REWARD), Estimator.of(ValueFunction.K1, GradientRule.LOSS));
    SequenceEvaluation ev = SequenceEvaluation.prepare(t, ests, List.of(Baseline.LOO));
    int r = 20_000;
    List<Metrics> rows = ev.evaluate(8, r, 3L, "loo-unbiased");
    double g = t.truth().gradNorm();
    for (Metrics m : rows.subList(0, 2)) {
      // ‖ḡ − G‖² = bias_mc² + var/R; unbiased means ‖ḡ − G‖² ≈ var/R (a chi-square-like spread)
      double errSq = m.gradBiasNormMc * m.gradBiasNormMc + m.gradVarMc / r;
      assertTrue(errSq <= 5 * m.gradVarMc / r, m.estimator.name() + ": " + errSq + " vs " + m.gradVarMc / r);
      assertTrue(m.gradRelBias < 0.05);
    }
    // k1/loss under loo has a zero batch gradient: its bias is all of ‖G‖.
    assertEquals(g, rows.get(2).gradBiasNormMc, 1e-9 * g);
  }
}
