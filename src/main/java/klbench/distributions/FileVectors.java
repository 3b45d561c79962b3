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
 */
public final class FileVectors implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final FileVectors EMPTY = new FileVectors(Map.of());

  private final Map<String, double[]> byKey;

  private FileVectors(Map<String, double[]> byKey) {
    this.byKey = byKey;
  }

  public static FileVectors empty() { return EMPTY; }

  /**
   * The raw column values (as in the file, before the kind is applied) of the column named {@code
   * column} of the file whose SHA-256 starts with {@code sha256}, or null when they were not read.
   */
  public double[] values(String sha256, String column) {
    return byKey.get(key(sha256, column));
  }

  public int size() { return byKey.size(); }

  private static String key(String sha256, String column) {
    return sha256 + "|" + column;
  }

  public static Builder builder() { return new Builder(); }

  public static final class Builder {
    private final Map<String, double[]> byKey = new HashMap<>();

    public Builder put(String sha256, String column, double[] values) {
      byKey.put(key(sha256, column), values.clone());
      return this;
    }

    public FileVectors build() {
      return new FileVectors(Collections.unmodifiableMap(new HashMap<>(byKey)));
    }
  }
}
