package klbench.report.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Plot} as the page's interactive charts read it: {@code data/<id>.json}, and the same
 * JSON in {@code data/<id>.js}, which assigns it to {@code window.KLBENCH_DATA["<id>"]}.
 *
 * <p>Why both: the page must work opened from disk, and browsers refuse {@code fetch()} of a
 * {@code file://} URL, while a {@code <script src>} of a file beside the page loads everywhere. The
 * {@code .js} is what the page loads; the {@code .json} is the same data for any other tool.
 *
 * <p>Points are rows of {@code columns} (compact: a default grid's family is a few hundred rows);
 * non-finite numbers are written as null.
 */
public final class PlotData {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The columns of a point row, in order; {@link #SEQUENCE_COLUMNS} follow on the families that have them. */
  public static final List<String> COLUMNS =
      List.of("series", "x", "y", "exact", "mc", "se", "configs", "kl", "sampling", "batch", "horizon");
  /** The filters of the sequence charts only: written when some point of the family has them. */
  public static final List<String> SEQUENCE_COLUMNS = List.of("contexts", "discount");

  private PlotData() {}

  /** Writes {@code data/<id>.json} and {@code data/<id>.js} under {@code dir}; returns the .js path relative to dir. */
  public static String write(Path dir, Plot plot) throws IOException {
    String json = JSON.writeValueAsString(tree(plot));
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve(plot.id() + ".json"), json + "\n", StandardCharsets.UTF_8);
    Files.writeString(data.resolve(plot.id() + ".js"), "window.KLBENCH_DATA = window.KLBENCH_DATA || {};\n"
        + "window.KLBENCH_DATA[" + JSON.writeValueAsString(plot.id()) + "] = " + json + ";\n", StandardCharsets.UTF_8);
    return "data/" + plot.id() + ".js";
  }

  static ObjectNode tree(Plot plot) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", plot.id());
    o.put("title", plot.title());
    o.put("xLabel", plot.xLabel());
    o.put("xDim", plot.xDim());
    o.put("xBase", plot.xBase());
    o.put("yLabel", plot.yLabel());
    o.put("floor", plot.floor());
    o.put("valueNames", plot.valueNames());
    if (plot.klAll() != null) o.put("klAll", plot.klAll());
    ArrayNode series = o.putArray("series");
    for (Plot.Series s : plot.series()) {
      ObjectNode n = series.addObject();
      n.put("name", s.name());
      n.put("fullName", s.fullName());
      n.put("group", s.group());
      Charts.webStyle(s.style()).forEach(n::put);
      ArrayNode est = n.putArray("estimators");
      s.estimators().forEach(est::add);
      n.put("baseline", s.baseline());
    }
    ArrayNode groups = o.putArray("groups");
    for (Plot.Group g : plot.groups()) {
      ObjectNode n = groups.addObject();
      n.put("name", g.name());
      ArrayNode members = n.putArray("series");
      g.series().forEach(members::add);
      n.put("yLog", yLog(plot, g.series()));
    }
    o.put("allYLog", yLog(plot, java.util.stream.IntStream.range(0, plot.series().size()).boxed().toList()));
    boolean sequence = plot.series().stream().flatMap(s -> s.points().stream())
        .anyMatch(p -> p.contexts() != null || p.discount() != null);
    ArrayNode columns = o.putArray("columns");
    COLUMNS.forEach(columns::add);
    if (sequence) SEQUENCE_COLUMNS.forEach(columns::add);
    ArrayNode points = o.putArray("points");
    for (int i = 0; i < plot.series().size(); i++) {
      for (Plot.Point p : plot.series().get(i).points()) {
        ArrayNode row = points.addArray();
        row.add(i);
        num(row, p.x());
        num(row, p.y());
        num(row, p.exact());
        num(row, p.mc());
        num(row, p.se());
        row.add(p.configs());
        row.add(p.kl());
        row.add(p.sampling());
        row.add(p.batch());
        row.add(p.horizon());
        if (sequence) {
          row.add(p.contexts());
          row.add(p.discount());
        }
      }
    }
    return o;
  }

  /** A log y axis for these series when their values (at least the floor) span a decade, as {@link Charts#logScale}. */
  private static boolean yLog(Plot plot, List<Integer> members) {
    double lo = Double.POSITIVE_INFINITY, hi = 0;
    for (int i : members) {
      for (Plot.Point p : plot.series().get(i).points()) {
        if (!Double.isFinite(p.y()) || !(p.x() > 0)) continue;
        double y = Math.max(p.y(), plot.floor());
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
    }
    return hi > 0 && Charts.logScale(lo, hi);
  }

  private static void num(ArrayNode row, Double v) {
    if (v == null || !Double.isFinite(v)) row.addNull();
    else row.add(v);
  }
}
