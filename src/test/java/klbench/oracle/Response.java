package klbench.oracle;

/**
 * One response {@code y = (y_1, …, y_T)} of a model, with what depends on the model alone. Arrays
 * are indexed by position {@code t − 1}.
 *
 * @param index the response read as a base-V number, {@code y_1} the most significant digit
 * @param tokens y_t
 * @param contexts c_t ({@code c_1 = 0})
 * @param logRatio ℓ_t = log p_{t,c_t}(y_t) − log q_{t,c_t}(y_t)
 * @param importance w_t = p_{t,c_t}(y_t) / μ_{t,c_t}(y_t) (1 on-policy)
 * @param logProbP log P(y) = Σ_t log p_{t,c_t}(y_t); likewise {@code logProbQ}, {@code logProbM}
 * @param probP P(y); likewise {@code probQ}, {@code probM}
 */
public record Response(int index, int[] tokens, int[] contexts, double[] logRatio, double[] importance,
    double logProbP, double logProbQ, double logProbM, double probP, double probQ, double probM) {}
