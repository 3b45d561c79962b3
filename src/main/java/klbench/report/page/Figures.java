package klbench.report.page;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import klbench.report.charts.Charts;

/**
 * The figures of one page: draws each chart into the page's folder and returns its HTML, and keeps
 * one style (colour, marker, dash) per series name for each family of charts, so that a name looks
 * the same from chart to chart, whichever series a chart lacks.
 */
final class Figures {
  private final Path dir;
  /** Series name to style index, per family of charts, for the whole page. */
  final Map<String, Integer> valueStyles = new LinkedHashMap<>();
  final Map<String, Integer> gradStyles = new LinkedHashMap<>();
  final Map<String, Integer> baselineStyles = new LinkedHashMap<>();

  Figures(Path dir) {
    this.dir = dir;
  }

  /** Draws a figure if it has points and returns its HTML, or "" (nothing is referenced then). */
  String figure(Charts.Figure f, String caption) throws IOException {
    if (!Charts.hasPoints(f)) return "";
    Charts.write(dir, f);
    return "<figure><img src=\"" + Html.esc(f.file()) + "\" alt=\"" + Html.esc(f.title()) + "\" width=\""
        + f.width() + "\" height=\"" + f.height() + "\"><figcaption>" + caption + "</figcaption></figure>\n";
  }

  private static final String NO_POINTS =
      "<figure class=\"nofig\"><figcaption>No point to draw here (every value is missing).</figcaption></figure>\n";

  /**
   * On-policy and off-policy figures of one metric next to each other (left on, right off); a
   * figure with no points keeps its place with a note, so the pairs stay aligned.
   */
  static List<String> sideBySide(List<List<String>> byMode) {
    if (byMode.size() < 2) return byMode.isEmpty() ? List.of() : byMode.get(0);
    List<String> out = new ArrayList<>();
    List<String> on = byMode.get(0);
    List<String> off = byMode.get(1);
    for (int i = 0; i < on.size(); i++) {
      if (on.get(i).isEmpty() && off.get(i).isEmpty()) continue;
      out.add(on.get(i).isEmpty() ? NO_POINTS : on.get(i));
      out.add(off.get(i).isEmpty() ? NO_POINTS : off.get(i));
    }
    return out;
  }

  /** A grid of figures ({@code kind}: "wide" or "small" columns), or "" when there is none. */
  static String grid(List<String> figures, String kind) {
    String html = figures.stream().filter(x -> !x.isEmpty()).collect(Collectors.joining());
    return html.isEmpty() ? "" : "<div class=\"figures " + kind + "\">\n" + html + "</div>\n";
  }

  /** Adds the point (x, y) to the series {@code label}, unless a coordinate is missing. */
  static void add(Map<String, List<double[]>> series, String label, Double x, Double y) {
    if (x == null || y == null) return;
    series.computeIfAbsent(label, k -> new ArrayList<>()).add(new double[] {x, y});
  }

  /** The series of a chart, styled by name through {@code styles} (one family of charts). */
  static List<Charts.Series> series(Map<String, List<double[]>> m, Map<String, Integer> styles) {
    List<Charts.Series> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Charts.Series(k, styles.computeIfAbsent(k, x -> styles.size()), v)));
    return out;
  }
}
