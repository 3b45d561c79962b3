package klbench.distributions;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import klbench.core.LogSpace;

/**
 * {@code target_kl: {kl}}: the point of the role's {@link PerturbationPath} at which the KL reaches
 * {@code kl}: KL(p‖q) for a reference, KL(μ‖p) for a behaviour, to a relative {@value #TOLERANCE}.
 *
 * <p>For the reference, KL(p‖q_δ) = A(δ) − A(0) − δ E_p[ε] (A the log-partition of θ + δε) is
 * convex in δ, 0 with zero slope at δ = 0 and unbounded when p has two or more tokens; for the
 * behaviour, KL(μ_δ‖p) has slope δ Var_{μ_δ}(ε) ≥ 0, so it increases too, but towards the finite
 * limit −log p(x*) with x* = argmax ε ({@link PerturbationPath#reverseKlLimit}). Either way
 * {@link DeltaSolver} finds the root.
 */
final class TargetKl implements Family {
  static final TargetKl FAMILY = new TargetKl();

  /** Relative accuracy of KL(p‖q) (or KL(μ‖p)). */
  static final double TOLERANCE = 1e-9;

  /** KL evaluations, each an O(V) pass, to bracket δ and solve for it: about 60. */
  static final long SOLVE_PASSES = 60;

  private TargetKl() {}

  @Override public String name() { return "target_kl"; }

  @Override public Set<Role> roles() { return Set.of(Role.REFERENCE, Role.BEHAVIOUR); }

  @Override public List<String> parameters() { return List.of("kl"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name(), "kl", params.child("kl").positive());
  }

  @Override
  public long extraBuildPasses(FamilySpec spec) {
    return SOLVE_PASSES;
  }

  /**
   * A reference needs a policy with two or more tokens of positive probability; a behaviour needs
   * kl below the limit KL(μ_δ‖p) tends to.
   */
  @Override
  public ParameterProblem problemOn(FamilySpec spec, Supplier<BuildInput> inputs) {
    BuildInput input = inputs.get();
    double[] logP = input.logP();
    String policy = input.policy().canonical() + " at V=" + input.vocabSize();
    if (input.role() == Role.BEHAVIOUR) {
      double limit = behaviourLimit(input);
      double kl = spec.number("kl");
      if (!(kl < limit)) {
        return new ParameterProblem("kl", "must be < " + limit + " for policy " + policy
            + " (KL(mu||p) tends to -log p(x*) = " + limit + " as mu = softmax(theta + delta*eps) grows one-hot on x*), got " + kl);
      }
    } else if (support(logP) < 2) {
      return new ParameterProblem("kl", "cannot be reached for policy " + policy
          + ": p has one token of positive probability, so KL(p||q) = 0 all along q = softmax(theta + delta*eps)");
    }
    return null;
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    double[] logP = input.logP();
    double[] eps = PerturbationPath.direction(input.direction(), input.vocabSize());
    double kl = spec.number("kl");
    if (input.role() == Role.BEHAVIOUR) {
      double limit = PerturbationPath.reverseKlLimit(logP, eps);
      if (!(kl < limit)) {
        throw new IllegalArgumentException("target_kl(kl=" + kl + ") is out of reach for the behaviour of "
            + input.policy().canonical() + " at V=" + input.vocabSize() + ": KL(mu||p) < " + limit + " for every delta");
      }
      double delta = DeltaSolver.solve(d -> LogSpace.kl(PerturbationPath.at(logP, eps, d), logP), kl,
          PerturbationPath.firstGuess(logP, eps, kl), "KL(mu||p)");
      return checked(PerturbationPath.at(logP, eps, delta), logP, kl, true);
    }
    double delta = DeltaSolver.solve(d -> LogSpace.kl(logP, PerturbationPath.at(logP, eps, d)), kl,
        PerturbationPath.firstGuess(logP, eps, kl), "KL(p||q)");
    return checked(PerturbationPath.at(logP, eps, delta), logP, kl, false);
  }

  /** sup over δ of KL(μ_δ‖p) on the behaviour's path: a behaviour {@code target_kl} must ask for less. */
  static double behaviourLimit(BuildInput input) {
    return PerturbationPath.reverseKlLimit(input.logP(), PerturbationPath.direction(input.direction(), input.vocabSize()));
  }

  /** The number of tokens with p &gt; 0. */
  static int support(double[] logP) {
    int n = 0;
    for (double l : logP) if (l != Double.NEGATIVE_INFINITY) n++;
    return n;
  }

  private static double[] checked(double[] logOther, double[] logP, double target, boolean behaviour) {
    double got = behaviour ? LogSpace.kl(logOther, logP) : LogSpace.kl(logP, logOther);
    // Relative 1e-9, but never below the rounding floor of a KL computed from normalised log
    // probabilities: their normaliser is exact only to ~1e-16 absolute, which a KL of 1e-8 feels
    // as a relative 1e-8 (found by a target_kl of 1e-8 on V = 32).
    double floor = 1e-14 * Math.sqrt(logP.length);
    if (!(Math.abs(got - target) <= Math.max(TOLERANCE * target, floor))) {
      throw new IllegalStateException((behaviour ? "KL(mu||p)" : "KL(p||q)") + " = " + got
          + " misses its target " + target + " by more than a relative " + TOLERANCE);
    }
    return logOther;
  }
}
