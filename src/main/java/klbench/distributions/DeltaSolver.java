package klbench.distributions;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * Solves f(δ) = target for the smallest δ &gt; 0 it can find, for any continuous f with f(0) = 0
 * that stays below the target near 0: how {@code target_kl} finds the δ of its KL along a {@link
 * PerturbationPath}. For an increasing f (a reference's KL(P‖Q_δ), one behaviour row's KL(μ_δ‖p))
 * that is the root; for a behaviour's KL(M_δ‖P), which is not monotone (the occupancies of M move
 * with δ), it is the first crossing found going up from the start, at the resolution of the scan
 * (its growth factor in δ: a rise above the target and back that spans less is not seen).
 */
public final class DeltaSolver {
  private DeltaSolver() {}

  /** Beyond this δ a perturbed distribution is one-hot in double precision: nothing more to find. */
  public static final double MAX_DELTA = 0x1p60;

  /** No δ up to the search's limit reaches the target; {@link #largest()} is the largest f seen. */
  public static final class OutOfReach extends IllegalArgumentException {
    private final double largest;

    OutOfReach(String message, double largest) {
      super(message);
      this.largest = largest;
    }

    /** The largest f(δ) the scan found. */
    public double largest() { return largest; }
  }

  /** {@link #solve(DoubleUnaryOperator, double, double, double, double, String)} by doubling, up to {@link #MAX_DELTA}. */
  public static double solve(DoubleUnaryOperator f, double target, double start, String what) {
    return solve(f, target, start, 2, MAX_DELTA, what);
  }

  /**
   * Divides δ by {@code growth} from {@code start} until f(δ) &lt; target, then multiplies it from
   * there until f(δ) ≥ target, and runs Brent's method on the last bracket [δ/growth, δ] to a
   * relative 1e-14 in δ (a KL's own relative error is then about twice that). For an increasing f
   * the bracket is the same whether the scan starts below or above the root, as long as the start
   * is on the same grid start·growth^k.
   *
   * @param growth the scan's factor, &gt; 1: 2 for an increasing f; smaller sees narrower bumps
   * @param maxDelta where the upward scan stops: beyond it f does not change any more
   * @param what names f in the error when no δ up to {@code maxDelta} reaches the target
   * @throws OutOfReach when no δ up to {@code maxDelta} reaches the target
   */
  public static double solve(DoubleUnaryOperator f, double target, double start, double growth, double maxDelta, String what) {
    if (!(growth > 1)) throw new IllegalArgumentException("growth must be > 1, got " + growth);
    double lo = start;
    double fLo = f.applyAsDouble(lo);
    while (fLo >= target && lo > Double.MIN_NORMAL) {
      lo /= growth;
      fLo = f.applyAsDouble(lo);
    }
    if (fLo >= target) return lo; // target below what double precision separates from 0
    double hi = lo;
    double fHi = fLo;
    double largest = fLo;
    while (fHi < target) {
      lo = hi;
      fLo = fHi;
      hi *= growth;
      if (hi > maxDelta) {
        throw new OutOfReach(what + " cannot reach " + target + " on this path (the largest value found is " + largest + ")", largest);
      }
      fHi = f.applyAsDouble(hi);
      largest = Math.max(largest, fHi);
    }
    if (fHi == target) return hi;
    BrentSolver solver = new BrentSolver(1e-14, Double.MIN_NORMAL, 0.0);
    return solver.solve(500, d -> f.applyAsDouble(d) - target, lo, hi);
  }
}
