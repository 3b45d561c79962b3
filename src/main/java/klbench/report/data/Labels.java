package klbench.report.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import klbench.core.Baseline;

/**
 * How the report names, orders and reads what it aggregates: series labels, the reading order of
 * baselines, and the threshold below which a relative quantity is zero to rounding.
 */
public final class Labels {
  private Labels() {}

  /**
   * Below this a relative quantity (a relative bias, 1 − cosine) is zero to rounding: log-scale
   * charts draw it at this floor, tables write it as such.
   */
  public static final double ZERO_TO_ROUNDING = 1e-9;

  /** "k3 [clamp ℓ±20, f±10]" for a value function with its clamps. */
  public static String value(String valueFn, Double clampLogRatio, Double clampValue) {
    return Objects.requireNonNullElse(valueFn, "?") + clampSuffix(clampLogRatio, clampValue, null);
  }

  /** "k3/loss [clamp f±10]" for a value function, rule and clamps. */
  public static String gradient(String valueFn, String rule, Double clampLogRatio, Double clampValue, Double ratioClip) {
    return Objects.requireNonNullElse(valueFn, "?") + "/" + Objects.requireNonNullElse(rule, "?")
        + clampSuffix(clampLogRatio, clampValue, ratioClip);
  }

  private static String clampSuffix(Double clampLogRatio, Double clampValue, Double ratioClip) {
    List<String> parts = new ArrayList<>();
    if (clampLogRatio != null) parts.add("ℓ±" + plain(clampLogRatio));
    if (clampValue != null) parts.add("f±" + plain(clampValue));
    if (ratioClip != null) parts.add("w≤" + plain(ratioClip));
    return parts.isEmpty() ? "" : " [clamp " + String.join(", ", parts) + "]";
  }

  /** A number as written in labels and prose: 20, not 20.0. */
  public static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * Context counts (the grid's {@code contexts}: a number, or "tree") in reading order: by number,
   * "tree" (every prefix its own context) last.
   */
  public static final Comparator<String> CONTEXTS = Comparator.comparingDouble(Labels::contextsRank)
      .thenComparing(Comparator.naturalOrder());

  private static double contextsRank(String contexts) {
    try {
      return Double.parseDouble(contexts);
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }

  /** {@code contexts} sorted by {@link #CONTEXTS}. */
  public static List<String> contextsOrder(List<String> contexts) {
    List<String> out = new ArrayList<>(contexts);
    out.sort(CONTEXTS);
    return out;
  }

  /** Baselines in a reading order: const(c) by c with none at c = 0, then loo, oracle. */
  public static double baselineOrder(String baseline) {
    try {
      Baseline b = Baseline.parse(baseline);
      return switch (b.kind()) {
        case NONE -> 0.0;
        case CONST -> b.constant();
        case LOO -> 1e9;
        case ORACLE -> 2e9;
      };
    } catch (RuntimeException e) {
      return 3e9;
    }
  }
}
