package klbench.distributions;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code file: {path, column, kind}}: numbers from a CSV or Parquet file ({@link DataFiles}), read
 * as logits, log-probabilities or probabilities ({@link ValuesKind}), in one of two forms:
 *
 * <ul>
 *   <li>one column, one row per token: its length fixes V, and over a model of responses every row
 *       (t, c) is this one distribution;
 *   <li>long form ({@link LongForm}, a file with a {@code position} column): a value per (position,
 *       context, token), which fixes V, the horizon and the contexts; row (t, c) is the file's.
 * </ul>
 *
 * The loader fills in {@code column} (the name an index, a one-column file or the long form's
 * default resolves to) and {@code sha256} (the first 64 bits of the content hash), so that the
 * canonical text names the exact numbers; builds look the numbers up by content in {@link
 * FileVectors}.
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
    Object chosen = column;
    DataFiles.Columns data;
    LongForm.Table table = null;
    try {
      data = DataFiles.read(files.resolve(path), files.hadoop(), names -> LongForm.isLongForm(names)
          ? LongForm.select(names, chosen)
          : new DataFiles.Selection(List.of(DataFiles.resolveColumn(names, chosen)), "token"));
      if (data.names().size() > 1) table = LongForm.of(data.values(), kind);
    } catch (DataFiles.Problem p) {
      throw params.child(p.field()).bad(p.getMessage());
    }
    String name = data.names().get(data.names().size() - 1);
    double[] values = data.values()[data.names().size() - 1];
    if (table == null) {
      String problem = kind.problem(values);
      if (problem != null) throw pathNode.bad("column '" + name + "': " + problem + " (kind " + kind.id() + ")");
      Families.checkLength(pathNode, values.length);
    }
    // The first 64 bits of the content hash: plenty to tell versions of a file apart, short
    // enough to keep the canonical text readable.
    String sha = data.sha256().substring(0, 16);
    if (table == null) files.contents().put(sha, name, values);
    else files.contents().put(sha, name, table.values(), table.layout());
    return Families.spec(name(), "path", path, "column", name, "kind", kind.id(), "sha256", sha);
  }

  @Override
  public OptionalInt fixedSize(FamilySpec spec, FileVectors files) {
    double[] values = values(spec, files);
    FileVectors.Layout layout = layout(spec, files);
    return OptionalInt.of(layout != null ? layout.vocab() : values.length);
  }

  @Override
  public Optional<SequenceShape> fixedShape(FamilySpec spec, FileVectors files) {
    values(spec, files);
    FileVectors.Layout layout = layout(spec, files);
    return layout == null ? Optional.empty() : Optional.of(layout.shape());
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    ValuesKind kind = ValuesKind.byId(spec.text("kind"));
    double[] values = values(spec, input.files());
    FileVectors.Layout layout = layout(spec, input.files());
    if (layout == null) return kind.toLogProbs(values, input.vocabSize(), spec.canonical());
    ModelInput model = input.model();
    SequenceShape shape = new SequenceShape(model.horizon(), model.contexts());
    if (layout.vocab() != model.vocabSize() || !layout.shape().equals(shape)) {
      throw new IllegalArgumentException(spec.canonical() + " holds a model of V=" + layout.vocab() + ", " + layout.shape().describe()
          + ", not of V=" + model.vocabSize() + ", " + shape.describe());
    }
    int from = (int) layout.offset(input.position(), input.context());
    return kind.toLogProbs(Arrays.copyOfRange(values, from, from + layout.vocab()));
  }

  /** The raw values (before the kind is applied), from the grid's file contents. */
  private static double[] values(FamilySpec spec, FileVectors files) {
    double[] v = files.values(spec.text("sha256"), spec.text("column"));
    if (v == null) {
      throw new IllegalStateException("the contents of " + spec.canonical()
          + " were not read: build file families with the FileVectors of their grid (Grid.files())");
    }
    return v;
  }

  /** The layout of a long-form file's values, or null for one column. */
  private static FileVectors.Layout layout(FamilySpec spec, FileVectors files) {
    return files.layout(spec.text("sha256"), spec.text("column"));
  }
}
