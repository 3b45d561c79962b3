package klbench.distributions;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import klbench.grid.Families;
import klbench.grid.FamilySpec;

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

  /** The raw column values (as in the file, before the kind is applied) of a {@code file} family. */
  public double[] values(FamilySpec fileFamily) {
    if (!Families.FILE.equals(fileFamily.family())) {
      throw new IllegalArgumentException("not a file family: " + fileFamily.canonical());
    }
    double[] v = byKey.get(key((String) fileFamily.params().get("sha256"), (String) fileFamily.params().get("column")));
    if (v == null) {
      throw new IllegalStateException("the contents of " + fileFamily.canonical()
          + " were not read: build file families with the FileVectors of their grid (Grid.files())");
    }
    return v;
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
