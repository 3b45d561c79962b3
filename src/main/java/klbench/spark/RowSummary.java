package klbench.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.catalyst.util.QuantileSummaries;
import scala.Option;

/**
 * What {@code run} prints about the rows it wrote, gathered where they are written so that no row
 * travels to the driver: per (estimator, baseline), the number of rows, how many are consistent of
 * those judged, and the medians of the headline metrics. Mergeable, so every task summarises its
 * own rows and the driver adds the summaries up; its size does not grow with the rows.
 *
 * <p>Medians come from Greenwald–Khanna summaries (Spark's {@link QuantileSummaries}, as in
 * {@code approxQuantile}) with a rank error of {@value #RANK_ERROR} × n: exact, the value of rank
 * ⌈n/2⌉, while a group has fewer than 500 rows.
 */
public final class RowSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  static final double RANK_ERROR = 0.001;

  /** The metrics whose medians are kept, in the order they are printed. */
  public static final List<Column> METRICS =
      List.of(Column.VALUE_REL_BIAS, Column.GRAD_REL_BIAS, Column.GRAD_COS_MC, Column.GRAD_REL_RMSE);

  /** One (estimator, baseline). */
  public static final class Group implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String estimator;
    private final String baseline;
    private long rows;
    private long consistent;
    private long judged;
    private final QuantileSummaries[] metrics = new QuantileSummaries[METRICS.size()];

    Group(String estimator, String baseline) {
      this.estimator = estimator;
      this.baseline = baseline;
      for (int i = 0; i < metrics.length; i++) metrics[i] = empty();
    }

    public String estimator() { return estimator; }

    public String baseline() { return baseline; }

    public long rows() { return rows; }

    public long consistent() { return consistent; }

    /** Rows with a consistency verdict at all (an infeasible row has none). */
    public long judged() { return judged; }

    /** The median of {@code METRICS.get(i)} over the rows that have it, or null when none has. */
    public Double median(int i) {
      QuantileSummaries s = metrics[i].compress();
      if (s.count() == 0) return null;
      Option<Object> q = s.query(0.5);
      return q.isDefined() ? (Double) q.get() : null;
    }

    private void add(ResultRow r) {
      rows++;
      Object c = r.get(Column.CONSISTENT);
      if (c != null) {
        judged++;
        if ((Boolean) c) consistent++;
      }
      for (int i = 0; i < metrics.length; i++) {
        Object v = r.get(METRICS.get(i));
        if (v != null) metrics[i] = metrics[i].insert((Double) v);
      }
    }

    private void add(Group other) {
      rows += other.rows;
      consistent += other.consistent;
      judged += other.judged;
      for (int i = 0; i < metrics.length; i++) metrics[i] = metrics[i].compress().merge(other.metrics[i].compress());
    }
  }

  private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>();

  private static QuantileSummaries empty() {
    return new QuantileSummaries(QuantileSummaries.defaultCompressThreshold(), RANK_ERROR,
        new QuantileSummaries.Stats[0], 0L, false);
  }

  /** An empty summary whose groups will be listed in this order (the grid's): estimator-major. */
  public static RowSummary inOrder(List<String> estimators, List<String> baselines) {
    RowSummary s = new RowSummary();
    for (String e : estimators) {
      for (String b : baselines) s.groups.put(e + "\u0000" + b, new Group(e, b));
    }
    return s;
  }

  /** Counts one written row. */
  public void add(ResultRow r) {
    String estimator = (String) r.get(Column.ESTIMATOR);
    String baseline = (String) r.get(Column.BASELINE);
    groups.computeIfAbsent(estimator + "\u0000" + baseline, k -> new Group(estimator, baseline)).add(r);
  }

  /** Adds another task's summary to this one; groups keep the order they were first seen in. */
  public RowSummary add(RowSummary other) {
    for (Map.Entry<String, Group> e : other.groups.entrySet()) {
      Group g = groups.get(e.getKey());
      if (g == null) {
        g = new Group(e.getValue().estimator, e.getValue().baseline);
        groups.put(e.getKey(), g);
      }
      g.add(e.getValue());
    }
    return this;
  }

  /** The groups with rows, in the order of {@link #inOrder}, then as their first rows were counted. */
  public List<Group> groups() {
    return groups.values().stream().filter(g -> g.rows > 0).toList();
  }

  /** Rows counted. */
  public long rows() {
    return groups.values().stream().mapToLong(Group::rows).sum();
  }
}
