package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * Every preset against the table of ESTIMATORS.md ("Framework presets"), parsed from the spec
   * itself (its copy in src/test/resources/spec, checked against ../shared/spec where that is
   * beside the project), not copied into code: its value function,
   * clamps, rule and source file, and no preset missing on either side. The table's shorthands:
   * {@code openrlhf.loss.k1/k2/k3} with values {@code k1/k2/k3}; a list of names with a list of
   * values ({@code verl.k1+, verl.low_var_kl+ | k1, k3}); clamps "as above" are those of the preset
   * of the same framework and last name segment without a "+" suffix, where there is one (verl.k1+
   * has none: unclamped); a source "same" is the previous row's.
   */
  @Test
  void everyPresetIsTheFormulaOfTheSpecTable() throws IOException {
    // The spec travels with the tests (a clean clone has no ../shared); where the shared spec is
    // beside the project, the copy must be it, so that a changed spec fails here until copied.
    Path spec = Path.of("src", "test", "resources", "spec", "ESTIMATORS.md");
    List<String> lines = Files.readAllLines(spec);
    Path shared = Path.of("..", "shared", "spec", "ESTIMATORS.md");
    if (Files.isRegularFile(shared)) assertEquals(Files.readAllLines(shared), lines, spec + " is not a copy of " + shared);
    int header = lines.indexOf("| preset | value | clamps | rule | source |");
    assertTrue(header > 0, "no preset table in " + spec);
    Map<String, Double[]> clampsByName = new LinkedHashMap<>();
    Set<String> documented = new LinkedHashSet<>();
    String lastSource = null;
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) break;
      String[] cells = line.split("\\|", -1);
      List<String> names = names(cells[1]);
      List<String> values = splitList(cells[2].replaceAll("\\(.*\\)", "").trim());
      String clamps = cells[3].trim();
      GradientRule rule = GradientRule.byId(cells[4].trim());
      assertNotNull(rule, line);
      Matcher path = Pattern.compile("`([^`]+)`").matcher(cells[5]);
      String source = cells[5].trim().startsWith("same") || !path.find() ? lastSource : path.group(1);
      lastSource = source;
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        ValueFunction f = ValueFunction.byId(values.size() == 1 ? values.get(0) : values.get(i));
        String base = baseName(name, clampsByName.keySet());
        boolean asAbove = clamps.contains("as above") || cells[2].contains("clamped as above");
        Double[] c = asAbove && base != null ? clampsByName.get(base) : parseClamps(clamps);
        clampsByName.put(name, c);
        documented.add(name);
        Estimator e = Presets.byName(name);
        assertNotNull(e, name + " is in the spec's table but not a preset");
        assertEquals(name, e.name());
        assertEquals(f, e.value(), name);
        assertEquals(rule, e.rule(), name);
        assertEquals(c[0], e.clampLogRatio(), name + " clamp_log_ratio");
        assertEquals(c[1], e.clampValue(), name + " clamp_value");
        assertNull(e.ratioClip(), name);
        assertTrue(Presets.all().get(name).source().contains(source), name + ": source should name " + source);
      }
    }
    assertEquals(documented, Presets.all().keySet(), "presets and the spec's table, in the same order");
    assertNull(Presets.byName("verl.nonexistent"));
  }

  /** `a`, `b` or `p.k1/k2/k3` → the preset names of a table cell. */
  private static List<String> names(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
    while (m.find()) {
      String n = m.group(1);
      int slash = n.indexOf('/');
      if (slash < 0) {
        out.add(n);
        continue;
      }
      String prefix = n.substring(0, n.lastIndexOf('.', slash) + 1);
      for (String suffix : n.substring(prefix.length()).split("/")) out.add(prefix + suffix);
    }
    return out;
  }

  /** "k1, k3" or "k1/k2/k3" → the list. */
  private static List<String> splitList(String cell) {
    return List.of(cell.split("\\s*[,/]\\s*"));
  }

  /** "–", "value 10" or "log-ratio 20, value 10" → {clamp_log_ratio, clamp_value}. */
  private static Double[] parseClamps(String cell) {
    Double logRatio = null;
    Double value = null;
    Matcher m = Pattern.compile("(log-ratio|value) (\\d+(?:\\.\\d+)?)").matcher(cell);
    while (m.find()) {
      if (m.group(1).equals("value")) value = Double.parseDouble(m.group(2));
      else logRatio = Double.parseDouble(m.group(2));
    }
    assertTrue(cell.equals("–") || logRatio != null || value != null, "clamps not understood: " + cell);
    return new Double[] {logRatio, value};
  }

  /** verl.reward.low_var_kl or verl.low_var_kl+ → the earlier preset verl.low_var_kl. */
  private static String baseName(String name, Set<String> earlier) {
    String bare = name.endsWith("+") ? name.substring(0, name.length() - 1) : name;
    String last = bare.substring(bare.lastIndexOf('.') + 1);
    String framework = bare.substring(0, bare.indexOf('.'));
    for (String e : earlier) {
      if (!e.equals(name) && e.startsWith(framework + ".") && e.endsWith("." + last)) return e;
    }
    return null;
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
