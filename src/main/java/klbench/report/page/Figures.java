package klbench.report.page;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import klbench.report.charts.Charts;
import klbench.report.charts.Plot;
import klbench.report.charts.PlotData;

/**
 * The charts of one page. Each family of charts ({@link Plot}) becomes interactive charts (one per
 * group of at most {@link Plot#MAX_SERIES} series, plus all series in one chart a click away),
 * whose data is written beside the page ({@link PlotData}), and PNG charts of the same groups for
 * readers without JavaScript. Keeps one style (colour, marker, dash) per series name for each
 * family, so that a name looks the same from chart to chart.
 */
final class Figures {
  private final Path dir;
  /** Series name to style index, per family of charts, for the whole page. */
  final Map<String, Integer> valueStyles = new LinkedHashMap<>();
  final Map<String, Integer> gradStyles = new LinkedHashMap<>();
  final Map<String, Integer> baselineStyles = new LinkedHashMap<>();
  final Map<String, Integer> contextsStyles = new LinkedHashMap<>();
  /**
   * The x axis of the charts against the KL level: KL(p‖q), or over responses the KL per position
   * that the KL level is ({@code klbench.report.ResultViews#KL_LEVEL}).
   */
  String klAxis = KL_AXIS;

  static final String KL_AXIS = "KL(p‖q) [nats]";
  static final String KL_AXIS_PER_POSITION = "KL per position, KL(P‖Q) / T [nats]";

  /** The data scripts written, in order. */
  final List<String> scripts = new ArrayList<>();
  /** Every filter value some point has, per filter: the options of the page's filters. */
  final Map<String, TreeSet<String>> filterValues = new LinkedHashMap<>();

  Figures(Path dir) {
    this.dir = dir;
  }

  /** One PNG of a family: a group under one selection of filters. */
  record Png(Plot.Group group, Predicate<Plot.Point> keep, String file, String title, String subtitle,
      String caption, int width, int height) {}

  /**
   * A family: its interactive charts (when it has points), its PNG charts inside {@code <noscript>}
   * and linked below them. {@code layout} is "wide" or "small" columns.
   */
  String family(Plot plot, String caption, List<Png> pngs, String layout) throws IOException {
    if (plot.series().stream().allMatch(s -> s.points().isEmpty())) return "";
    scripts.add(PlotData.write(dir, plot));
    for (Plot.Series s : plot.series()) {
      for (Plot.Point p : s.points()) {
        if (!p.kl().equals(Plot.ALL)) filterValues.computeIfAbsent("kl", k -> new TreeSet<>()).add(p.kl());
        filterValues.computeIfAbsent("sampling", k -> new TreeSet<>()).add(p.sampling());
        if (!p.batch().equals(Plot.ALL)) filterValues.computeIfAbsent("batch", k -> new TreeSet<>()).add(p.batch());
        filterValues.computeIfAbsent("horizon", k -> new TreeSet<>()).add(p.horizon());
        if (p.contexts() != null) filterValues.computeIfAbsent("contexts", k -> new TreeSet<>()).add(p.contexts());
        if (p.discount() != null) filterValues.computeIfAbsent("discount", k -> new TreeSet<>()).add(p.discount());
      }
    }
    StringBuilder b = new StringBuilder();
    String id = Html.esc(plot.id());
    b.append("<div class=\"family\" id=\"family-").append(id).append("\" data-family=\"").append(id).append("\">\n")
        .append("<h3>").append(Html.esc(plot.title())).append("</h3>\n")
        .append("<div class=\"multiples ").append(layout).append("\">\n");
    for (int g = 0; g < plot.groups().size(); g++) {
      Plot.Group group = plot.groups().get(g);
      b.append("<figure class=\"ichart\"><div class=\"chart\" data-family=\"").append(id).append("\" data-group=\"")
          .append(g).append("\"></div>");
      if (!group.name().equals(Plot.ALL)) b.append("<figcaption>").append(Html.esc(group.name())).append("</figcaption>");
      b.append("</figure>\n");
    }
    b.append("</div>\n");
    if (plot.groups().size() > 1) {
      b.append("<p class=\"whole-toggle\"><button type=\"button\" class=\"show-all\" data-family=\"").append(id)
          .append("\">All ").append(plot.series().size()).append(" series in one chart</button></p>\n")
          .append("<figure class=\"ichart whole\" hidden><div class=\"chart\" data-family=\"").append(id)
          .append("\" data-group=\"all\"></div><figcaption>All ").append(plot.series().size())
          .append(" series; click a legend entry to hide it.</figcaption></figure>\n");
    }
    b.append("<p class=\"caption\">").append(caption).append("</p>\n");
    List<String> pngHtml = new ArrayList<>();
    List<String> links = new ArrayList<>();
    for (Png png : pngs) {
      Charts.Figure f = plot.figure(png.group(), png.keep(), png.file(), png.title(), png.subtitle(), png.width(),
          png.height());
      if (!Charts.hasPoints(f)) continue;
      Charts.write(dir, f);
      pngHtml.add("<figure><img src=\"" + Html.esc(f.file()) + "\" alt=\"" + Html.esc(f.title()) + "\" width=\""
          + f.width() + "\" height=\"" + f.height() + "\"><figcaption>" + png.caption() + "</figcaption></figure>\n");
      links.add("<a href=\"" + Html.esc(f.file()) + "\">" + Html.esc(f.title() + (f.subtitle() == null ? "" : ", " + f.subtitle()))
          + "</a>");
    }
    if (!pngHtml.isEmpty()) {
      b.append("<noscript>").append(grid(pngHtml, layout)).append("</noscript>\n")
          .append("<details class=\"png\"><summary>The same as PNG (").append(links.size())
          .append(")</summary><p>").append(String.join(" · ", links)).append("</p></details>\n");
    }
    b.append("</div>\n");
    return b.toString();
  }

  /** A grid of figures ({@code kind}: "wide" or "small" columns), or "" when there is none. */
  static String grid(List<String> figures, String kind) {
    String html = figures.stream().filter(x -> !x.isEmpty()).collect(Collectors.joining());
    return html.isEmpty() ? "" : "<div class=\"figures " + kind + "\">\n" + html + "</div>\n";
  }

  /** The style index of {@code name} in one family of charts (a new name gets the next one). */
  static int style(Map<String, Integer> styles, String name) {
    return styles.computeIfAbsent(name, x -> styles.size());
  }

  /** A KL level as the page's filter and the chart data spell it ({@link Plot#ALL} for null: every level). */
  static String klKey(Double klLevel) {
    return klLevel == null ? Plot.ALL : Double.toString(klLevel);
  }

  /** A batch size as the page's filter and the chart data spell it ({@link Plot#ALL} for null: every size). */
  static String batchKey(Integer batchSize) {
    return batchSize == null ? Plot.ALL : Integer.toString(batchSize);
  }

  /** A discount γ as the page's filter and the chart data spell it. */
  static String discountKey(double discount) {
    return Double.toString(discount);
  }

  static String samplingKey(boolean onPolicy) {
    return onPolicy ? "on" : "off";
  }

  /** "grad_rel_bias_on_k2.png": a file name for a PNG of family {@code id}, sampling and group. */
  static String pngName(String id, String mode, Plot.Group group) {
    String g = group.name().equals(Plot.ALL) ? "" : "_" + group.name().toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    return id + "_" + mode + g + ".png";
  }
}
