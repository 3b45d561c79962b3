package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Value functions, clamps (values and derivatives where active), rules and presets. */
class EstimatorTest {
  private static final double[] LOG_RATIOS = {-30, -12, -3, -0.7, -1e-9, 0, 1e-9, 0.4, 2.5, 11, 25};

  @Test
  void derivativesMatchFiniteDifferences() {
    for (ValueFunction f : ValueFunction.values()) {
      for (double l : new double[] {-3, -0.7, 0.4, 2.5}) {
        double h = 1e-6;
        double fd = (f.value(l + h) - f.value(l - h)) / (2 * h);
        assertEquals(fd, f.derivative(l), 1e-6 * Math.max(1, Math.abs(fd)), f + " at " + l);
      }
    }
  }

  @Test
  void valueFunctionsFollowTheirFormulas() {
    for (double l : LOG_RATIOS) {
      assertEquals(l, ValueFunction.K1.value(l));
      assertEquals(l * l / 2, ValueFunction.K2.value(l), 1e-15 * l * l);
      double k3 = Math.exp(-l) - 1 + l;
      assertEquals(k3, ValueFunction.K3.value(l), 1e-12 * Math.max(1e-300, Math.abs(k3)) + 1e-15);
      assertTrue(ValueFunction.K3.value(l) >= 0, "k3 is non-negative");
      assertEquals(Math.abs(l), ValueFunction.ABS.value(l));
    }
  }

  @Test
  void logRatioClampFreezesValueAndZeroesDerivativeOutsideTheRange() {
    Estimator e = new Estimator("c", ValueFunction.K3, GradientRule.LOSS, 2.0, null, null);
    assertEquals(ValueFunction.K3.value(2.0), e.valueAt(5.0));
    assertEquals(ValueFunction.K3.value(-2.0), e.valueAt(-7.0));
    assertEquals(0.0, e.derivativeAt(5.0));
    assertEquals(0.0, e.derivativeAt(-2.0000001));
    assertEquals(ValueFunction.K3.derivative(1.5), e.derivativeAt(1.5));
    // on the boundary the clamp is not active (torch.clamp passes the gradient at equality)
    assertEquals(ValueFunction.K3.derivative(2.0), e.derivativeAt(2.0));
  }

  @Test
  void valueClampCapsTheValueAndZeroesItsDerivative() {
    Estimator e = new Estimator("c", ValueFunction.K3, GradientRule.LOSS, null, 10.0, null);
    double l = -5; // k3(-5) = e^5 - 6 ≈ 142 > 10
    assertEquals(10.0, e.valueAt(l));
    assertEquals(0.0, e.derivativeAt(l));
    assertEquals(ValueFunction.K3.value(-1), e.valueAt(-1));
    assertEquals(ValueFunction.K3.derivative(-1), e.derivativeAt(-1));
    Estimator k1 = new Estimator("c", ValueFunction.K1, GradientRule.LOSS, null, 10.0, null);
    assertEquals(-10.0, k1.valueAt(-12));
    assertEquals(0.0, k1.derivativeAt(-12));
  }

  @Test
  void bothClampsTogether() {
    Estimator e = new Estimator("c", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null);
    assertEquals(10.0, e.valueAt(-25)); // ℓ → −20, k3(−20) = e^20 − 21 → clamped to 10
    assertEquals(0.0, e.derivativeAt(-25));
    assertEquals(10.0, e.valueAt(25)); // ℓ → 20, k3(20) ≈ 19 > 10 → 10
    assertEquals(ValueFunction.K3.value(2.0), e.valueAt(2.0));
  }

  @Test
  void rulesGiveTheirCoefficients() {
    double l = 0.8;
    double w = 1.7;
    double f = ValueFunction.K3.value(l);
    double df = ValueFunction.K3.derivative(l);
    assertEquals(df, Estimator.of(ValueFunction.K3, GradientRule.LOSS).coefficientAt(l, w));
    assertEquals(w * (f + df), Estimator.of(ValueFunction.K3, GradientRule.LOSS_RATIO).coefficientAt(l, w), 1e-15);
    assertEquals(w * df, Estimator.of(ValueFunction.K3, GradientRule.LOSS_RATIO_DETACHED).coefficientAt(l, w), 1e-15);
    assertEquals(f + df, Estimator.of(ValueFunction.K3, GradientRule.LOSS_SCORE).coefficientAt(l, w), 1e-15);
    assertEquals(w * f, Estimator.of(ValueFunction.K3, GradientRule.REWARD).coefficientAt(l, w), 1e-15);
    assertEquals(l, Estimator.of(ValueFunction.K3, GradientRule.STRAIGHT_THROUGH).coefficientAt(l, w));
    assertEquals(w * l, Estimator.of(ValueFunction.K3, GradientRule.STRAIGHT_THROUGH_RATIO).coefficientAt(l, w), 1e-15);
    Estimator clipped = new Estimator("x", ValueFunction.K1, GradientRule.STRAIGHT_THROUGH_RATIO, null, null, 1.2);
    assertEquals(1.2 * l, clipped.coefficientAt(l, w), 1e-15);
    assertEquals(0.5 * l, clipped.coefficientAt(l, 0.5), 1e-15);
  }

