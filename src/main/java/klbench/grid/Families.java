package klbench.grid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The distribution families of grid files (INTERFACE.md, "Grid file"): their names, which role
 * (policy, reference, behaviour) may use each, and their parameters in declared order. The maths of
 * each family lives in {@code klbench.distributions.Distributions}.
 */
public final class Families {
  private Families() {}

  // Policy families: a distribution on their own; usable in every role.
  public static final String UNIFORM = "uniform";
  public static final String GAUSSIAN = "gaussian";
  public static final String ZIPF = "zipf";
  public static final String NORMAL_GRID = "normal_grid";
  public static final String PROBS = "probs";
  public static final String FILE = "file";
  // Families defined relative to the policy p.
  public static final String PERTURB = "perturb";
  public static final String TARGET_KL = "target_kl";
  public static final String TEMPERATURE = "temperature";
  // Behaviour only: μ = p.
  public static final String ON_POLICY = "on_policy";

  public static final List<String> POLICY = List.of(UNIFORM, GAUSSIAN, ZIPF, NORMAL_GRID, PROBS, FILE);
  public static final List<String> REFERENCE = concat(POLICY, List.of(PERTURB, TARGET_KL, TEMPERATURE));
  public static final List<String> BEHAVIOUR = concat(List.of(ON_POLICY), REFERENCE);

  /** Largest vocabulary: 2^24 tokens, so that one triple's dozen V-length arrays stay within a few GB. */
  public static final int MAX_VOCAB_SIZE = 1 << 24;

  /** The parameters of each family, in the order they are written to canonical texts. */
  public static List<String> parameters(String family) {
    return switch (family) {
      case GAUSSIAN -> List.of("sigma");
      case ZIPF -> List.of("exponent");
      case NORMAL_GRID -> List.of("mean", "std", "lo", "hi");
      case PROBS -> List.of("values");
      // column and sha256 are filled in by the loader: the column's name and the file's content hash.
      case FILE -> List.of("path", "column", "kind", "sha256");
      case PERTURB -> List.of("delta");
      case TARGET_KL -> List.of("kl");
      case TEMPERATURE -> List.of("tau");
      case UNIFORM, ON_POLICY -> List.of();
      default -> throw new IllegalArgumentException("unknown family " + family);
    };
  }

  /** True for probs and file, whose vocabulary size is their own length. */
  public static boolean fixedSize(String family) {
    return family.equals(PROBS) || family.equals(FILE);
  }

  /**
   * A family spec from alternating names and values, in declared order; integers are widened to
   * Double so that canonical texts do not depend on how a number was written.
   */
  public static FamilySpec spec(String family, Object... namesAndValues) {
    List<String> declared = parameters(family);
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

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
