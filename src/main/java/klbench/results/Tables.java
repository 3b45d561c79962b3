package klbench.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Result rows as a plain-text table, for terminals. */
public final class Tables {
  private Tables() {}

  /** What {@code eval} shows unless asked for other columns: identity, then the headline metrics. */
  public static final List<Column> DEFAULT_COLUMNS = List.of(
      Column.VOCAB_SIZE, Column.POLICY, Column.REFERENCE, Column.BEHAVIOUR, Column.ESTIMATOR,
      Column.BASELINE, Column.BATCH_SIZE, Column.KL, Column.VALUE_REL_BIAS, Column.VALUE_REL_STD,
      Column.GRAD_REL_BIAS, Column.GRAD_COS_EXACT, Column.GRAD_REL_RMSE, Column.CONSISTENT,
      Column.INFEASIBLE_REASON);

  /**
   * Columns by name, in the order given.
   *
   * @throws IllegalArgumentException naming the first unknown name
   */
  public static List<Column> columns(List<String> names) {
    List<Column> out = new ArrayList<>();
    for (String raw : names) {
      String name = raw.trim();
      Column found = null;
      for (Column c : Column.values()) if (c.id().equals(name)) found = c;
      if (found == null) throw new IllegalArgumentException("unknown column '" + name + "' (columns: " + String.join(", ", Column.names()) + ")");
      out.add(found);
    }
    return out;
  }

  /** A header line and one line per row; numbers right-aligned, null shown as "-". */
  public static String format(List<ResultRow> rows, List<Column> columns) {
    List<String> header = new ArrayList<>();
    boolean[] right = new boolean[columns.size()];
    for (int j = 0; j < columns.size(); j++) {
      header.add(columns.get(j).id());
      right[j] = columns.get(j).type() != Column.Type.STRING;
    }
    List<Object[]> values = new ArrayList<>();
    for (ResultRow r : rows) {
      Object[] v = new Object[columns.size()];
      for (int j = 0; j < v.length; j++) v[j] = r.get(columns.get(j));
      values.add(v);
    }
    return format(header, values, right);
  }

  /**
   * Any columns (query results, summaries) in the same style: a column is right-aligned when all
   * its values are numbers.
   */
  public static String formatValues(List<String> header, List<Object[]> rows) {
    boolean[] right = new boolean[header.size()];
    Arrays.fill(right, true);
    for (Object[] r : rows) {
      for (int j = 0; j < right.length; j++) if (r[j] != null && !(r[j] instanceof Number)) right[j] = false;
    }
    return format(header, rows, right);
  }

  private static String format(List<String> header, List<Object[]> rows, boolean[] right) {
    int n = header.size();
    String[][] cells = new String[rows.size() + 1][n];
    int[] width = new int[n];
    for (int j = 0; j < n; j++) {
      cells[0][j] = header.get(j);
      width[j] = cells[0][j].length();
    }
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < n; j++) {
        String s = cell(rows.get(i)[j]);
        cells[i + 1][j] = s;
        width[j] = Math.max(width[j], s.length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] line : cells) {
      StringBuilder l = new StringBuilder();
      for (int j = 0; j < n; j++) {
        if (j > 0) l.append("  ");
        String pad = " ".repeat(width[j] - line[j].length());
        l.append(right[j] ? pad + line[j] : line[j] + pad);
      }
      b.append(l.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  static String cell(Object v) {
    if (v == null) return "-";
    if (v instanceof Double || v instanceof Float) return String.format(Locale.ROOT, "%.4g", ((Number) v).doubleValue());
    return v.toString();
  }
}
