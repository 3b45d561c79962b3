package klbench.distributions;

import java.util.BitSet;
import java.util.List;
import klbench.core.Contexts;
import klbench.core.SequenceModel;

/**
 * The long-form {@code file} of a model of responses (SEQUENCES.md, "Families per row"): one
 * table row per (position, context, token), in the columns {@code position} (1 … T), {@code
 * context} (0 … H_t − 1), {@code token} (0 … V − 1) and a value column ({@code column}, default
 * {@code value}). A file is long-form when it has a {@code position} column. Every row (position,
 * context) of the model appears with all V tokens exactly once, in any order; V, T and the
 * contexts follow from the file: N = H_T when H_T &lt; V^{T−1}, else {@code tree} (every N ≥
 * V^{T−1} is the same model), and one context at T = 1.
 */
final class LongForm {
  private LongForm() {}

  static final String POSITION = "position";
  static final String CONTEXT = "context";
  static final String TOKEN = "token";
  /** The value column when the family names none. */
  static final String VALUE = "value";

  /** A file whose columns are {@code names} is long-form. */
  static boolean isLongForm(List<String> names) {
    return names.contains(POSITION);
  }

  /** The columns to read: position, context, token and the values ({@code column}, default value). */
  static DataFiles.Selection select(List<String> names, Object column) {
    if (!names.contains(CONTEXT) || !names.contains(TOKEN)) {
      throw new DataFiles.Problem("path", "a long-form file (it has a 'position' column) needs the columns position, context and token; it has "
          + String.join(", ", names));
    }
    int value = DataFiles.resolveColumn(names, column == null ? VALUE : column);
    String valueName = names.get(value);
    if (List.of(POSITION, CONTEXT, TOKEN).contains(valueName)) {
      throw new DataFiles.Problem("column", "'" + valueName + "' is a key column of a long-form file, not its values");
    }
    return new DataFiles.Selection(List.of(names.indexOf(POSITION), names.indexOf(CONTEXT), names.indexOf(TOKEN), value), "row");
  }

  /** A long-form file's values in row order ({@link FileVectors.Layout}) and their layout. */
  record Table(double[] values, FileVectors.Layout layout) {}

  /**
   * The table of the four columns read by {@link #select}, checked: whole numbers in range, every
   * (position, context, token) of the model once, values of {@code kind} on every row.
   *
   * @throws DataFiles.Problem naming the first thing wrong
   */
  static Table of(double[][] columns, ValuesKind kind) {
    double[] position = columns[0];
    double[] context = columns[1];
    double[] token = columns[2];
    double[] value = columns[3];
    int n = position.length;
    int horizon = 0;
    int vocab = 0;
    for (int i = 0; i < n; i++) {
      horizon = Math.max(horizon, whole(position[i], POSITION, 1, SequenceModel.MAX_HORIZON, i));
      whole(context[i], CONTEXT, 0, SequenceModel.MAX_ROWS - 1, i);
      vocab = Math.max(vocab, whole(token[i], TOKEN, 0, Families.MAX_VOCAB_SIZE - 1, i) + 1);
    }
    if (vocab < 2) throw new DataFiles.Problem("path", "has " + vocab + " tokens, a vocabulary needs 2 to " + Families.MAX_VOCAB_SIZE);
    long[] rowsAt = new long[horizon];
    for (int i = 0; i < n; i++) {
      int t = (int) position[i];
      rowsAt[t - 1] = Math.max(rowsAt[t - 1], (long) context[i] + 1);
    }
    Contexts contexts = contexts(vocab, horizon, rowsAt[horizon - 1]);
    long[] firstRow = new long[horizon];
    long rows = 0;
    for (int t = 1; t <= horizon; t++) {
      long expected = contexts.at(vocab, t);
      if (rowsAt[t - 1] < expected) throw missing(t, (int) rowsAt[t - 1], 0);
      if (rowsAt[t - 1] > expected) {
        throw new DataFiles.Problem("path", "position " + t + " has contexts up to " + (rowsAt[t - 1] - 1) + ", but a model of V=" + vocab
            + " with contexts " + contexts.id() + " (from position " + horizon + ", the last) has " + expected + " there (min(N, V^(t-1)))");
      }
      firstRow[t - 1] = rows;
      rows += expected;
    }
    if (rows > SequenceModel.MAX_ROWS) {
      throw new DataFiles.Problem("path", "has " + rows + " rows (position, context), more than the limit of " + SequenceModel.MAX_ROWS);
    }
    if (rows * vocab > Integer.MAX_VALUE - 8) {
      throw new DataFiles.Problem("path", "has " + rows + " rows of " + vocab + " tokens, more values than one array holds");
    }
    double[] values = new double[(int) (rows * vocab)];
    BitSet seen = new BitSet(values.length);
    for (int i = 0; i < n; i++) {
      int t = (int) position[i];
      int at = (int) ((firstRow[t - 1] + (long) context[i]) * vocab + (long) token[i]);
      if (seen.get(at)) {
        int first = 0;
        while (position[first] != position[i] || context[first] != context[i] || token[first] != token[i]) first++;
        throw new DataFiles.Problem("path", name(t, (int) context[i], (int) token[i]) + " is repeated (rows " + first + " and " + i + ")");
      }
      seen.set(at);
      values[at] = value[i];
    }
    int gap = seen.nextClearBit(0);
    if (gap < values.length) {
      int row = gap / vocab;
      int t = 1;
      while (t < horizon && firstRow[t] <= row) t++;
      throw missing(t, (int) (row - firstRow[t - 1]), gap % vocab);
    }
    FileVectors.Layout layout = new FileVectors.Layout(vocab, new SequenceShape(horizon, contexts));
    for (int t = 1; t <= horizon; t++) {
      for (int c = 0; c < contexts.at(vocab, t); c++) {
        int from = (int) layout.offset(t, c);
        int pos = t;
        int ctx = c;
        String problem = kind.problem(java.util.Arrays.copyOfRange(values, from, from + vocab), y -> name(pos, ctx, y));
        if (problem != null) {
          throw new DataFiles.Problem("path", (problem.startsWith("(") ? "" : "row (position=" + t + ", context=" + c + "): ")
              + problem + " (kind " + kind.id() + ")");
        }
      }
    }
    return new Table(values, layout);
  }

  /**
   * The contexts of a model whose last position T has {@code last} contexts: one at T = 1;
   * N = H_T when H_T &lt; V^{T−1}; else tree.
   */
  static Contexts contexts(int vocab, int horizon, long last) {
    if (horizon == 1) return Contexts.ONE;
    return last < Contexts.tree().at(vocab, horizon) ? new Contexts(last) : Contexts.tree();
  }

  private static int whole(double x, String column, long min, long max, int row) {
    if (!(x == Math.rint(x) && x >= min && x <= max)) {
      throw new DataFiles.Problem("path", "row " + row + ": " + column + " must be a whole number from " + min + " to " + max + ", got " + x);
    }
    return (int) x;
  }

  private static DataFiles.Problem missing(int t, int c, int y) {
    return new DataFiles.Problem("path", name(t, c, y) + " is missing: every (position, context) of the model needs all V tokens once");
  }

  private static String name(int t, int c, int y) {
    return "(position=" + t + ", context=" + c + ", token=" + y + ")";
  }
}
