package klbench.report.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts as PNG files, drawn headless with JFreeChart. Every chart of the report has the same
 * anatomy: a title, both axes labelled with their unit, one line with markers per series, and the
 * legend below the plot. The x axis is logarithmic (KL levels, batch sizes); the y axis is
 * logarithmic where the values span a decade or more and linear otherwise, and its label says
 * which.
 *
 * <p>Values below {@link Figure#floor} (zero to rounding, e.g. the exact bias of an unbiased
 * estimator) are drawn at the floor, which the caption of each figure states, rather than
 * dropped: "exactly unbiased" is a result worth seeing.
 */
public final class Charts {
  static {
    // Before any AWT class loads: no display is needed, or used if there is one.
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * One line: (x, y) points, drawn in x order; points with a null or non-positive x are skipped.
   * {@code style} picks colour, marker and dash, so that one name looks the same in every chart.
   */
  public record Series(String name, int style, List<double[]> points) {}

  /**
   * One chart. {@code xBase} is 10 for KL levels and 2 for batch sizes (labelled as plain
   * integers). Axis labels name the quantity and unit; ", log scale" is added where it applies.
   */
  public record Figure(String file, String title, String subtitle, String xLabel, int xBase, String yLabel,
      double floor, List<Series> series, int width, int height) {}

  /** Okabe–Ito and Tableau colours: distinguishable on white and in print. */
  private static final Color[] PALETTE = {
    new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
    new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B),
    new Color(0x7F7F7F), new Color(0xBCBD22),
  };

  private static final Shape[] SHAPES = DefaultDrawingSupplier.createStandardSeriesShapes();

