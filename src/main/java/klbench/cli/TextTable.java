package klbench.cli;

import java.util.List;
import java.util.Locale;

/**
 * A plain-text table of any columns, in the style of {@link klbench.results.Tables}: a header line,
 * numbers right-aligned, doubles to 4 significant digits, null as "-". For tables whose columns
 * are not result columns (query results, run summaries).
 */
final class TextTable {
  private TextTable() {}

  static String format(List<String> header, List<Object[]> rows) {
    int n = header.size();
    int[] width = new int[n];
    boolean[] numeric = new boolean[n];
    String[][] cells = new String[rows.size()][n];
    for (int j = 0; j < n; j++) {
      width[j] = header.get(j).length();
      numeric[j] = true;
    }
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < n; j++) {
        Object v = rows.get(i)[j];
        cells[i][j] = cell(v);
        width[j] = Math.max(width[j], cells[i][j].length());
        if (v != null && !(v instanceof Number)) numeric[j] = false;
      }
    }
    StringBuilder b = new StringBuilder();
    line(b, header.toArray(new String[0]), width, numeric);
    for (String[] r : cells) line(b, r, width, numeric);
    return b.toString();
  }

  private static void line(StringBuilder b, String[] cells, int[] width, boolean[] right) {
    StringBuilder l = new StringBuilder();
    for (int j = 0; j < cells.length; j++) {
      if (j > 0) l.append("  ");
      String pad = " ".repeat(width[j] - cells[j].length());
      l.append(right[j] ? pad + cells[j] : cells[j] + pad);
    }
    b.append(l.toString().stripTrailing()).append('\n');
  }

  static String cell(Object v) {
    if (v == null) return "-";
    if (v instanceof Double || v instanceof Float) return String.format(Locale.ROOT, "%.4g", ((Number) v).doubleValue());
    return v.toString();
  }
}
