package klbench.distributions;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * Solves f(δ) = target for δ &gt; 0, for any f increasing on δ &gt; 0 with f(0) = 0: how {@code
 * target_kl} finds the δ of its KL along a {@link PerturbationPath}.
 */
public final class DeltaSolver {
  private DeltaSolver() {}

  /** Beyond this δ a perturbed distribution is one-hot in double precision: nothing more to find. */
  public static final double MAX_DELTA = 0x1p60;

  /**
   * A bracket [δ/2, δ] by doubling or halving from {@code start}, then Brent's method to a relative
   * 1e-14 in δ (a KL's own relative error is then about twice that).
   *
   * @param what names f in the error when no δ up to {@link #MAX_DELTA} reaches the target
   * @throws IllegalArgumentException when no δ up to {@link #MAX_DELTA} reaches the target
   */
  public static double solve(DoubleUnaryOperator f, double target, double start, String what) {
    double hi = start;
    double fHi = f.applyAsDouble(hi);
    while (fHi < target) {
      hi *= 2;
      if (hi > MAX_DELTA) throw new IllegalArgumentException(what + " cannot reach " + target + " on this path");
      fHi = f.applyAsDouble(hi);
    }
    double lo = hi / 2;
    double fLo = f.applyAsDouble(lo);
    while (fLo >= target && lo > Double.MIN_NORMAL) {
      hi = lo;
      fHi = fLo;
      lo /= 2;
      fLo = f.applyAsDouble(lo);
    }
    if (fHi == target) return hi;
    if (fLo >= target) return lo; // target below what double precision separates from 0
    BrentSolver solver = new BrentSolver(1e-14, Double.MIN_NORMAL, 0.0);
    return solver.solve(500, d -> f.applyAsDouble(d) - target, lo, hi);
  }
}
