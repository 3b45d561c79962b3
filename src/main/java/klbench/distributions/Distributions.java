package klbench.distributions;

import klbench.core.Triple;

/**
 * Builds the distribution triple (p, q, μ) of a {@link TripleSpec}, in log space throughout: each
 * role's family ({@link Families#of}) is built from the input this class gives it.
 *
 * <p>Randomness comes only from {@link StreamId}s keyed by what the draw means, so that a triple
 * is the same bits wherever and in whatever order it is built:
 *
 * <ul>
 *   <li>a family's own draws (the policy's logits θ): ("policy", family, V);
 *   <li>a reference or behaviour from a policy family: ("reference" or "behaviour", family, V),
 *       hence independent of p even for the same family and parameters;
 *   <li>the direction ε of {@code perturb} and {@code target_kl}: one per (policy, V) and role
 *       ("reference-direction", "behaviour-direction"), shared by every δ and every KL level, so
 *       that a grid's KL levels are points on one path q_δ = softmax(θ + δε).
 * </ul>
 *
 * <p>Pure Java: no Spark classes, so executors and the local {@code eval} share it.
 */
public final class Distributions {
  private Distributions() {}

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
    double[] logP = build(Role.POLICY, spec, null, seed, files);
    double[] logQ = build(Role.REFERENCE, spec, logP, seed, files);
    double[] logMu = build(Role.BEHAVIOUR, spec, logP, seed, files);
    return Triple.of(logP, logQ, logMu);
  }

  private static double[] build(Role role, TripleSpec spec, double[] logP, long seed, FileVectors files) {
    FamilySpec family = spec.family(role);
    return logProbs(family, input(role, family, spec.policy(), spec.vocabSize(), logP, seed, files));
  }

  /** log p for a policy family at vocabulary size {@code v}. */
  public static double[] policyLogProbs(FamilySpec policy, int v, long seed, FileVectors files) {
    return logProbs(policy, input(Role.POLICY, policy, policy, v, null, seed, files));
  }

  /**
   * What {@code family} is built from in {@code role} of a single-token triple: the streams named
   * as the class comment says. The one place those names are written.
   *
   * @param logP log p, or null when {@code role} is the policy
   */
  public static BuildInput input(
      Role role, FamilySpec family, FamilySpec policy, int v, double[] logP, long seed, FileVectors files) {
    StreamId draws = new StreamId(seed, role.id() + "|" + family.canonical() + "|V=" + v);
    StreamId direction = role == Role.POLICY ? null
        : new StreamId(seed, role.id() + "-direction|" + policy.canonical() + "|V=" + v);
    return new BuildInput(role, v, policy, logP, draws, direction, files);
  }

  /** The family in {@code in.role()} built: log-probabilities, or null for μ = p. */
  public static double[] logProbs(FamilySpec family, BuildInput in) {
    Family f = Families.of(family);
    if (!f.roles().contains(in.role())) {
      throw new IllegalArgumentException(family.canonical() + " cannot be a " + in.role().id()
          + " (" + f.name() + " takes the roles " + f.roles() + ")");
    }
    return f.build(family, in);
  }
}