  @Test
  void straightThroughIgnoresClamps() {
    Estimator e = new Estimator("x", ValueFunction.K3, GradientRule.STRAIGHT_THROUGH, 1.0, 0.1, null);
    assertEquals(-7.0, e.coefficientAt(-7.0, 1.0));
    assertEquals(0.1, e.valueAt(-7.0));
  }

  @Test
  void everyPresetIsItsDocumentedFormula() {
    Map<String, Presets.Preset> all = Presets.all();
    assertEquals(24, all.size());
    check("verl.kl", ValueFunction.K1, GradientRule.LOSS, null, null);
    check("verl.abs", ValueFunction.ABS, GradientRule.LOSS, null, null);
    check("verl.mse", ValueFunction.K2, GradientRule.LOSS, null, null);
    check("verl.low_var_kl", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0);
    check("verl.k1+", ValueFunction.K1, GradientRule.STRAIGHT_THROUGH, null, null);
    check("verl.low_var_kl+", ValueFunction.K3, GradientRule.STRAIGHT_THROUGH, 20.0, 10.0);
    check("verl.reward.kl", ValueFunction.K1, GradientRule.REWARD, null, null);
    check("verl.reward.low_var_kl", ValueFunction.K3, GradientRule.REWARD, 20.0, 10.0);
    for (String k : new String[] {"1", "2", "3"}) {
      ValueFunction f = ValueFunction.byId("k" + k);
      check("openrlhf.loss.k" + k, f, GradientRule.LOSS, null, 10.0);
      check("openrlhf.reward.k" + k, f, GradientRule.REWARD, null, 10.0);
      check("nemo_rl.k" + k, f, GradientRule.LOSS_SCORE, 20.0, 10.0);
    }
    check("trl.grpo", ValueFunction.K3, GradientRule.LOSS_RATIO, null, null);
    check("trl.grpo.uncorrected", ValueFunction.K3, GradientRule.LOSS, null, null);
    check("trl.ppo.k1", ValueFunction.K1, GradientRule.REWARD, null, null);
    check("trl.ppo.k3", ValueFunction.K3, GradientRule.REWARD, null, null);
    check("slime.low_var_kl", ValueFunction.K3, GradientRule.LOSS, null, 10.0);
    check("slime.low_var_kl.unbiased", ValueFunction.K3, GradientRule.LOSS_RATIO, null, 10.0);
    check("torchtune.grpo", ValueFunction.K3, GradientRule.LOSS, null, null);
    for (Presets.Preset p : all.values()) assertTrue(p.source().length() > 5, p.estimator().name());
    assertNull(Presets.byName("verl.nonexistent"));
  }

  /** verl's low_var_kl per token: kl = clamp(ref − logp, −20, 20); clamp(exp(kl) − kl − 1, −10, 10). */
  @Test
  void verlLowVarKlMatchesItsSourceExpression() {
    Estimator e = Presets.byName("verl.low_var_kl");
    for (double l : LOG_RATIOS) {
      double kl = Math.max(-20, Math.min(20, -l));
      double expected = Math.max(-10, Math.min(10, Math.exp(kl) - kl - 1));
      assertEquals(expected, e.valueAt(l), 1e-12 * Math.max(1, Math.abs(expected)), "ℓ=" + l);
    }
  }

  private static void check(String name, ValueFunction f, GradientRule r, Double clampLogRatio, Double clampValue) {
    Estimator e = Presets.byName(name);
    assertNotNull(e, name);
    assertEquals(name, e.name());
    assertEquals(f, e.value(), name);
    assertEquals(r, e.rule(), name);
    assertEquals(clampLogRatio, e.clampLogRatio(), name);
    assertEquals(clampValue, e.clampValue(), name);
    assertNull(e.ratioClip(), name);
  }

  @Test
  void baselinesParseAndPrintCanonically() {
    assertEquals(Baseline.NONE, Baseline.parse("none"));
    assertEquals(Baseline.LOO, Baseline.parse(" loo "));
    assertEquals(Baseline.ORACLE, Baseline.parse("oracle"));
    assertEquals(Baseline.constant(-0.5), Baseline.parse("const(-0.5)"));
    assertEquals("const(-0.5)", Baseline.parse("const( -0.5 )").toString());
    assertThrows(IllegalArgumentException.class, () -> Baseline.parse("const(x)"));
    assertThrows(IllegalArgumentException.class, () -> Baseline.parse("mean"));
    assertThrows(IllegalArgumentException.class, () -> Baseline.parse("const(NaN)"));
  }
}
