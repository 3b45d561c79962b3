package klbench.core;

/**
 * The true quantities of one distribution triple (ESTIMATORS.md, "Targets" and "Metrics") or of a
 * model of responses (SEQUENCES.md, where each is the sequence-level one): KL(p‖q), KL(q‖p),
 * KL(μ‖p), the entropy of p, ‖∇KL(p‖q)‖ and ‖∇KL(q‖p)‖, and the share of the gradient that flows
 * through future tokens, ‖G_seq − G_pos‖ / ‖G_seq‖ (0 for one token; null where G_seq = 0).
 */
public record Truth(
    double kl, double klFwd, double klBehaviour, double entropy, double gradNorm, double gradFwdNorm,
    Double gradFutureShare) implements java.io.Serializable {

  /** The truth of one token: no future. */
  public Truth(double kl, double klFwd, double klBehaviour, double entropy, double gradNorm, double gradFwdNorm) {
    this(kl, klFwd, klBehaviour, entropy, gradNorm, gradFwdNorm, gradNorm > 0 ? 0.0 : null);
  }
}
