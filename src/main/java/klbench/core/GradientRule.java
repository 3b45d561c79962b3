package klbench.core;

/**
 * How a framework turns a value function into a gradient (ESTIMATORS.md, "Gradient rules";
 * SEQUENCES.md, "Rules over a response"). Each rule gives the scalar coefficient a(x) of the
 * per-token estimate ĝ(x) = a(x)·s(x), from the (clamped) value f, its derivative f′, the
 * importance ratio w and the raw log-ratio ℓ; over a response, a rule's {@link Credit} says which
 * tokens a position's coefficient sees, a_t = ω_t (z_t − b_t).
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
  /** f detached into the reward, policy gradient with ratio w: a = w f; over a response, reward-to-go. */
  REWARD("reward"),
  /** The reward rule with each token charged only its own value (NeMo-RL's REINFORCE++ KL reward). */
  REWARD_TOKEN("reward_token"),
  /** The reward rule with the response's whole value as one reward at every position (GRPO/RLOO outcome). */
  REWARD_TOTAL("reward_total"),
  /** Reward-to-go with per-decision importance weights ρ_{1:t}: unbiased off-policy. */
  REWARD_IS("reward_is"),
  /** value f, gradient of ℓ²/2 (verl's "+" variants): a = ℓ, never clamped. */
  STRAIGHT_THROUGH("straight_through"),
  /** value f, gradient sg(clip(w, 0, c))·ℓ·s: a = clip(w, 0, c)·ℓ; no clip when c is absent. */
  STRAIGHT_THROUGH_RATIO("straight_through_ratio");

  /**
   * Which tokens of a response a position's coefficient a_t = ω_t (z_t − b_t) sees (SEQUENCES.md,
   * "Rules over a response"). With one token every credit is the single-token rule.
   */
  public enum Credit {
    /** Token rules: ω = 1, z_t = the single-token a at token t; no other token. */
    OWN,
    /** reward_token: ω = w_t, z_t = f_t. */
    TOKEN_REWARD,
    /** reward: ω = w_t, z_t = Σ_{t′ ≥ t} γ^{t′−t} f_{t′} (reward-to-go). */
    TO_GO,
    /** reward_total: ω = w_t, z_t = Σ_{t′} γ^{t′−1} f_{t′} (the whole response). */
    TOTAL,
    /** reward_is: ω = ρ_{1:t}, z_t = Σ_{t′ ≥ t} γ^{t′−t} ρ_{t+1:t′} f_{t′}. */
    IMPORTANCE_TO_GO
  }

  private final String id;

  GradientRule(String id) { this.id = id; }

  public String id() { return id; }

  /** How this rule credits a response's tokens. */
  public Credit credit() {
    return switch (this) {
      case REWARD -> Credit.TO_GO;
      case REWARD_TOKEN -> Credit.TOKEN_REWARD;
      case REWARD_TOTAL -> Credit.TOTAL;
      case REWARD_IS -> Credit.IMPORTANCE_TO_GO;
      default -> Credit.OWN;
    };
  }

  /** True for the reward rules: the value goes into the reward, a = ω (z − b) with z built from f. */
  public boolean isReward() { return credit() != Credit.OWN; }

  /** True for the rules that exist only over responses (a single token treats them as {@code reward}). */
  public boolean sequenceOnly() {
    return this == REWARD_TOKEN || this == REWARD_TOTAL || this == REWARD_IS;
  }

  /**
   * a(x). {@code ratioClip} is +∞ when the estimator has none.
   */
  double coefficient(double f, double df, double w, double l, double ratioClip) {
    return switch (this) {
      case LOSS -> df;
      case LOSS_RATIO -> lossRatio(f, df, w);
      case LOSS_RATIO_DETACHED -> ratioDetached(df, w);
      case LOSS_SCORE -> score(f, df);
      case REWARD, REWARD_TOKEN, REWARD_TOTAL, REWARD_IS -> reward(f, w);
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
      case REWARD, REWARD_TOKEN, REWARD_TOTAL, REWARD_IS -> { for (int x = 0; x < n; x++) out[x] = reward(f[x], w[x]); }
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
