package klbench.oracle;

/**
 * One response under one (estimator, baseline, discount): every per-position quantity of
 * SEQUENCES.md and the response's full gradient estimate. Arrays are indexed by position {@code t −
 * 1}.
 *
 * @param response the response, with its tokens, contexts, ℓ_t, w_t and probabilities
 * @param value f_t = f(ℓ_t), clamps applied
 * @param weight ω_t
 * @param target z_t
 * @param baseline b_t (for loo: the partner's z_t)
 * @param coefficient a_t = ω_t (z_t − b_t)
 * @param gradient ĝ(y) = Σ_t a_t s_t, a full parameter vector
 * @param valueEstimate v̂(y) = Σ_t f_t (no weight, no discount)
 */
public record ResponseTerms(Response response, double[] value, double[] weight, double[] target, double[] baseline,
    double[] coefficient, double[] gradient, double valueEstimate) {}
