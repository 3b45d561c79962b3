package klbench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;

/**
 * Result rows as JSON lines: one object per row whose keys are the column names, in column order.
 * Absent values are JSON null; a non-finite double (never expected, since {@link Rows} writes
 * them as null) is null as well, because JSON has no NaN.
 */
public final class JsonLines {
  private JsonLines() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One row as one line of JSON (no newline), with every column. */
  public static String line(ResultRow row) {
    return line(row, List.of(Column.values()));
  }

  public static String line(ResultRow row, List<Column> columns) {
    ObjectNode o = MAPPER.createObjectNode();
    for (Column c : columns) {
      Object v = row.get(c);
      if (v == null) o.putNull(c.id());
      else if (v instanceof String s) o.put(c.id(), s);
      else if (v instanceof Integer i) o.put(c.id(), i);
      else if (v instanceof Long l) o.put(c.id(), l);
      else if (v instanceof Boolean b) o.put(c.id(), b);
      else if (v instanceof Double d && Double.isFinite(d)) o.put(c.id(), d);
      else o.putNull(c.id());
    }
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  public static void write(PrintWriter out, List<ResultRow> rows, List<Column> columns) {
    for (ResultRow r : rows) out.println(line(r, columns));
    out.flush();
  }
}
