package klbench.distributions;

import java.io.Serializable;

/**
 * What defines one distribution triple (p, q, μ): the vocabulary size and the three families. Every
 * estimator, baseline and batch size of a grid that share it are evaluated on one built triple and,
 * per batch size, on the same sampled tokens.
 */
public record TripleSpec(int vocabSize, FamilySpec policy, FamilySpec reference, FamilySpec behaviour)
    implements Serializable {

  /** A stable text identity, the input of random-stream and config_id derivation. */
  public String key() {
    return "V=" + vocabSize + "|p=" + policy.canonical() + "|q=" + reference.canonical()
        + "|mu=" + behaviour.canonical();
  }

  /** The family in {@code role}. */
  public FamilySpec family(Role role) {
    return switch (role) {
      case POLICY -> policy;
      case REFERENCE -> reference;
      case BEHAVIOUR -> behaviour;
    };
  }

  /**
   * The cost of building the triple in O(V) passes: one, plus what each family adds ({@link
   * Family#extraBuildPasses}).
   */
  public long buildPasses() {
    long passes = 1;
    for (Role r : Role.values()) passes += Families.of(family(r)).extraBuildPasses(family(r));
    return passes;
  }
}
