package klbench.report.charts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One family of charts of the report (one metric against the KL level, the batch size or the
 * horizon): its series with every point under every filter of the page, and the groups of at most
 * {@link #MAX_SERIES} series that are drawn as small multiples. Written as JSON for the page's
 * interactive charts ({@link PlotData}) and drawn as PNG per sampling and group ({@link Charts}).
 *
 * <p>A point carries the filter values it belongs to ({@link Point#kl}, {@link Point#sampling},
 * {@link Point#batch}, {@link Point#horizon}, and for the sequence charts {@link Point#contexts}
 * and {@link Point#discount}, as the page's filters spell them, {@value #ALL} for a mean over every
 * value of that filter); the page draws the points whose filter values are those selected, and on
 * the axis dimension every selected value: all of them when the filter is at {@value #ALL}, or when
 * it has no such option (the horizon, on the charts against the horizon). Nothing is averaged in
 * the browser.
 *
 * @param xDim the filter the x axis shows: {@code kl}, {@code batch} or {@code horizon}
 * @param xBase 10 for KL levels, 2 for batch sizes and horizons (log axes)
 * @param floor values below are drawn at this floor (zero to rounding); the tooltip gives the value
 * @param valueNames what {@link Point#exact} and {@link Point#mc} are, for the tooltip
 * @param klAll what a point over every KL level is ("mean", "geometric mean"), for the tooltip;
 *     null for the page's default (the geometric mean of the batch-size charts)
 */
public record Plot(String id, String title, String xLabel, String xDim, int xBase, String yLabel,
    double floor, String valueNames, List<Series> series, List<Group> groups, String klAll) {

  /** A family whose points over every KL level, if any, are geometric means. */
  public Plot(String id, String title, String xLabel, String xDim, int xBase, String yLabel, double floor,
      String valueNames, List<Series> series, List<Group> groups) {
    this(id, title, xLabel, xDim, xBase, yLabel, floor, valueNames, series, groups, null);
  }

  /** No chart shows more series than this by default; the full set is one click away. */
  public static final int MAX_SERIES = 8;
  /** The filter value of a mean over every value of that filter. */
  public static final String ALL = "all";

  /**
   * One line. {@code group} is the small multiple it belongs to; {@code fullName} names it when
   * every group is drawn in one chart; {@code estimators} and {@code baseline} are what the
   * tooltip says it is.
   */
  public record Series(String name, String fullName, String group, int style, List<String> estimators,
      String baseline, List<Point> points) {}

  /**
   * One point: (x, y) with the exact and Monte Carlo values behind y (null where there is none),
   * {@code se} the standard error of the Monte Carlo value, {@code configs} the rows averaged.
   * {@code contexts} and {@code discount} are null on the charts that do not filter by them.
   */
  public record Point(double x, double y, Double exact, Double mc, Double se, long configs, String kl,
      String sampling, String batch, String horizon, String contexts, String discount) {

    /** A point of a chart that does not filter by contexts or discount. */
    public Point(double x, double y, Double exact, Double mc, Double se, long configs, String kl, String sampling,
        String batch, String horizon) {
      this(x, y, exact, mc, se, configs, kl, sampling, batch, horizon, null, null);
    }
  }

  /** A small multiple: a name and the indices of its series in {@link #series}. */
  public record Group(String name, List<Integer> series) {}

  /**
   * Groups the series by their {@link Series#group}, in order of first appearance; with {@code
   * merge}, neighbouring groups are merged while together they hold at most {@link #MAX_SERIES}
   * series (when series names are unique across groups), and when everything fits one chart there
   * is one group named {@value #ALL}. A group of more than {@link #MAX_SERIES} series is cut into
   * parts of at most that many ("k3 (1/2)").
   */
  public static List<Group> groups(List<Series> series, boolean merge) {
    List<Group> out = new ArrayList<>();
    if (merge && series.size() <= MAX_SERIES) {
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < series.size(); i++) all.add(i);
      out.add(new Group(ALL, all));
      return out;
    }
    Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
    for (int i = 0; i < series.size(); i++) byGroup.computeIfAbsent(series.get(i).group(), k -> new ArrayList<>()).add(i);
    List<String> names = new ArrayList<>();
    List<Integer> members = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> g : byGroup.entrySet()) {
      List<Integer> m = g.getValue();
      if (!members.isEmpty() && (!merge || members.size() + m.size() > MAX_SERIES)) {
        out.addAll(cut(String.join(", ", names), members));
        names = new ArrayList<>();
        members = new ArrayList<>();
      }
      names.add(g.getKey());
      members.addAll(m);
    }
    if (!members.isEmpty()) out.addAll(cut(String.join(", ", names), members));
    return out;
  }

  private static List<Group> cut(String name, List<Integer> members) {
    if (members.size() <= MAX_SERIES) return List.of(new Group(name, List.copyOf(members)));
    int parts = (members.size() + MAX_SERIES - 1) / MAX_SERIES;
    List<Group> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      out.add(new Group(name + " (" + (p + 1) + "/" + parts + ")",
          List.copyOf(members.subList(p * MAX_SERIES, Math.min(members.size(), (p + 1) * MAX_SERIES)))));
    }
    return out;
  }

  /**
   * The PNG figure of one group under one selection of filters: the points {@code keep} accepts,
   * as (x, y) series (values below the floor are drawn at it by {@link Charts}).
   */
  public Charts.Figure figure(Group group, Predicate<Point> keep, String file, String title, String subtitle,
      int width, int height) {
    List<Charts.Series> lines = new ArrayList<>();
    for (int i : group.series()) {
      Series s = series.get(i);
      List<double[]> xy = new ArrayList<>();
      for (Point p : s.points()) if (keep.test(p)) xy.add(new double[] {p.x(), p.y()});
      if (!xy.isEmpty()) lines.add(new Charts.Series(s.name(), s.style(), xy));
    }
    return new Charts.Figure(file, title, subtitle, xLabel, xBase, yLabel, floor, lines, width, height);
  }
}
