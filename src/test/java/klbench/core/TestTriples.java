package klbench.core;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random triples for tests: p = softmax(σ·z), q and μ perturbations of p's logits. */
final class TestTriples {
  private TestTriples() {}

  static double[] gaussianLogits(int v, double sigma, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] th = new double[v];
    for (int i = 0; i < v; i++) th[i] = sigma * gauss(r);
    return th;
  }

  static double[] perturbed(double[] logits, double delta, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] out = logits.clone();
    for (int i = 0; i < out.length; i++) out[i] += delta * gauss(r);
    return out;
  }

  private static double gauss(SplittableRandom r) {
    // Box-Muller: tests only need some spread, not speed.
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  static Triple onPolicy(int v, double delta, long seed) {
    double[] th = gaussianLogits(v, 1.0, seed);
    return Triple.of(LogSpace.logSoftmax(th), LogSpace.logSoftmax(perturbed(th, delta, seed + 1)), null);
  }

  static Triple offPolicy(int v, double delta, double behaviourDelta, long seed) {
    double[] th = gaussianLogits(v, 1.0, seed);
    return Triple.of(LogSpace.logSoftmax(th), LogSpace.logSoftmax(perturbed(th, delta, seed + 1)),
        LogSpace.logSoftmax(perturbed(th, behaviourDelta, seed + 2)));
  }

  /** Every value function under every gradient rule, unclamped. */
  static List<Estimator> allPairs() {
    List<Estimator> out = new ArrayList<>();
    for (ValueFunction f : ValueFunction.values()) {
      for (GradientRule r : GradientRule.values()) out.add(Estimator.of(f, r));
    }
    return out;
  }

  static int indexOf(List<Estimator> es, ValueFunction f, GradientRule r) {
    for (int i = 0; i < es.size(); i++) {
      if (es.get(i).value() == f && es.get(i).rule() == r) return i;
    }
    throw new IllegalArgumentException(f + "/" + r);
  }

  static double norm(double[] a) {
    double s = 0;
    for (double x : a) s += x * x;
    return Math.sqrt(s);
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return Math.sqrt(s);
  }
}
