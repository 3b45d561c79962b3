package klbench.distributions;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code file: {path, column, kind}}: one numeric column of a CSV or Parquet file, one row per token
 * ({@link DataFiles}), read as logits, log-probabilities or probabilities ({@link ValuesKind}); its
 * length fixes V. The loader fills in {@code column} (the name an index or a one-column file
 * resolves to) and {@code sha256} (the first 64 bits of the content hash), so that the canonical
 * text names the exact numbers; builds look the numbers up by content in {@link FileVectors}.
 */
final class FileFamily implements Family {
  static final FileFamily FAMILY = new FileFamily();

  private FileFamily() {}

  @Override public String name() { return "file"; }

  @Override public Set<Role> roles() { return Set.of(Role.values()); }

  @Override public List<String> parameters() { return List.of("path", "column", "kind", "sha256"); }

  @Override public List<String> writableKeys() { return List.of("path", "column", "kind"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    ParameterNode pathNode = params.child("path");
    String path = pathNode.string();
    ParameterNode columnNode = params.child("column");
    Object column = null;
    if (!columnNode.isNull()) {
      if (columnNode.isText()) column = columnNode.string();
      else if (columnNode.isInteger()) column = columnNode.intIn(0, Integer.MAX_VALUE);
      else throw columnNode.bad("must be a column name or a 0-based index, got " + columnNode.describe());
    }
    ParameterNode kindNode = params.child("kind");
    ValuesKind kind = ValuesKind.LOGITS;
    if (!kindNode.isNull()) {
      String k = kindNode.string();
      kind = ValuesKind.byId(k);
      if (kind == null) throw kindNode.bad("unknown kind '" + k + "' (expected logits, logprobs or probs)");
    }
    DataFiles.ColumnData data;
    try {
      data = DataFiles.read(files.resolve(path), files.hadoop(), column);
    } catch (DataFiles.Problem p) {
      throw params.child(p.field()).bad(p.getMessage());
    }
    String problem = kind.problem(data.values());
    if (problem != null) throw pathNode.bad("column '" + data.name() + "': " + problem + " (kind " + kind.id() + ")");
    Families.checkLength(pathNode, data.values().length);
    // The first 64 bits of the content hash: plenty to tell versions of a file apart, short
    // enough to keep the canonical text readable.
    String sha = data.sha256().substring(0, 16);
    files.contents().put(sha, data.name(), data.values());
    return Families.spec(name(), "path", path, "column", data.name(), "kind", kind.id(), "sha256", sha);
  }

  @Override
  public OptionalInt fixedSize(FamilySpec spec, FileVectors files) {
    return OptionalInt.of(values(spec, files).length);
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    return ValuesKind.byId(spec.text("kind")).toLogProbs(values(spec, input.files()), input.vocabSize(), spec.canonical());
  }

  /** The raw column (before the kind is applied), from the grid's file contents. */
  private static double[] values(FamilySpec spec, FileVectors files) {
    double[] v = files.values(spec.text("sha256"), spec.text("column"));
    if (v == null) {
      throw new IllegalStateException("the contents of " + spec.canonical()
          + " were not read: build file families with the FileVectors of their grid (Grid.files())");
    }
    return v;
  }
}
