package klbench.distributions;

import java.io.Serializable;
import klbench.core.Contexts;
import klbench.core.SequenceModel;

/**
 * What defines one model of responses (SEQUENCES.md): the vocabulary size, the three families of
 * the distribution triple (p, q, μ) that every row applies, the horizon T and the contexts. With
 * T = 1 and one context (the single-token case, and the only one before sequences) it is one
 * triple, hence the name. Every estimator, discount, baseline and batch size of a grid that share
 * it are evaluated on one built model and, per batch size, on the same sampled responses.
 *
 * <p>The name stays TripleSpec rather than a new ModelSpec: a model is the triple's families
 * applied row by row, its identity ({@link #key()}) is the triple's with the shape appended, and
 * the grid, the Spark job's work units and the result rows all keep their one spec per model.
 */
public record TripleSpec(
    int vocabSize, FamilySpec policy, FamilySpec reference, FamilySpec behaviour, int horizon, Contexts contexts)
    implements Serializable {

  public TripleSpec {
    if (horizon < 1) throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    if (contexts == null) throw new IllegalArgumentException("contexts must be given");
  }

  /** A single-token triple: horizon 1, one context. */
  public TripleSpec(int vocabSize, FamilySpec policy, FamilySpec reference, FamilySpec behaviour) {
    this(vocabSize, policy, reference, behaviour, 1, Contexts.ONE);
  }

  /**
   * A stable text identity, the input of random-stream and config_id derivation. The horizon and
   * contexts are appended only where they differ from one token's (1 and 1), so that single-token
   * models keep the keys, streams and config_ids they had before sequences.
   */
  public String key() {
    return "V=" + vocabSize + "|p=" + policy.canonical() + "|q=" + reference.canonical()
        + "|mu=" + behaviour.canonical()
        + (horizon == 1 ? "" : "|T=" + horizon)
        + (contexts.equals(Contexts.ONE) ? "" : "|contexts=" + contexts.id());
  }

  /** The family in {@code role}. */
  public FamilySpec family(Role role) {
    return switch (role) {
      case POLICY -> policy;
      case REFERENCE -> reference;
      case BEHAVIOUR -> behaviour;
    };
  }

  /** True for the single-token case: horizon 1 (which has one context whatever the count). */
  public boolean singleToken() {
    return horizon == 1;
  }

  /** The number of rows, Σ_t H_t ({@link SequenceModel#rows}); saturates at Long.MAX_VALUE. */
  public long rows() {
    return SequenceModel.rows(vocabSize, horizon, contexts);
  }

  /**
   * The cost of building the model in O(V) passes over its rows, per row: one, plus what each
   * family adds ({@link Family#extraBuildPasses}).
   */
  public long buildPasses() {
    long passes = 1;
    for (Role r : Role.values()) passes += Families.of(family(r)).extraBuildPasses(family(r));
    return passes;
  }
}
