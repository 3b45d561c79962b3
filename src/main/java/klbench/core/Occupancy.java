package klbench.core;

/**
 * Expectations over the rows of a model of responses (SEQUENCES.md, "Setting"): Σ_t Σ_c d_t(c) g(t, c),
 * where d_t(c) is the probability of reaching context c at position t when every position draws
 * its token from the row's distribution, by one forward pass. KL(P‖Q) = Σ d^P KL(p‖q) and
 * KL(M‖P) = Σ d^M KL(μ‖p) are such sums; the families use this to solve a {@code target_kl} for
 * the whole model. O(rows · V), with the rows visited in position-major order.
 */
public final class Occupancy {
  private Occupancy() {}

  /** One row's distribution, probabilities summing to 1 (V entries). */
  @FunctionalInterface
  public interface RowDistribution {
    double[] probabilities(int position, int context);
  }

  /** What is averaged: g(t, c), given the row's distribution as {@link RowDistribution} gave it. */
  @FunctionalInterface
  public interface RowValue {
    double value(int position, int context, double[] probabilities);
  }

  /** Σ_t Σ_c d_t(c) g(t, c) under the chain of {@code rows}. */
  public static double expected(int vocab, int horizon, Contexts contexts, RowDistribution rows, RowValue g) {
    double[] d = {1.0};
    double sum = 0;
    for (int t = 1; t <= horizon; t++) {
      int h = (int) contexts.at(vocab, t);
      double[] next = t < horizon ? new double[(int) contexts.at(vocab, t + 1)] : null;
      for (int c = 0; c < h; c++) {
        double[] p = rows.probabilities(t, c);
        if (d[c] != 0) sum += d[c] * g.value(t, c, p);
        if (next != null) {
          for (int y = 0; y < vocab; y++) next[contexts.next(c, y, vocab)] += d[c] * p[y];
        }
      }
      d = next;
    }
    return sum;
  }
}
