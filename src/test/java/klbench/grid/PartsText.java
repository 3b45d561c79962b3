package klbench.grid;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Grid texts with {@code parts}, built from the texts of single-product grids, for the tests: the
 * same lists under {@code parts:} must load (or fail) as they do at the top level.
 */
public final class PartsText {
  private PartsText() {}

  /** The keys that stay at the top level of a grid with parts. */
  static final Set<String> SHARED = Set.of("name", "seed", "description");

  /**
   * {@code top} (name, seed, description), then {@code parts:} with one entry per product text
   * (top-level YAML lines such as {@code estimators: [k1/loss]}, indented by the caller's nothing).
   */
  public static String of(String top, String... products) {
    StringBuilder out = new StringBuilder(top.endsWith("\n") || top.isEmpty() ? top : top + "\n").append("parts:\n");
    for (String p : products) out.append(entry(lines(p)));
    return out.toString();
  }

  /**
   * A single-product grid's text with its product keys moved into one part: the top-level blocks
   * of name, seed and description stay where they are, every other block goes into {@code
   * parts[0]}, in order.
   */
  public static String asOnePart(String grid) {
    StringBuilder top = new StringBuilder();
    List<String> part = new ArrayList<>();
    boolean shared = false;
    for (String line : lines(grid)) {
      boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.charAt(0) != '-' && line.charAt(0) != '#';
      if (topLevel) {
        int colon = line.indexOf(':');
        shared = colon > 0 && SHARED.contains(line.substring(0, colon).trim());
      }
      if (shared) top.append(line).append('\n');
      else part.add(line);
    }
    return top + "parts:\n" + entry(part);
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
    return out;
  }

  /** One entry of the parts list: "  - " before its first line, four spaces before the others. */
  private static String entry(List<String> lines) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (String l : lines) {
      if (first && l.isBlank()) continue;
      out.append(first ? "  - " : l.isEmpty() ? "" : "    ").append(l).append('\n');
      first = false;
    }
    return out.toString();
  }
}
