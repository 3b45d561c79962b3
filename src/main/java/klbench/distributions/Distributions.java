package klbench.distributions;

import klbench.core.SequenceModel;
import klbench.core.Triple;

/**
 * Builds the model of responses of a {@link TripleSpec} (SEQUENCES.md, "Families per row"): row
 * (t, c) is the triple (p, q, μ) that each role's family ({@link Families#of}) builds from that
 * row's input ({@link ModelInput}), in log space throughout. With horizon 1 the model is one row,
 * (1, 0), built from the single-token streams: the triple of ESTIMATORS.md.
 *
 * <p>Randomness comes only from {@link StreamId}s keyed by what the draw means and by the row
 * ({@link ModelInput} names them), so that a row is the same bits wherever, in whatever order and
 * however often it is built: the core rebuilds the rows of a model too large to keep at every pass.
 *
 * <p>Pure Java: no Spark classes, so executors and the local {@code eval} share it.
 */
public final class Distributions {
  private Distributions() {}

  /**
   * The model of {@code spec} under the grid seed {@code seed}: {@link SequenceModel#of}, whose
   * rows come from their streams on demand (a {@code target_kl}'s δ is solved once, on the first
   * row asked for).
   *
   * @param files the contents of the grid's file families ({@code Grid.files()}), read once on the
   *     driver and broadcast
   * @throws IllegalArgumentException when a row is asked for and a {@code target_kl} cannot be
   *     reached (the grid loader rejects such grids up front)
   */
  public static SequenceModel model(TripleSpec spec, long seed, FileVectors files) {
    return SequenceModel.of(spec.vocabSize(), spec.horizon(), spec.contexts(), rows(spec, seed, files));
  }

  /** The rows of the model of {@code spec}, each built afresh when asked for. */
  public static SequenceModel.RowSource rows(TripleSpec spec, long seed, FileVectors files) {
    ModelInput.PolicyRows policy = policyRows(spec, seed, files);
    ModelInput reference = new ModelInput(Role.REFERENCE, spec, seed, files, policy);
    ModelInput behaviour = new ModelInput(Role.BEHAVIOUR, spec, seed, files, policy);
    return (t, c) -> {
      double[] logP = policy.logProbs(t, c);
      return Triple.of(logP, logProbs(spec.reference(), reference.row(t, c, logP)),
          logProbs(spec.behaviour(), behaviour.row(t, c, logP)));
    };
  }

  /** A single-token triple without file families (those need {@link #build(TripleSpec, long, FileVectors)}). */
  public static Triple build(TripleSpec spec, long seed) {
    return build(spec, seed, FileVectors.empty());
  }

  /**
   * The triple of a single-token spec (horizon 1): its model's one row.
   *
   * @throws IllegalArgumentException for a spec of several positions (use {@link #model})
   */
  public static Triple build(TripleSpec spec, long seed, FileVectors files) {
    if (!spec.singleToken()) {
      throw new IllegalArgumentException("a model of horizon " + spec.horizon() + " is not one triple: build its model");
    }
    return rows(spec, seed, files).row(1, 0);
  }

  /** What the family of {@code role} in {@code spec} is built from, row by row. */
  public static ModelInput input(Role role, TripleSpec spec, long seed, FileVectors files) {
    return new ModelInput(role, spec, seed, files, role == Role.POLICY ? null : policyRows(spec, seed, files));
  }

  /** log p of row (1, 0), the single-token policy, for a policy family at vocabulary size {@code v}. */
  public static double[] policyLogProbs(FamilySpec policy, int v, long seed, FileVectors files) {
    return policyRows(new TripleSpec(v, policy, policy, policy), seed, files).logProbs(1, 0);
  }

  private static ModelInput.PolicyRows policyRows(TripleSpec spec, long seed, FileVectors files) {
    ModelInput input = new ModelInput(Role.POLICY, spec, seed, files, null);
    return (t, c) -> logProbs(spec.policy(), input.row(t, c));
  }

  /** The family in {@code in.role()} built on row {@code in}: log-probabilities, or null for μ = p. */
  public static double[] logProbs(FamilySpec family, BuildInput in) {
    Family f = Families.of(family);
    if (!f.roles().contains(in.role())) {
      throw new IllegalArgumentException(family.canonical() + " cannot be a " + in.role().id()
          + " (" + f.name() + " takes the roles " + f.roles() + ")");
    }
    return f.build(family, in);
  }
}
