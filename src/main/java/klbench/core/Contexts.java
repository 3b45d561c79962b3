package klbench.core;

import java.io.Serializable;

/**
 * How many contexts a position of a response tells apart (SEQUENCES.md, "Setting"): position t is
 * in context c_t, with c_1 = 0 and c_{t+1} = next(c_t, y_t) = (c_t·V + y_t) mod N. {@code
 * contexts: N} gives at most N contexts per position (N = 1: every position has one distribution
 * of its own, whatever came before); {@code contexts: tree} (N = ∞) makes every prefix its own
 * context, c_t being the prefix read as a base-V number.
 *
 * @param count N, or {@link #TREE}
 */
public record Contexts(long count) implements Serializable {
  /** The count of {@code contexts: tree}: every prefix its own context. */
  public static final long TREE = 0;

  public static final Contexts ONE = new Contexts(1);

  public Contexts {
    if (count < 0) throw new IllegalArgumentException("contexts must be >= 1 or tree, got " + count);
  }

  public static Contexts tree() { return new Contexts(TREE); }

  public boolean isTree() { return count == TREE; }

  /** The text of the {@code contexts} column: the number, or {@code tree}. */
  public String id() { return isTree() ? "tree" : Long.toString(count); }

  /**
   * H_t = min(N, V^{t−1}) contexts at position t (tree: V^{t−1}); saturates at Long.MAX_VALUE, so
   * callers can compare it with a limit.
   */
  public long at(int vocab, int position) {
    long h = 1;
    for (int t = 1; t < position; t++) {
      if (h > Long.MAX_VALUE / vocab) return isTree() ? Long.MAX_VALUE : count;
      h *= vocab;
      if (!isTree() && h >= count) return count;
    }
    return isTree() ? h : Math.min(h, count);
  }

  /** The context after context c at a position where token y was drawn. */
  public int next(int c, int y, int vocab) {
    long n = (long) c * vocab + y;
    return (int) (isTree() ? n : n % count);
  }
}
