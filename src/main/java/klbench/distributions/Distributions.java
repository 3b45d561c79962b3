package klbench.distributions;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import klbench.core.LogSpace;
import klbench.core.Streams;
import klbench.core.Triple;
import klbench.grid.Families;
import klbench.grid.FamilySpec;
import klbench.grid.TripleSpec;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * Builds the distribution triple (p, q, μ) of a {@link TripleSpec}, in log space throughout.
 *
 * <p>Randomness comes only from {@link Streams#derive} keyed by what the draw means, so that a
 * triple is the same bits wherever and in whatever order it is built:
 *
 * <ul>
 *   <li>the policy's logits θ: ("policy", family, V);
 *   <li>a reference or behaviour from a policy family: ("reference" or "behaviour", family, V),
 *       hence independent of p even for the same family and parameters;
 *   <li>the direction ε of {@code perturb} and {@code target_kl}: one per (policy, V) and role
 *       ("reference-direction", "behaviour-direction"), shared by every δ and every KL level, so
 *       that a grid's KL levels are points on one path q_δ = softmax(θ + δε).
 * </ul>
 *
 * <p>{@code target_kl} solves for δ &gt; 0. For the reference, KL(p‖q_δ) = A(δ) − A(0) − δ E_p[ε]
 * (A the log-partition of θ + δε) is convex in δ, 0 with zero slope at δ = 0 and unbounded when p
 * has two or more tokens; for the behaviour, KL(μ_δ‖p) has slope δ Var_{μ_δ}(ε) ≥ 0, so it
 * increases too, but towards the finite limit −log p(x*) with x* = argmax ε (see {@link
 * #behaviourTargetKlLimit}). Either way the root is bracketed by doubling (or halving) δ and then
 * found by Brent's method; the result is checked to a relative {@value #TARGET_KL_TOLERANCE}.
 *
 * <p>Pure Java: no Spark classes, so executors and the local {@code eval} share it.
 */
public final class Distributions {
  private Distributions() {}

  /** Relative accuracy of KL(p‖q) (or KL(μ‖p)) of a {@code target_kl} family. */
  public static final double TARGET_KL_TOLERANCE = 1e-9;

  /** A triple without file families (those need {@link #build(TripleSpec, long, FileVectors)}). */
  public static Triple build(TripleSpec spec, long seed) {
    return build(spec, seed, FileVectors.empty());
  }

  /**
   * The triple of {@code spec} under the grid seed {@code seed}.
   *
   * @param files the contents of the grid's file families ({@code Grid.files()}), read once on the
   *     driver and broadcast
   * @throws IllegalArgumentException if a {@code target_kl} cannot be reached (the grid loader
   *     rejects such grids up front)
   */
  public static Triple build(TripleSpec spec, long seed, FileVectors files) {
    int v = spec.vocabSize();
    double[] logP = policyLogProbs(spec.policy(), v, seed, files);
    double[] logQ = referenceLogProbs(spec.reference(), spec.policy(), logP, seed, files);
    double[] logMu = behaviourLogProbs(spec.behaviour(), spec.policy(), logP, seed, files);
    return Triple.of(logP, logQ, logMu);
  }

  /** log p for a policy family at vocabulary size {@code v}. */
  public static double[] policyLogProbs(FamilySpec policy, int v, long seed, FileVectors files) {
    return standalone("policy", policy, v, seed, files);
  }

  /** log q: a policy family drawn independently of p, or a family defined from p. */
  public static double[] referenceLogProbs(
      FamilySpec reference, FamilySpec policy, double[] logP, long seed, FileVectors files) {
    int v = logP.length;
    return switch (reference.family()) {
      case Families.PERTURB -> perturbed(logP, direction("reference-direction", policy, v, seed), reference.number("delta"));
      case Families.TARGET_KL -> {
        double[] eps = direction("reference-direction", policy, v, seed);
        double kl = reference.number("kl");
        double delta = solveDelta(d -> LogSpace.kl(logP, perturbed(logP, eps, d)), kl, firstGuess(logP, eps, kl), "KL(p||q)");
        yield checked(perturbed(logP, eps, delta), logP, kl, false);
      }
      case Families.TEMPERATURE -> tempered(logP, reference.number("tau"));
      default -> standalone("reference", reference, v, seed, files);
    };
  }

  /** log μ, or null for on-policy sampling (μ = p). */
  public static double[] behaviourLogProbs(
      FamilySpec behaviour, FamilySpec policy, double[] logP, long seed, FileVectors files) {
    int v = logP.length;
    return switch (behaviour.family()) {
      case Families.ON_POLICY -> null;
      case Families.PERTURB -> perturbed(logP, direction("behaviour-direction", policy, v, seed), behaviour.number("delta"));
      case Families.TARGET_KL -> {
        double[] eps = direction("behaviour-direction", policy, v, seed);
        double kl = behaviour.number("kl");
        double limit = behaviourTargetKlLimit(logP, eps);
        if (!(kl < limit)) {
          throw new IllegalArgumentException("target_kl(kl=" + kl + ") is out of reach for the behaviour of "
              + policy.canonical() + " at V=" + v + ": KL(mu||p) < " + limit + " for every delta");
        }
        double delta = solveDelta(d -> LogSpace.kl(perturbed(logP, eps, d), logP), kl, firstGuess(logP, eps, kl), "KL(mu||p)");
        yield checked(perturbed(logP, eps, delta), logP, kl, true);
      }
      case Families.TEMPERATURE -> tempered(logP, behaviour.number("tau"));
      default -> standalone("behaviour", behaviour, v, seed, files);
    };
  }

  /**
   * sup over δ &gt; 0 of KL(μ_δ‖p), μ_δ = softmax(log p + δ ε′) with the behaviour direction of
   * {@code policy}: as δ → ∞, μ_δ concentrates on x* = argmax of ε′ over the tokens with p &gt; 0,
   * and KL(μ_δ‖p) → −log p(x*). A behaviour {@code target_kl} must ask for less.
   */
  public static double behaviourTargetKlLimit(FamilySpec policy, double[] logP, long seed) {
    return behaviourTargetKlLimit(logP, direction("behaviour-direction", policy, logP.length, seed));
  }

  /** The number of tokens with p &gt; 0; a reference {@code target_kl} needs two or more. */
  public static int support(double[] logP) {
    int n = 0;
    for (double l : logP) if (l != Double.NEGATIVE_INFINITY) n++;
    return n;
  }

  private static double behaviourTargetKlLimit(double[] logP, double[] eps) {
    int best = -1;
    for (int x = 0; x < logP.length; x++) {
      if (logP[x] != Double.NEGATIVE_INFINITY && (best < 0 || eps[x] > eps[best])) best = x;
    }
    return -logP[best];
  }

  /** A family that is a distribution on its own (the policy families), drawn for {@code role}. */
  private static double[] standalone(String role, FamilySpec f, int v, long seed, FileVectors files) {
    switch (f.family()) {
      case Families.UNIFORM:
        return LogSpace.logSoftmax(new double[v]);
      case Families.GAUSSIAN: {
        double sigma = f.number("sigma");
        ZigguratSampler.NormalizedGaussian z = gaussian(role, f, v, seed);
        double[] theta = new double[v];
        for (int j = 0; j < v; j++) theta[j] = sigma * z.sample();
        return LogSpace.logSoftmax(theta);
      }
      case Families.ZIPF: {
        double s = f.number("exponent");
        double[] theta = new double[v];
        for (int j = 0; j < v; j++) theta[j] = -s * Math.log(j + 1.0);
        return LogSpace.logSoftmax(theta);
      }
      case Families.NORMAL_GRID: {
        double mean = f.number("mean");
        double std = f.number("std");
        double lo = f.number("lo");
        double hi = f.number("hi");
        double[] theta = new double[v];
        for (int j = 0; j < v; j++) {
          double x = lo + (hi - lo) * j / (v - 1);
          double d = x - mean;
          theta[j] = -(d * d) / (2 * std * std);
        }
        return LogSpace.logSoftmax(theta);
      }
      case Families.PROBS: {
        @SuppressWarnings("unchecked")
        List<Double> list = (List<Double>) f.params().get("values");
        double[] values = new double[list.size()];
        for (int j = 0; j < values.length; j++) values[j] = list.get(j);
        return fixed(f, v, values, ValuesKind.PROBS);
      }
      case Families.FILE:
        return fixed(f, v, files.values(f), ValuesKind.byId((String) f.params().get("kind")));
      default:
        throw new IllegalArgumentException(f.family() + " is not a distribution on its own (" + role + ")");
    }
  }

  private static double[] fixed(FamilySpec f, int v, double[] values, ValuesKind kind) {
    if (values.length != v) {
      throw new IllegalArgumentException(f.canonical() + " has " + values.length + " tokens, not V=" + v);
    }
    String problem = kind.problem(values);
    if (problem != null) throw new IllegalArgumentException(f.canonical() + ": " + problem);
    return kind.toLogProbs(values);
  }

  private static ZigguratSampler.NormalizedGaussian gaussian(String role, FamilySpec f, int v, long seed) {
    UniformRandomProvider rng = Streams.derive(seed, role + "|" + f.canonical() + "|V=" + v, 0);
    return ZigguratSampler.NormalizedGaussian.of(rng);
  }

  /** ε ~ N(0, I_V), one per (seed, policy, V, role of the direction). */
  static double[] direction(String which, FamilySpec policy, int v, long seed) {
    ZigguratSampler.NormalizedGaussian z = gaussian(which, policy, v, seed);
    double[] eps = new double[v];
    for (int j = 0; j < v; j++) eps[j] = z.sample();
    return eps;
  }

  /** log softmax(log p + δ ε); tokens with p = 0 stay at −∞. */
  static double[] perturbed(double[] logP, double[] eps, double delta) {
    double[] theta = new double[logP.length];
    for (int j = 0; j < theta.length; j++) theta[j] = logP[j] + delta * eps[j];
    return LogSpace.logSoftmax(theta);
  }

  /** log softmax(θ/τ); log p differs from θ by a constant, which the softmax drops. */
  static double[] tempered(double[] logP, double tau) {
    double[] theta = new double[logP.length];
    for (int j = 0; j < theta.length; j++) theta[j] = logP[j] / tau;
    return LogSpace.logSoftmax(theta);
  }

  /** Beyond this δ the perturbed distribution is one-hot in double precision: nothing more to find. */
  private static final double MAX_DELTA = 0x1p60;

  /**
   * Where to start looking for δ: both KLs along the path are δ² Var_p(ε)/2 + O(δ³) (the Fisher
   * information of the exponential family at δ = 0), so √(2 kl / Var_p(ε)) is close for small
   * kl and within a few doublings otherwise. 1 when ε is constant on the support of p.
   */
  static double firstGuess(double[] logP, double[] eps, double kl) {
    double mean = 0;
    double square = 0;
    for (int j = 0; j < logP.length; j++) {
      if (logP[j] == Double.NEGATIVE_INFINITY) continue;
      double p = Math.exp(logP[j]);
      mean += p * eps[j];
      square += p * eps[j] * eps[j];
    }
    double guess = Math.sqrt(2 * kl / (square - mean * mean));
    return guess > 0 && Double.isFinite(guess) ? Math.min(guess, MAX_DELTA / 2) : 1.0;
  }

  /**
   * δ &gt; 0 with kl(δ) = target, for kl increasing on δ &gt; 0 with kl(0) = 0: a bracket [δ/2, δ]
   * by doubling or halving from {@code start}, then Brent's method to a relative 1e-14 in δ (the
   * KL's own relative error is then about twice that, far inside the tolerance).
   */
  static double solveDelta(DoubleUnaryOperator kl, double target, double start, String what) {
    double hi = start;
    double fHi = kl.applyAsDouble(hi);
    while (fHi < target) {
      hi *= 2;
      if (hi > MAX_DELTA) throw new IllegalArgumentException(what + " cannot reach " + target + " on this path");
      fHi = kl.applyAsDouble(hi);
    }
    double lo = hi / 2;
    double fLo = kl.applyAsDouble(lo);
    while (fLo >= target && lo > Double.MIN_NORMAL) {
      hi = lo;
      fHi = fLo;
      lo /= 2;
      fLo = kl.applyAsDouble(lo);
    }
    if (fHi == target) return hi;
    if (fLo >= target) return lo; // target below what double precision separates from 0
    BrentSolver solver = new BrentSolver(1e-14, Double.MIN_NORMAL, 0.0);
    return solver.solve(500, d -> kl.applyAsDouble(d) - target, lo, hi);
  }

  private static double[] checked(double[] logOther, double[] logP, double target, boolean behaviour) {
    double got = behaviour ? LogSpace.kl(logOther, logP) : LogSpace.kl(logP, logOther);
    // Relative 1e-9, but never below the rounding floor of a KL computed from normalised log
    // probabilities: their normaliser is exact only to ~1e-16 absolute, which a KL of 1e-8 feels
    // as a relative 1e-8 (found by a target_kl of 1e-8 on V = 32).
    double floor = 1e-14 * Math.sqrt(logP.length);
    if (!(Math.abs(got - target) <= Math.max(TARGET_KL_TOLERANCE * target, floor))) {
      throw new IllegalStateException((behaviour ? "KL(mu||p)" : "KL(p||q)") + " = " + got
          + " misses its target " + target + " by more than a relative " + TARGET_KL_TOLERANCE);
    }
    return logOther;
  }
}
