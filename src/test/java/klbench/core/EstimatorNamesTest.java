package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Estimator#of(String)}, the one parser of estimator names, and the canonical names it gives. */
class EstimatorNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"k3/loss", "k3 / loss", " k3/loss ", "k3\t/  loss", "\u2003k3/\nloss\u2003"})
  void everySpellingOfValueSlashRuleHasOneName(String spelling) {
    assertEquals(new Estimator("k3/loss", ValueFunction.K3, GradientRule.LOSS, null, null, null), Estimator.of(spelling));
  }

  @Test
  void aPresetIsNamedAfterThePreset() {
    Estimator e = Estimator.of("  verl.low_var_kl ");
    assertEquals(new Estimator("verl.low_var_kl", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null), e);
  }

  @Test
  void theObjectFormIsNamedValueSlashRuleThenItsOptionsInAFixedOrder() {
    assertEquals("k3/loss", Estimator.of(ValueFunction.K3, GradientRule.LOSS, null, null, null).name());
    assertEquals("k3/loss[clamp_log_ratio=20.0,clamp_value=10.0]",
        Estimator.of(ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null).name());
    assertEquals("k1/loss[clamp_value=0.5]", Estimator.of(ValueFunction.K1, GradientRule.LOSS, null, 0.5, null).name());
    assertEquals("k2/straight_through_ratio[clamp_log_ratio=3.0,ratio_clip=2.0]",
        Estimator.of(ValueFunction.K2, GradientRule.STRAIGHT_THROUGH_RATIO, 3.0, null, 2.0).name());
    // VALUE/RULE and the object form without options are one estimator, equal as records
    assertEquals(Estimator.of("k2 / straight_through_ratio"),
        Estimator.of(ValueFunction.K2, GradientRule.STRAIGHT_THROUGH_RATIO, null, null, null));
  }

  @Test
  void badNamesSayWhatIsWrong() {
    assertProblem("k1/loss/x", "must be VALUE/RULE, got 'k1/loss/x'");
    assertProblem(" k9 / loss", "unknown value function 'k9' (expected k1, k2, k3, abs)");
    assertProblem("k1 / lossy ", "unknown gradient rule 'lossy' (expected loss,");
    assertProblem("verl.nope", "unknown estimator 'verl.nope' (expected VALUE/RULE such as k3/loss, a mapping {value, rule, ...} or a preset: verl.kl,");
    assertProblem("k1/", "unknown gradient rule '' ");
  }

  static void assertProblem(String text, String start) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Estimator.of(text));
    assertTrue(e.getMessage().startsWith(start), () -> "'" + e.getMessage() + "' does not start with '" + start + "'");
  }
}
