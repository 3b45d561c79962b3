package klbench.core;

import java.util.Objects;

/**
 * One KL estimator: a value function, optional clamps and a gradient rule (ESTIMATORS.md). A
 * framework preset is nothing but a named instance of this record ({@link Presets}).
 *
 * <p>Clamps follow {@code torch.clamp}: the derivative is zero exactly where the clamp is active,
 * that is where the unclamped quantity lies strictly outside [−c, c].
 *
 * @param name as written in the grid (a preset name, {@code VALUE/RULE}, or a canonical form of
 *     the object form)
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

  /** An estimator without clamps, named {@code value/rule}. */
  public static Estimator of(ValueFunction value, GradientRule rule) {
    return new Estimator(value.id() + "/" + rule.id(), value, rule, null, null, null);
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
