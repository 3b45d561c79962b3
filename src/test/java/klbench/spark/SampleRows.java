package klbench.spark;

import java.util.ArrayList;
import java.util.List;
import klbench.results.Column;
import klbench.results.ResultRow;

/** Result rows made up for tests of the Spark plumbing: every type, some nulls, distinct ids. */
final class SampleRows {
  private SampleRows() {}

  static List<ResultRow> of(String runId, int count) {
    List<ResultRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) rows.add(row(runId, "cfg-" + i, i));
    return rows;
  }

  static ResultRow row(String runId, String configId, int i) {
    ResultRow r = new ResultRow();
    for (Column c : Column.values()) {
      int k = c.ordinal();
      Object v = switch (c.type()) {
        case STRING -> c.id() + "-" + i;
        case INT -> i * 7 + k;
        case LONG -> (long) i * 1_000_000_007L + k;
        case DOUBLE -> (i + 1) * Math.PI / (k + 1);
        case BOOLEAN -> (i + k) % 2 == 0;
      };
      // Nulls in a pattern that touches every type.
      r.set(c, (i + k) % 5 == 0 ? null : v);
    }
    return r.set(Column.RUN_ID, runId).set(Column.CONFIG_ID, configId);
  }
}
