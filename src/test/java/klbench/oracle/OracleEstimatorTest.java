package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import klbench.oracle.OracleEstimator.Rule;
import klbench.oracle.OracleEstimator.Value;
import org.junit.jupiter.api.Test;

/** The oracle's value functions, derivatives and clamps against their definitions. */
class OracleEstimatorTest {
  private static final double[] POINTS = {-2.3, -0.7, -0.15, 0.04, 0.3, 0.9, 1.7};

  @Test
  void valuesAreTheTableOfEstimatorsMd() {
    for (double l : POINTS) {
      assertEquals(l, OracleEstimator.of(Value.K1, Rule.LOSS).f(l), 0.0);
      assertEquals(l * l / 2, OracleEstimator.of(Value.K2, Rule.LOSS).f(l), 1e-16);
      assertEquals(Math.exp(-l) - 1 + l, OracleEstimator.of(Value.K3, Rule.LOSS).f(l), 1e-15);
      assertEquals(Math.abs(l), OracleEstimator.of(Value.ABS, Rule.LOSS).f(l), 0.0);
    }
    // k3 = expm1(−ℓ) + ℓ keeps six digits, and its sign, at ℓ = 1e-9 (ℓ²/2 = 5e-19): the naive
    // e^{−ℓ} − 1 + ℓ cancels to 0 or worse there
    assertEquals(5e-19, OracleEstimator.of(Value.K3, Rule.LOSS).f(1e-9), 5e-25);
    assertTrue(OracleEstimator.of(Value.K3, Rule.LOSS).f(-1e-9) > 0);
  }

  /** f′ against a central difference of f, clamped or not, away from kinks and clamp edges. */
  @Test
  void derivativesAreCentralDifferencesOfTheValues() {
    double h = 1e-6;
    int checked = 0;
    for (Value v : Value.values()) {
      for (OracleEstimator e : new OracleEstimator[] {
          OracleEstimator.of(v, Rule.LOSS), OracleEstimator.of(v, Rule.LOSS).clamped(0.8, 0.6)}) {
        for (double l : POINTS) {
          double fd = (e.f(l + h) - e.f(l - h)) / (2 * h);
          assertEquals(fd, e.fPrime(l), 1e-8, e + " at " + l);
          checked++;
        }
      }
    }
    assertEquals(4 * 2 * POINTS.length, checked);
  }

  @Test
  void clampsFollowTorchClamp() {
    OracleEstimator k2 = OracleEstimator.of(Value.K2, Rule.LOSS).clamped(0.5, 0.2);
    assertEquals(0.125, k2.f(0.8), 0.0, "ℓ clamped to 0.5 before f");
    assertEquals(0.0, k2.fPrime(0.8), 0.0, "no gradient through an active log-ratio clamp");
    assertEquals(0.5, k2.fPrime(0.5), 0.0, "at the edge the clamp is not active");
    OracleEstimator k2v = OracleEstimator.of(Value.K2, Rule.LOSS).clamped(OracleEstimator.NONE, 0.1);
    assertEquals(0.1, k2v.f(0.6), 0.0, "f = 0.18 clamped to 0.1");
    assertEquals(0.0, k2v.fPrime(0.6), 0.0, "no gradient through an active value clamp");
    assertEquals(-0.1, OracleEstimator.of(Value.K1, Rule.LOSS).clamped(OracleEstimator.NONE, 0.1).f(-3), 0.0);
  }

  @Test
  void tokenCoefficientsUseTheRulesOfTheTable() {
    OracleEstimator k3 = OracleEstimator.of(Value.K3, Rule.LOSS).clamped(0.5, 0.05);
    double l = 0.8;
    double w = 1.7;
    assertEquals(0.0, k3.tokenCoefficient(l, w), 0.0, "loss: clamped f′ is 0 here");
    assertEquals(l, new OracleEstimator(Value.K3, 0.5, 0.05, Rule.STRAIGHT_THROUGH, OracleEstimator.NONE)
        .tokenCoefficient(l, w), 0.0, "straight_through uses the unclamped ℓ");
    assertEquals(1.2 * l, OracleEstimator.of(Value.K1, Rule.STRAIGHT_THROUGH_RATIO).ratioClipped(1.2)
        .tokenCoefficient(l, w), 0.0, "clip(w, 0, c)");
    assertEquals(w * l, OracleEstimator.of(Value.K1, Rule.STRAIGHT_THROUGH_RATIO).tokenCoefficient(l, w), 0.0);
    OracleEstimator k2 = OracleEstimator.of(Value.K2, Rule.LOSS_RATIO);
    assertEquals(w * (l * l / 2 + l), k2.tokenCoefficient(l, w), 1e-15);
    assertEquals(w * l, OracleEstimator.of(Value.K2, Rule.LOSS_RATIO_DETACHED).tokenCoefficient(l, w), 1e-15);
    assertEquals(l * l / 2 + l, OracleEstimator.of(Value.K2, Rule.LOSS_SCORE).tokenCoefficient(l, w), 1e-15);
    assertThrows(IllegalStateException.class, () -> OracleEstimator.of(Value.K1, Rule.REWARD).tokenCoefficient(l, w));
    assertTrue(Rule.LOSS.tokenRule() && Rule.STRAIGHT_THROUGH_RATIO.tokenRule() && !Rule.REWARD_IS.tokenRule());
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> OracleEstimator.of(Value.K1, Rule.LOSS).clamped(0.0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> OracleEstimator.of(Value.K1, Rule.LOSS).ratioClipped(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new OracleBaseline(OracleBaseline.Kind.LOO, 1.0));
    assertThrows(IllegalArgumentException.class, () -> OracleBaseline.constant(Double.POSITIVE_INFINITY));
  }
}
