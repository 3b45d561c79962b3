package klbench.core;

/**
 * How a framework turns a value function into a gradient (ESTIMATORS.md, "Gradient rules"). Each
 * rule gives the scalar coefficient a(x) of the per-token estimate ĝ(x) = a(x)·s(x), from the
 * (clamped) value f, its derivative f′, the importance ratio w and the raw log-ratio ℓ.
 */
public enum GradientRule {
  /** f(ℓ) as a loss term: a = f′. */
  LOSS("loss"),
  /** w·f(ℓ) with w not detached: a = w (f + f′). */
  LOSS_RATIO("loss_ratio"),
  /** sg(w)·f(ℓ): a = w f′. */
  LOSS_RATIO_DETACHED("loss_ratio_detached"),
  /** exp(log p − sg(log p))·f(ℓ): value f, adds the score term: a = f + f′. */
  LOSS_SCORE("loss_score"),
  /** f detached into the reward, policy gradient with ratio w: a = w f. */
  REWARD("reward"),
  /** value f, gradient of ℓ²/2 (verl's "+" variants): a = ℓ, never clamped. */
  STRAIGHT_THROUGH("straight_through"),
  /** value f, gradient sg(clip(w, 0, c))·ℓ·s: a = clip(w, 0, c)·ℓ; no clip when c is absent. */
  STRAIGHT_THROUGH_RATIO("straight_through_ratio");

  private final String id;

  GradientRule(String id) { this.id = id; }

  public String id() { return id; }

  /**
   * a(x). {@code ratioClip} is +∞ when the estimator has none.
   */
  double coefficient(double f, double df, double w, double l, double ratioClip) {
    return switch (this) {
      case LOSS -> df;
      case LOSS_RATIO -> w * (f + df);
      case LOSS_RATIO_DETACHED -> w * df;
      case LOSS_SCORE -> f + df;
      case REWARD -> w * f;
      case STRAIGHT_THROUGH -> l;
      case STRAIGHT_THROUGH_RATIO -> Math.min(w, ratioClip) * l;
    };
  }

  public static GradientRule byId(String id) {
    for (GradientRule r : values()) if (r.id.equals(id)) return r;
    return null;
  }
}
