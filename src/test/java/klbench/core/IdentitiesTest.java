package klbench.core;

import static klbench.core.GradientRule.LOSS;
import static klbench.core.GradientRule.LOSS_RATIO;
import static klbench.core.GradientRule.LOSS_SCORE;
import static klbench.core.GradientRule.REWARD;
import static klbench.core.ValueFunction.K1;
import static klbench.core.ValueFunction.K2;
import static klbench.core.ValueFunction.K3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The identities of ESTIMATORS.md ("What the numbers must show"), exactly (to a relative 1e-12),
 * from the O(V) formulas, on random on-policy triples at V = 2, 50 and 4096.
 */
class IdentitiesTest {
  private static final double TOL = 1e-12;
  private static final List<Estimator> ALL = TestTriples.allPairs();

  private static TripleEvaluation eval(int v, long seed) {
    return TripleEvaluation.prepare(TestTriples.onPolicy(v, 0.7, seed), ALL,
        List.of(Baseline.NONE, Baseline.constant(-0.5), Baseline.constant(2.0), Baseline.constant(-3.0), Baseline.ORACLE));
  }

  private static double[] truthGradient(Triple t) {
    return t.grad.clone();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 50, 4096})
  void k1LossHasZeroExpectedGradient(int v) {
    TripleEvaluation ev = eval(v, 11 + v);
    double[] m = ev.expectedGradient(TestTriples.indexOf(ALL, K1, LOSS), Baseline.NONE);
    double g = ev.triple().truth().gradNorm();
    assertTrue(g > 1e-3, "the test triple must have a non-trivial gradient");
    assertTrue(TestTriples.norm(m) <= TOL * g, "‖E ĝ‖ = " + TestTriples.norm(m) + " vs ‖G‖ = " + g);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 50, 4096})
  void k2LossK1RewardAndShiftedK2AreUnbiased(int v) {
    TripleEvaluation ev = eval(v, 23 + v);
    double[] target = truthGradient(ev.triple());
    double g = TestTriples.norm(target);
    for (int k : new int[] {TestTriples.indexOf(ALL, K2, LOSS), TestTriples.indexOf(ALL, K1, REWARD)}) {
      for (Baseline b : ev.baselines()) {
        double[] m = ev.expectedGradient(k, b);
        assertTrue(TestTriples.distance(m, target) <= TOL * g,
            ALL.get(k).name() + " with " + b + ": bias " + TestTriples.distance(m, target) + " vs ‖G‖ " + g);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 50, 4096})
  void k3LossFollowsTheForwardKl(int v) {
    TripleEvaluation ev = eval(v, 37 + v);
    Triple t = ev.triple();
    double[] m = ev.expectedGradient(TestTriples.indexOf(ALL, K3, LOSS), Baseline.NONE);
    double[] fwd = new double[v];
    for (int x = 0; x < v; x++) fwd[x] = t.p[x] - t.q[x];
    assertTrue(TestTriples.distance(m, fwd) <= TOL * TestTriples.norm(fwd));
    // and it is not the reverse-KL gradient at this distance from q
    assertTrue(TestTriples.distance(m, t.grad) > 1e-3 * TestTriples.norm(t.grad));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 50, 4096})
  void k3RatioAndScoreRulesEqualK1RewardPerToken(int v) {
    TripleEvaluation ev = eval(v, 41 + v);
    int ratio = TestTriples.indexOf(ALL, K3, LOSS_RATIO);
    int score = TestTriples.indexOf(ALL, K3, LOSS_SCORE);
    int reward = TestTriples.indexOf(ALL, K1, REWARD);
    for (int x = 0; x < v; x++) {
      double a = ev.coefficient(reward, x);
      double tol = TOL * Math.max(1.0, Math.abs(a));
      assertEquals(a, ev.coefficient(ratio, x), tol);
      assertEquals(a, ev.coefficient(score, x), tol);
    }
  }

  /**
   * k1's and k3's values are unbiased and k2's bias is E[ℓ²]/2 − KL, against a KL and an E[ℓ²]
   * computed here from the triple's log-probabilities (the engine's KL and value mean share one
   * sum, so their difference alone would be 0 by construction).
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 50, 4096})
  void k1AndK3ValuesAreUnbiasedAndK2HasItsKnownBias(int v) {
    TripleEvaluation ev = eval(v, 53 + v);
    Triple t = ev.triple();
    List<Metrics> ms = ev.finish(8, 2, ev.simulateChunk(8, 2, 0, 1L, "identities"));
    double kl = 0;
    double halfSecond = 0;
    for (int x = 0; x < v; x++) {
      double p = Math.exp(t.logP()[x]);
      double l = t.logP()[x] - t.logQ()[x];
      kl += p * l;
      halfSecond += p * l * l / 2;
    }
    assertEquals(kl, t.truth().kl(), TOL * kl, "KL(p||q)");
    int unbiased = 0;
    int k2 = 0;
    for (Metrics m : ms) {
      Estimator est = m.estimator;
      if (est.value() == K1 || est.value() == K3) {
        assertEquals(kl, m.valueMeanExact, TOL * kl, est.name());
        assertEquals(0.0, m.valueBias, TOL * kl, est.name());
        unbiased++;
      } else if (est.value() == K2) {
        assertEquals(halfSecond, m.valueMeanExact, TOL * halfSecond, est.name());
        assertEquals(halfSecond - kl, m.valueBias, TOL * kl, est.name());
        k2++;
      }
    }
    int perValue = GradientRule.values().length * ev.baselines().size();
    assertEquals(2 * perValue, unbiased);
    assertEquals(perValue, k2);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 50, 4096})
  void k1LossRowsHaveNoCosineAndFullRelativeBias(int v) {
    TripleEvaluation ev = eval(v, 67 + v);
    Estimator k1Loss = ALL.get(TestTriples.indexOf(ALL, K1, LOSS));
    int checked = 0;
    for (Metrics m : ev.finish(4, 2, ev.simulateChunk(4, 2, 0, 2L, "identities"))) {
      if (!m.estimator.equals(k1Loss)) continue;
      // every baseline: a constant added to a constant coefficient leaves E[ĝ] = 0
      assertNull(m.gradCosExact, m.baseline.toString());
      assertNull(m.gradCosFwdExact, m.baseline.toString());
      assertEquals(1.0, m.gradRelBias, 1e-9, m.baseline.toString());
      checked++;
    }
    assertEquals(ev.baselines().size(), checked);
  }
}