  private static final BasicStroke[] STROKES = {
    new BasicStroke(2.0f),
    new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 4f}, 0f),
    new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f),
  };

  /** True when the figure has at least one drawable point. */
  public static boolean hasPoints(Figure f) {
    for (Series s : f.series()) {
      for (double[] p : s.points()) if (drawable(p)) return true;
    }
    return false;
  }

  private static boolean drawable(double[] p) {
    return p[0] > 0 && Double.isFinite(p[0]) && !Double.isNaN(p[1]) && !Double.isInfinite(p[1]);
  }

  /** Draws the figure to {@code dir/file}. */
  public static void write(Path dir, Figure f) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    List<Integer> styles = new java.util.ArrayList<>();
    double xMin = Double.POSITIVE_INFINITY, xMax = 0, yMin = Double.POSITIVE_INFINITY, yMax = 0;
    for (Series s : f.series()) {
      XYSeries xy = new XYSeries(s.name(), true, true);
      for (double[] p : s.points()) {
        if (!drawable(p)) continue;
        double y = Math.max(p[1], f.floor());
        xy.add(p[0], y);
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
      if (xy.getItemCount() > 0) {
        data.addSeries(xy);
        styles.add(s.style());
      }
    }
    if (data.getSeriesCount() == 0) throw new IllegalArgumentException("figure " + f.file() + " has no points");

    LogAxis x = logAxis(f.xLabel() + ", log scale", f.xBase(), xMin, xMax);
    boolean yLog = logScale(yMin, yMax);
    ValueAxis y = yLog ? logAxis(f.yLabel() + ", log scale", 10, yMin, yMax) : linearAxis(f.yLabel(), yMin, yMax);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      int k = styles.get(i);
      renderer.setSeriesPaint(i, PALETTE[k % PALETTE.length]);
      renderer.setSeriesShape(i, SHAPES[k % SHAPES.length]);
      renderer.setSeriesStroke(i, STROKES[(k / PALETTE.length) % STROKES.length]);
    }
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    plot.setOutlinePaint(new Color(0x999999));
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    if (yMin <= f.floor()) {
      // Some point is at the floor: say what the floor means on the plot itself.
      ValueMarker zero = new ValueMarker(f.floor(), new Color(0x999999),
          new BasicStroke(1.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
      zero.setLabel("below " + floorText(f.floor()) + ": zero to rounding");
      zero.setLabelFont(new Font("SansSerif", Font.ITALIC, 12));
      zero.setLabelPaint(new Color(0x555555));
      zero.setLabelBackgroundColor(new Color(255, 255, 255, 0));
      zero.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      zero.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
      zero.setLabelOffset(new RectangleInsets(2, 6, 2, 6));
      plot.addRangeMarker(zero);
    }

    JFreeChart chart = new JFreeChart(f.title(), new Font("SansSerif", Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (f.subtitle() != null) {
      TextTitle sub = new TextTitle(f.subtitle(), new Font("SansSerif", Font.PLAIN, 12));
      sub.setPaint(new Color(0x444444));
      chart.addSubtitle(sub);
    }
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(new Font("SansSerif", Font.PLAIN, 12));
    legend.setFrame(BlockBorder.NONE);
    ChartUtils.saveChartAsPNG(dir.resolve(f.file()).toFile(), chart, f.width(), f.height());
  }

  /**
   * A log scale where the values span a decade or more; within one, a linear axis reads better
   * (the PNG and the interactive charts decide alike).
   */
  public static boolean logScale(double yMin, double yMax) {
    return yMax / yMin >= 10;
  }

  /**
   * The look of style {@code k} for a browser chart, as the PNG draws it: colour (#rrggbb), an
   * ECharts symbol close to the PNG's marker, and the line's dash ("solid", "dashed", "dotted").
   */
  public static Map<String, String> webStyle(int k) {
    Color c = PALETTE[k % PALETTE.length];
    // In this order, always: the chart data written are the same bytes from run to run.
    Map<String, String> style = new java.util.LinkedHashMap<>();
    style.put("color", String.format("#%06x", c.getRGB() & 0xffffff));
    style.put("symbol", WEB_SYMBOLS[k % WEB_SYMBOLS.length]);
    style.put("dash", WEB_DASHES[(k / PALETTE.length) % WEB_DASHES.length]);
    return style;
  }

  /** ECharts' nearest equivalents of {@link #SHAPES}, in their order. */
  private static final String[] WEB_SYMBOLS = {
    "rect", "circle", "triangle", "diamond", "roundRect", "path://M0,0 L10,0 L5,10 Z", "emptyCircle",
    "path://M0,0 L10,5 L0,10 Z", "rect", "path://M10,0 L0,5 L10,10 Z",
  };

  /** {@link #STROKES} as CSS-like dash names. */
  private static final String[] WEB_DASHES = {"solid", "dashed", "dotted"};

  /** 1e-9 for 1e-9: the floor as written in the captions. */
  public static String floorText(double floor) {
    long e = Math.round(Math.log10(floor));
    return Math.pow(10, e) == floor ? "1e" + e : Double.toString(floor);
  }

  /** A linear axis over [lo, hi] with a margin, for values within one decade. */
  private static NumberAxis linearAxis(String label, double lo, double hi) {
    NumberAxis a = new NumberAxis(label);
    a.setLabelFont(new Font("SansSerif", Font.PLAIN, 13));
    a.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 12));
    a.setAutoRangeIncludesZero(false);
    double pad = hi > lo ? 0.08 * (hi - lo) : 0.05 * Math.abs(hi);
    a.setRange(Math.max(0, lo - pad), hi + pad);
    return a;
  }

  /**
   * A log axis over [lo, hi] padded by a fifth of a decade, always spanning at least one tick, with
   * ticks at integer powers of the base (every second power beyond nine of them).
   */
  private static LogAxis logAxis(String label, int base, double lo, double hi) {
    LogAxis a = new LogAxis(label);
    a.setBase(base);
    a.setLabelFont(new Font("SansSerif", Font.PLAIN, 13));
    a.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 12));
    double logB = Math.log(base);
    double l = Math.log(lo) / logB;
    double h = Math.log(hi) / logB;
    double pad = base == 10 ? 0.2 : 0.4;
    double lower = l - pad;
    double upper = h + pad;
    if (Math.floor(upper) < Math.ceil(lower)) {
      // No integer power inside: widen to the nearest one below.
      lower = Math.floor(lower);
    }
    double span = upper - lower;
    a.setTickUnit(new NumberTickUnit(span > 18 ? 3 : span > 9 ? 2 : 1));
    a.setSmallestValue(Math.pow(base, lower));
    a.setRange(Math.pow(base, lower), Math.pow(base, upper));
    if (base == 10) {
      a.setBaseSymbol("10");
    } else {
      a.setNumberFormatOverride(new DecimalFormat("0"));
    }
    a.setMinorTickMarksVisible(true);
    return a;
  }
}
