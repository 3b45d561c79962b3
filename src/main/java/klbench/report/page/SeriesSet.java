package klbench.report.page;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import klbench.report.charts.Plot;

/**
 * The series of one family of charts, gathered point by point: one series per label, in the order
 * labels first appear, each with its group (small multiple), the estimators it stands for (every
 * name seen, sorted) and its points. A label seen without a point still gets its (empty) series,
 * so that it keeps its place and style.
 */
final class SeriesSet {
  private final Map<String, List<Plot.Point>> points = new LinkedHashMap<>();
  private final Map<String, String> groupOf = new LinkedHashMap<>();
  private final Map<String, TreeSet<String>> estimators = new LinkedHashMap<>();

  /** Notes {@code label} in {@code group} with {@code names}; adds {@code point} unless it is null. */
  void add(String label, String group, List<String> names, Plot.Point point) {
    groupOf.putIfAbsent(label, group);
    List<Plot.Point> list = points.computeIfAbsent(label, k -> new ArrayList<>());
    estimators.computeIfAbsent(label, k -> new TreeSet<>()).addAll(names);
    if (point != null) list.add(point);
  }

  /** The series, each styled by its label in {@code styles} (see {@link Figures#style}), with {@code baseline}. */
  List<Plot.Series> series(Map<String, Integer> styles, String baseline) {
    List<Plot.Series> out = new ArrayList<>();
    points.forEach((label, list) -> out.add(new Plot.Series(label, label, groupOf.get(label),
        Figures.style(styles, label), List.copyOf(estimators.get(label)), baseline, list)));
    return out;
  }
}
