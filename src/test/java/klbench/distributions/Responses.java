package klbench.distributions;

import java.util.function.BiFunction;

/**
 * Sequence-level quantities by brute force, for tests: every response y ∈ {0 … V−1}^T of a small
 * model is enumerated, its contexts followed by the rule of SEQUENCES.md written out here
 * (c_1 = 0, c_{t+1} = c_t·V + y_t, reduced mod N unless the model is a tree), and its probability
 * under each distribution taken as the product of its rows. Nothing here calls the core's
 * occupancies or the distributions' solver.
 */
final class Responses {
  private Responses() {}

  /**
   * KL(A‖B) = Σ_y A(y) log(A(y)/B(y)) over all V^T responses, A and B given row by row as
   * log-probabilities ({@code rows.apply(t, c)}, t 1-based).
   *
   * @param contexts N, or 0 for a tree
   */
  static double kl(int vocab, int horizon, long contexts, BiFunction<Integer, Integer, double[]> logA,
      BiFunction<Integer, Integer, double[]> logB) {
    int responses = (int) Math.pow(vocab, horizon);
    double sum = 0;
    for (int r = 0; r < responses; r++) {
      double la = 0;
      double lb = 0;
      long c = 0;
      int rest = r;
      for (int t = 1; t <= horizon; t++) {
        int y = rest % vocab;
        rest /= vocab;
        la += logA.apply(t, (int) c)[y];
        lb += logB.apply(t, (int) c)[y];
        c = c * vocab + y;
        if (contexts != 0) c %= contexts;
      }
      if (la != Double.NEGATIVE_INFINITY) sum += Math.exp(la) * (la - lb);
    }
    return sum;
  }
}
