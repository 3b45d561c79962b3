package klbench.distributions;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The contents of every {@code file} family of a grid, read once (on the driver, when the grid is
 * loaded) and looked up by content, (SHA-256, column), not by path: so it can be broadcast to
 * executors that cannot see the driver's files, and a path that now holds different bytes can never
 * be mistaken for the file the grid was validated against. Immutable once built.
 *
 * <p>A single-token file's values are one column of V; a long-form file's are its value column in
 * row order, V per row (t, c), rows position-major, with their {@link Layout}.
 */
public final class FileVectors implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final FileVectors EMPTY = new FileVectors(Map.of(), Map.of());

  private final Map<String, double[]> byKey;
  private final Map<String, Layout> layouts;

  /** Where row (t, c) of a long-form file's values starts: V tokens per row, rows position-major. */
  public record Layout(int vocab, SequenceShape shape) implements Serializable {
    /** The index of token 0 of row (t, c) in the values. */
    public long offset(int position, int context) {
      long row = context;
      for (int t = 1; t < position; t++) row += shape.contexts().at(vocab, t);
      return row * vocab;
    }
  }

  private FileVectors(Map<String, double[]> byKey, Map<String, Layout> layouts) {
    this.byKey = byKey;
    this.layouts = layouts;
  }

  public static FileVectors empty() { return EMPTY; }

  /**
   * The raw column values (as in the file, before the kind is applied) of the column named {@code
   * column} of the file whose SHA-256 starts with {@code sha256}, or null when they were not read.
   */
  public double[] values(String sha256, String column) {
    return byKey.get(key(sha256, column));
  }

  /** The layout of a long-form file's values, or null for a single-token column (or one not read). */
  public Layout layout(String sha256, String column) {
    return layouts.get(key(sha256, column));
  }

  public int size() { return byKey.size(); }

  private static String key(String sha256, String column) {
    return sha256 + "|" + column;
  }

  public static Builder builder() { return new Builder(); }

  public static final class Builder {
    private final Map<String, double[]> byKey = new HashMap<>();
    private final Map<String, Layout> layouts = new HashMap<>();

    /** A single-token column: V values. */
    public Builder put(String sha256, String column, double[] values) {
      byKey.put(key(sha256, column), values.clone());
      layouts.remove(key(sha256, column));
      return this;
    }

    /** A long-form file's values, laid out as {@code layout} says. */
    public Builder put(String sha256, String column, double[] values, Layout layout) {
      byKey.put(key(sha256, column), values.clone());
      layouts.put(key(sha256, column), layout);
      return this;
    }

    public FileVectors build() {
      return new FileVectors(Collections.unmodifiableMap(new HashMap<>(byKey)), Collections.unmodifiableMap(new HashMap<>(layouts)));
    }
  }
}
