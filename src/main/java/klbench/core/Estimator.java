package klbench.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One KL estimator: a value function, optional clamps and a gradient rule (ESTIMATORS.md). A
 * framework preset is nothing but a named instance of this record ({@link Presets}).
 *
 * <p>Clamps follow {@code torch.clamp}: the derivative is zero exactly where the clamp is active,
 * that is where the unclamped quantity lies strictly outside [−c, c].
 *
 * @param name the canonical name ({@link #of(String)}, {@link #of(ValueFunction, GradientRule,
 *     Double, Double, Double)}): a preset's name, or {@code value/rule} followed by the options set,
 *     so that one estimator has one name however it was spelled
 * @param clampLogRatio c of {@code clamp(ℓ, −c, c)} before f, or null
 * @param clampValue c of {@code clamp(f, −c, c)}, or null
 * @param ratioClip c of {@code clip(w, 0, c)} in {@code straight_through_ratio}, or null (no clip)
 */
public record Estimator(
    String name,
    ValueFunction value,
    GradientRule rule,
    Double clampLogRatio,
    Double clampValue,
    Double ratioClip) implements java.io.Serializable {

  public Estimator {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(rule, "rule");
  }

  /**
   * The estimator a text names, under its canonical name: a preset ({@link Presets}), or {@code
   * VALUE/RULE} with any whitespace around the text and around either part ({@code "k3 / loss"} is
   * {@code k3/loss}). The one parser of estimator names.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static Estimator of(String text) {
    String s = text.strip();
    if (s.contains("/")) {
      String[] parts = s.split("/", -1);
      if (parts.length != 2) throw new IllegalArgumentException("must be VALUE/RULE, got '" + s + "'");
      return of(valueFunction(parts[0]), gradientRule(parts[1]));
    }
    Estimator preset = Presets.byName(s);
    if (preset == null) {
      throw new IllegalArgumentException("unknown estimator '" + s + "' (expected VALUE/RULE such as k3/loss, a mapping"
          + " {value, rule, ...} or a preset: " + String.join(", ", Presets.all().keySet()) + ")");
    }
    return preset;
  }

  /** An estimator without clamps, named {@code value/rule}. */
  public static Estimator of(ValueFunction value, GradientRule rule) {
    return of(value, rule, null, null, null);
  }

  /**
   * The estimator of the object form {@code {value, rule, clamp_log_ratio, clamp_value,
   * ratio_clip}}, under its canonical name: {@code value/rule}, then the options set in that order,
   * e.g. {@code k3/loss[clamp_log_ratio=20.0,clamp_value=10.0]} (the names config_ids were first
   * made from: keep them).
   */
  public static Estimator of(
      ValueFunction value, GradientRule rule, Double clampLogRatio, Double clampValue, Double ratioClip) {
    List<String> options = new ArrayList<>();
    if (clampLogRatio != null) options.add("clamp_log_ratio=" + clampLogRatio);
    if (clampValue != null) options.add("clamp_value=" + clampValue);
    if (ratioClip != null) options.add("ratio_clip=" + ratioClip);
    String name = value.id() + "/" + rule.id() + (options.isEmpty() ? "" : "[" + String.join(",", options) + "]");
    return new Estimator(name, value, rule, clampLogRatio, clampValue, ratioClip);
  }

  /** The value function called {@code id} (k1, k2, k3, abs), whitespace around it ignored. */
  public static ValueFunction valueFunction(String id) {
    return known("value function", id, ValueFunction::byId, ValueFunction.values(), ValueFunction::id);
  }

  /** The gradient rule called {@code id} (loss, reward, ...), whitespace around it ignored. */
  public static GradientRule gradientRule(String id) {
    return known("gradient rule", id, GradientRule::byId, GradientRule.values(), GradientRule::id);
  }

  private static <T> T known(String what, String id, Function<String, T> byId, T[] all, Function<T, String> idOf) {
    T found = byId.apply(id.strip());
    if (found != null) return found;
    throw new IllegalArgumentException("unknown " + what + " '" + id.strip() + "' (expected "
        + Arrays.stream(all).map(idOf).collect(Collectors.joining(", ")) + ")");
  }

  /** The same estimator under another name. */
  public Estimator named(String newName) {
    return new Estimator(newName, value, rule, clampLogRatio, clampValue, ratioClip);
  }

  /** f(ℓ) with both clamps applied. */
  public double valueAt(double logRatio) {
    return valueAt(logRatio, value.usesExpm1() ? ValueFunction.em1(logRatio) : 0.0);
  }

  /** df/dℓ of the clamped value: 0 wherever either clamp is active. */
  public double derivativeAt(double logRatio) {
    return derivativeAt(logRatio, value.usesExpm1() ? ValueFunction.em1(logRatio) : 0.0);
  }

  /** a(x) for a token with log-ratio ℓ and importance ratio w = p/μ. */
  public double coefficientAt(double logRatio, double importanceRatio) {
    return coefficientAt(logRatio, importanceRatio, value.usesExpm1() ? ValueFunction.em1(logRatio) : 0.0);
  }

  /** {@link #valueAt(double)} given em1 = expm1(−ℓ) of the unclamped ℓ. */
  public double valueAt(double logRatio, double em1) {
    double f = rawValue(logRatio, em1);
    return clampValue == null ? f : clamp(f, clampValue);
  }

  /** {@link #derivativeAt(double)} given em1 = expm1(−ℓ) of the unclamped ℓ. */
  public double derivativeAt(double logRatio, double em1) {
    if (clampLogRatio != null && Math.abs(logRatio) > clampLogRatio) return 0.0;
    if (clampValue != null && Math.abs(value.value(logRatio, em1)) > clampValue) return 0.0;
    return value.derivative(logRatio, em1);
  }

  /** {@link #coefficientAt(double, double)} given em1 = expm1(−ℓ) of the unclamped ℓ. */
  public double coefficientAt(double logRatio, double importanceRatio, double em1) {
    return coefficientAt(logRatio, importanceRatio, em1, valueAt(logRatio, em1));
  }

  /** The same, given f = {@link #valueAt(double, double)} already computed for this token. */
  double coefficientAt(double logRatio, double importanceRatio, double em1, double value) {
    double df = derivativeAt(logRatio, em1);
    double clip = ratioClip == null ? Double.POSITIVE_INFINITY : ratioClip;
    return rule.coefficient(value, df, importanceRatio, logRatio, clip);
  }

  /** f at the log-ratio clamped to ±clampLogRatio (its expm1 recomputed only where that clamp bites). */
  private double rawValue(double logRatio, double em1) {
    if (clampLogRatio != null && Math.abs(logRatio) > clampLogRatio) {
      double l = clamp(logRatio, clampLogRatio);
      return value.value(l, value.usesExpm1() ? ValueFunction.em1(l) : 0.0);
    }
    return value.value(logRatio, em1);
  }

  private static double clamp(double x, double c) {
    return Math.max(-c, Math.min(c, x));
  }
}
