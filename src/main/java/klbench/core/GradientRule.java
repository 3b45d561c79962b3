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
      case LOSS_RATIO -> lossRatio(f, df, w);
      case LOSS_RATIO_DETACHED -> ratioDetached(df, w);
      case LOSS_SCORE -> score(f, df);
      case REWARD -> reward(f, w);
      case STRAIGHT_THROUGH -> l;
      case STRAIGHT_THROUGH_RATIO -> clippedRatio(w, ratioClip) * l;
    };
  }

  /**
   * {@link #coefficient} over the first n tokens, into {@code out}, from the columns f, f′, w and
   * ℓ: the same formulas with the switch outside the loop, so each case is a plain loop.
   */
  void coefficients(double[] f, double[] df, double[] w, double[] l, double ratioClip, double[] out, int n) {
    switch (this) {
      case LOSS -> System.arraycopy(df, 0, out, 0, n);
      case LOSS_RATIO -> { for (int x = 0; x < n; x++) out[x] = lossRatio(f[x], df[x], w[x]); }
      case LOSS_RATIO_DETACHED -> { for (int x = 0; x < n; x++) out[x] = ratioDetached(df[x], w[x]); }
      case LOSS_SCORE -> { for (int x = 0; x < n; x++) out[x] = score(f[x], df[x]); }
      case REWARD -> { for (int x = 0; x < n; x++) out[x] = reward(f[x], w[x]); }
      case STRAIGHT_THROUGH -> System.arraycopy(l, 0, out, 0, n);
      case STRAIGHT_THROUGH_RATIO -> { for (int x = 0; x < n; x++) out[x] = clippedRatio(w[x], ratioClip) * l[x]; }
    }
  }

  // One definition of each formula, read by both the per-token and the array forms.
  private static double lossRatio(double f, double df, double w) { return w * (f + df); }

  private static double ratioDetached(double df, double w) { return w * df; }

  private static double score(double f, double df) { return f + df; }

  private static double reward(double f, double w) { return w * f; }

  private static double clippedRatio(double w, double clip) { return Math.min(w, clip); }

  public static GradientRule byId(String id) {
    for (GradientRule r : values()) if (r.id.equals(id)) return r;
    return null;
  }
}
