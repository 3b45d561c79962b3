package klbench.distributions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of distribution families: every {@link Family} by name. Registering a family here
 * is all it takes for grid files to use it in the roles it declares.
 */
public final class Families {
  private Families() {}

  /** Largest vocabulary: 2^24 tokens, so that one triple's dozen V-length arrays stay within a few GB. */
  public static final int MAX_VOCAB_SIZE = 1 << 24;

  /**
   * Every family, in the order messages list them: on_policy, the policy families, then the
   * families defined from p.
   */
  private static final List<Family> ALL = List.of(
      OnPolicy.FAMILY,
      Uniform.FAMILY, Gaussian.FAMILY, Zipf.FAMILY, NormalGrid.FAMILY, Probs.FAMILY, FileFamily.FAMILY,
      Perturb.FAMILY, TargetKl.FAMILY, Temperature.FAMILY);

  private static final Map<String, Family> BY_NAME = new LinkedHashMap<>();

  static {
    for (Family f : ALL) {
      if (BY_NAME.put(f.name(), f) != null) throw new ExceptionInInitializerError("two families named " + f.name());
    }
  }

  public static List<Family> all() {
    return ALL;
  }

  /** The family called {@code name}, or null when there is none. */
  public static Family byName(String name) {
    return BY_NAME.get(name);
  }

  /** The family of {@code spec}. */
  public static Family of(FamilySpec spec) {
    Family f = BY_NAME.get(spec.family());
    if (f == null) throw new IllegalArgumentException("unknown family " + spec.family());
    return f;
  }

  /** The names of the families that may take {@code role}, in registry order. */
  public static List<String> names(Role role) {
    List<String> out = new ArrayList<>();
    for (Family f : ALL) if (f.roles().contains(role)) out.add(f.name());
    return List.copyOf(out);
  }

  /**
   * A family spec from alternating names and values, in declared order; integers are widened to
   * Double so that canonical texts do not depend on how a number was written.
   */
  public static FamilySpec spec(String family, Object... namesAndValues) {
    Family f = byName(family);
    if (f == null) throw new IllegalArgumentException("unknown family " + family);
    List<String> declared = f.parameters();
    if (namesAndValues.length != 2 * declared.size()) {
      throw new IllegalArgumentException(family + " takes " + declared);
    }
    LinkedHashMap<String, Object> params = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String name = (String) namesAndValues[i];
      if (!name.equals(declared.get(i / 2))) throw new IllegalArgumentException(family + " takes " + declared + " in that order");
      Object v = namesAndValues[i + 1];
      if (v instanceof Number n) v = n.doubleValue();
      if (v instanceof List<?> l) {
        List<Double> ds = new ArrayList<>();
        for (Object o : l) ds.add(((Number) o).doubleValue());
        v = List.copyOf(ds);
      }
      params.put(name, v);
    }
    return new FamilySpec(family, params);
  }

  /** A fixed-size family's length must be a vocabulary size: 2 … {@value #MAX_VOCAB_SIZE}. */
  static void checkLength(ParameterNode node, int n) {
    if (n < 2 || n > MAX_VOCAB_SIZE) {
      throw node.bad("has " + n + " tokens, a vocabulary needs 2 to " + MAX_VOCAB_SIZE);
    }
  }
}
