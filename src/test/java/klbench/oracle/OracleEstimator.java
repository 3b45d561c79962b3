package klbench.oracle;

/**
 * An estimator as the oracle reads it: a value function with optional clamps and a gradient rule,
 * written from ESTIMATORS.md ("Value functions", "Gradient rules") and SEQUENCES.md ("Rules over a
 * response"), with no call into klbench's main code.
 *
 * <p>Clamps follow {@code torch.clamp}: the clamped quantity is {@code clamp(x, −c, c)} and its
 * derivative is 0 where the clamp is active, that is where the unclamped {@code x} lies strictly
 * outside {@code [−c, c]}. {@code Double.POSITIVE_INFINITY} means no clamp (and, for {@code
 * ratioClip}, no clip of {@code w}).
 *
 * @param value the value function f
 * @param clampLogRatio c of {@code clamp_log_ratio}: ℓ is replaced by clamp(ℓ, −c, c) before f
 * @param clampValue c of {@code clamp_value}: f is replaced by clamp(f, −c, c)
 * @param rule the gradient rule
 * @param ratioClip c of {@code straight_through_ratio}'s clip(w, 0, c); read by that rule only
 */
public record OracleEstimator(Value value, double clampLogRatio, double clampValue, Rule rule, double ratioClip) {
  /** No clamp, no clip. */
  public static final double NONE = Double.POSITIVE_INFINITY;

  /** The value functions of ESTIMATORS.md. */
  public enum Value { K1, K2, K3, ABS }

  /** The gradient rules: the token rules of ESTIMATORS.md and the four reward rules of SEQUENCES.md. */
  public enum Rule {
    LOSS, LOSS_RATIO, LOSS_RATIO_DETACHED, LOSS_SCORE, STRAIGHT_THROUGH, STRAIGHT_THROUGH_RATIO,
    REWARD, REWARD_TOKEN, REWARD_TOTAL, REWARD_IS;

    /** A token rule: weight 1 and z the single-token coefficient; it sees no other token. */
    public boolean tokenRule() { return ordinal() < REWARD.ordinal(); }
  }

  public OracleEstimator {
    if (value == null || rule == null) throw new IllegalArgumentException("value and rule are required");
    if (!(clampLogRatio > 0) || !(clampValue > 0) || !(ratioClip > 0)) {
      throw new IllegalArgumentException("clamps and the ratio clip must be > 0 (NONE for none)");
    }
  }

  /** Unclamped, unclipped. */
  public static OracleEstimator of(Value value, Rule rule) { return new OracleEstimator(value, NONE, NONE, rule, NONE); }

  /** This estimator with the given clamps. */
  public OracleEstimator clamped(double logRatio, double valueClamp) {
    return new OracleEstimator(value, logRatio, valueClamp, rule, ratioClip);
  }

  /** This estimator with {@code straight_through_ratio}'s clip(w, 0, c). */
  public OracleEstimator ratioClipped(double c) { return new OracleEstimator(value, clampLogRatio, clampValue, rule, c); }

  /** f(ℓ) with both clamps applied. */
  public double f(double l) { return clamp(rawValue(clamp(l, clampLogRatio)), clampValue); }

  /** f′(ℓ) = df/dℓ with both clamps applied: 0 wherever either clamp is active. */
  public double fPrime(double l) {
    if (active(l, clampLogRatio)) return 0.0;
    double lc = clamp(l, clampLogRatio);
    if (active(rawValue(lc), clampValue)) return 0.0;
    return rawDerivative(lc);
  }

  /**
   * The single-token coefficient {@code a} of a token rule (ESTIMATORS.md "Gradient rules") at a
   * token with log-ratio ℓ and importance ratio w: the {@code z_t} of that rule in a sequence.
   */
  public double tokenCoefficient(double l, double w) {
    return switch (rule) {
      case LOSS -> fPrime(l);
      case LOSS_RATIO -> w * (f(l) + fPrime(l));
      case LOSS_RATIO_DETACHED -> w * fPrime(l);
      case LOSS_SCORE -> f(l) + fPrime(l);
      case STRAIGHT_THROUGH -> l;
      case STRAIGHT_THROUGH_RATIO -> Math.min(Math.max(w, 0.0), ratioClip) * l;
      case REWARD, REWARD_TOKEN, REWARD_TOTAL, REWARD_IS ->
          throw new IllegalStateException(rule + " is not a token rule");
    };
  }

  @Override
  public String toString() {
    String clamps = (clampLogRatio < NONE ? " lr<=" + clampLogRatio : "") + (clampValue < NONE ? " f<=" + clampValue : "")
        + (rule == Rule.STRAIGHT_THROUGH_RATIO && ratioClip < NONE ? " w<=" + ratioClip : "");
    return value.name().toLowerCase() + "/" + rule.name().toLowerCase() + clamps;
  }

  private double rawValue(double l) {
    return switch (value) {
      case K1 -> l;
      case K2 -> l * l / 2;
      case K3 -> Math.expm1(-l) + l;
      case ABS -> Math.abs(l);
    };
  }

  private double rawDerivative(double l) {
    return switch (value) {
      case K1 -> 1.0;
      case K2 -> l;
      case K3 -> -Math.expm1(-l);
      case ABS -> Math.signum(l);
    };
  }

  private static double clamp(double x, double c) { return Math.max(-c, Math.min(c, x)); }

  private static boolean active(double x, double c) { return x < -c || x > c; }
}
