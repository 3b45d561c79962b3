package klbench.core;

/**
 * The true quantities of one distribution triple (ESTIMATORS.md, "Targets" and "Metrics"):
 * KL(p‖q), KL(q‖p), KL(μ‖p), the entropy of p, ‖∇KL(p‖q)‖ and ‖∇KL(q‖p)‖ = ‖p − q‖.
 */
public record Truth(
    double kl, double klFwd, double klBehaviour, double entropy, double gradNorm, double gradFwdNorm)
    implements java.io.Serializable {}
