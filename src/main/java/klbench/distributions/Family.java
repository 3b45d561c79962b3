package klbench.distributions;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One distribution family of grid files (INTERFACE.md, "Grid file"), defined in one place: its
 * name, the roles it may take, its parameters and their validation, how it is built, and what
 * building it costs. A new family is a new implementation registered in {@link Families}; the grid
 * loader and the triple builder look families up by name and know none of them.
 *
 * <p>Implementations are stateless singletons: a {@link FamilySpec} (the name and parameter values)
 * says everything about one use.
 */
public interface Family {

  /** The name written in grid files and canonical texts, e.g. {@code gaussian}. */
  String name();

  /** The roles it may take: a policy family is a distribution on its own; others are defined from p. */
  Set<Role> roles();

  /** Its parameters, in the order they are written to canonical texts. */
  List<String> parameters();

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
   * Why {@code spec} cannot be built on the policy of {@code input}, or null when it can: checked
   * on the driver before anything runs, so that a run cannot fail half-way through. The supplier
   * computes the policy's log p; call it only when the answer depends on p.
   */
  default ParameterProblem problemOn(FamilySpec spec, Supplier<BuildInput> input) {
    return null;
  }

  /**
   * Log-probabilities of length V (a new array; −∞ where a token has probability 0), or null for a
   * behaviour that samples from p itself.
   *
   * @throws IllegalArgumentException when the parameters cannot be met on this p (a grid loaded
   *     by the loader has been checked with {@link #problemOn})
   */
  double[] build(FamilySpec spec, BuildInput input);

  /**
   * O(V) passes that building the family costs beyond the one pass every triple is counted at
   * ({@link TripleSpec#buildPasses()}): 0 unless the family solves for something.
   */
  default long extraBuildPasses(FamilySpec spec) {
    return 0;
  }
}
