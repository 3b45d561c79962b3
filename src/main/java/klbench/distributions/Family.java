package klbench.distributions;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One distribution family of grid files (INTERFACE.md, "Grid file"), defined in one place: its
 * name, the roles it may take, its parameters and their validation, how it builds a row of a model
 * of responses, and what building it costs. A new family is a new implementation registered in
 * {@link Families}; the grid loader and the model builder look families up by name and know none
 * of them.
 *
 * <p>Implementations are stateless singletons: a {@link FamilySpec} (the name and parameter values)
 * says everything about one use. A family applies row by row (SEQUENCES.md, "Families per row"):
 * {@link #build} makes row (t, c) from that row's own streams ({@link BuildInput}); a family that
 * needs the whole model (target_kl's one global δ) reaches it through {@link BuildInput#model()}.
 */
public interface Family {

  /** The name written in grid files and canonical texts, e.g. {@code gaussian}. */
  String name();

  /** The roles it may take: a policy family is a distribution on its own; others are defined from p. */
  Set<Role> roles();

  /** Its parameters, in the order they are written to canonical texts. */
  List<String> parameters();

  /**
   * The parameters that may be left out (those with a default that leaves the canonical text as it
   * was before they existed, such as {@code spread}); a spec lacks them when they are at their
   * default.
   */
  default List<String> optionalParameters() {
    return List.of();
  }

  /** The keys a user may write; {@link #parameters()} unless the family fills some in itself. */
  default List<String> writableKeys() {
    return parameters();
  }

  /**
   * Validates the parameters as written ({@code params} may be missing or null for a family without
   * any) and returns the spec, values normalised (integers widened, as {@link Families#spec} does).
   * Bad input is thrown through {@code params}, naming the parameter; the caller has already
   * rejected keys outside {@link #writableKeys()}.
   *
   * @param files where data files are read from and their contents go, for families that read any
   */
  FamilySpec read(ParameterNode params, FileSource files);

  /** The vocabulary size the family fixes (its own length), or empty when it fits any V. */
  default OptionalInt fixedSize(FamilySpec spec, FileVectors files) {
    return OptionalInt.empty();
  }

  /**
   * The horizon and contexts the family fixes (a long-form file's), or empty when it fits any
   * model (its rows are drawn per row, or one row is copied to every row).
   */
  default Optional<SequenceShape> fixedShape(FamilySpec spec, FileVectors files) {
    return Optional.empty();
  }

  /**
   * The parameter of {@code spec} that acts only across the rows of a response ({@code spread}),
   * when it is set; null otherwise. A grid whose horizons are all 1 has one row per model, where
   * such a parameter means nothing.
   */
  default String sequenceParameter(FamilySpec spec) {
    return null;
  }

  /**
   * Why {@code spec} cannot be built on the model of {@code model}, or null when it can: checked
   * on the driver before anything runs, so that a run cannot fail half-way through. Call the
   * supplier only when the answer depends on the model's rows.
   */
  default ParameterProblem problemOn(FamilySpec spec, Supplier<ModelInput> model) {
    return null;
  }

  /**
   * Log-probabilities of row (t, c) of the model ({@link BuildInput}), of length V (a new array;
   * −∞ where a token has probability 0), or null for a behaviour that samples from p itself.
   *
   * @throws IllegalArgumentException when the parameters cannot be met on this model (a grid
   *     loaded by the loader has been checked with {@link #problemOn})
   */
  double[] build(FamilySpec spec, BuildInput input);

  /**
   * O(V) passes over every row of a model that building the family costs beyond the one pass every
   * row is counted at ({@link TripleSpec#buildPasses()}): 0 unless the family solves for something.
   */
  default long extraBuildPasses(FamilySpec spec) {
    return 0;
  }
}
