package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/** Closeness assertions relative to a stated scale, for the oracle's tests. */
final class Close {
  private Close() {}

  /**
   * ‖expected − actual‖ ≤ rel · max(‖expected‖, ‖actual‖, scale): {@code scale} is the size the
   * rounding error follows where the vectors themselves vanish (the typical ‖ĝ‖ for E[ĝ] = 0).
   */
  static void vectors(double[] expected, double[] actual, double rel, double scale, String what) {
    double ref = Math.max(Math.max(Vectors.norm(expected), Vectors.norm(actual)), scale);
    double d = Vectors.distance(expected, actual);
    assertTrue(d <= rel * ref, what + ": distance " + d + " > " + rel + " x " + ref);
  }

  /** |expected − actual| ≤ rel · max(|expected|, |actual|, scale). */
  static void scalars(double expected, double actual, double rel, double scale, String what) {
    double ref = Math.max(Math.max(Math.abs(expected), Math.abs(actual)), scale);
    double d = Math.abs(expected - actual);
    assertTrue(d <= rel * ref, what + ": expected " + expected + ", got " + actual + " (" + rel + " x " + ref + ")");
  }

  /** Both null, or both present and close as {@link #scalars}. */
  static void nullableScalars(Double expected, Double actual, double rel, String what) {
    assertTrue((expected == null) == (actual == null), what + ": expected " + expected + ", got " + actual);
    if (expected != null) scalars(expected, actual, rel, 0.0, what);
  }

  /** The rows of position t (1-based) of a parameter vector. */
  static double[] position(ResponseSpace space, double[] x, int t) {
    int from = space.rowOffset(t, 0);
    int to = from + space.model().contextsAt(t) * space.model().vocab();
    return Arrays.copyOfRange(x, from, to);
  }
}
