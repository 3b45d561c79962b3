package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import klbench.report.charts.Plot;
import klbench.report.data.BatchCurves;
import klbench.report.data.Labels;

/** "Gradient error against batch size, per baseline": one small chart per estimator. */
final class BatchSection {
  private BatchSection() {}

  /** {@code curves} is null when the results hold fewer than two batch sizes. */
  static String html(BatchCurves curves, Figures figures) throws IOException {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"batch\"><h2>Gradient error against batch size, per baseline</h2>\n");
    if (curves == null) {
      body.append("<p class=\"note\">Only one batch size in these results: nothing to draw.</p></section>\n");
      return body.toString();
    }
    int h0 = curves.points().stream().mapToInt(BatchCurves.Point::horizon).min().orElse(1);
    Map<String, List<Plot.Point>> points = new LinkedHashMap<>();
    Map<String, BatchCurves.Point> first = new LinkedHashMap<>();
    for (BatchCurves.Point p : curves.points()) {
      String key = p.estimator() + " + " + p.baseline();
      first.putIfAbsent(key, p);
      List<Plot.Point> list = points.computeIfAbsent(key, k -> new ArrayList<>());
      if (p.relRmse() == null) continue;
      list.add(new Plot.Point(p.batchSize(), p.relRmse(), p.relRmseExact(), p.relRmseMc(), null, p.configs(),
          Figures.klKey(p.klLevel()), Figures.samplingKey(p.onPolicy()), Figures.batchKey(p.batchSize()),
          Integer.toString(p.horizon())));
    }
    // One chart per estimator: series in the estimators' order, each one's baselines in reading order.
    List<String> keys = new ArrayList<>(points.keySet());
    keys.sort(java.util.Comparator.comparing((String k) -> first.get(k).estimator())
        .thenComparingDouble(k -> Labels.baselineOrder(first.get(k).baseline()))
        .thenComparing(k -> first.get(k).baseline()));
    List<Plot.Series> series = new ArrayList<>();
    for (String k : keys) {
      BatchCurves.Point p = first.get(k);
      String name = "baseline " + p.baseline();
      series.add(new Plot.Series(name, k, p.estimator(), Figures.style(figures.baselineStyles, name),
          List.of(p.estimator()), p.baseline(), points.get(k)));
    }
    Plot plot = new Plot("rmse_vs_batch", "Relative RMSE of one batch's gradient against the batch size",
        "batch size B [tokens]", "batch", 2, "√E‖ĝ − G‖² / ‖G‖ [ratio]", Labels.ZERO_TO_ROUNDING,
        "√E‖ĝ − G‖² / ‖G‖ from the exact and the Monte Carlo E‖ĝ − G‖²", series, Plot.groups(series, false));
    boolean anyOn = curves.anyOnPolicy();
    String mode = Figures.samplingKey(anyOn);
    List<Figures.Png> pngs = new ArrayList<>();
    for (int i = 0; i < plot.groups().size(); i++) {
      Plot.Group g = plot.groups().get(i);
      String estimator = series.get(g.series().get(0)).group();
      pngs.add(new Figures.Png(g, p -> p.sampling().equals(mode) && p.kl().equals(Plot.ALL)
              && p.horizon().equals(Integer.toString(h0)),
          String.format("rmse_vs_batch_%02d.png", i + 1), estimator, anyOn ? "on-policy" : "off-policy",
          Html.esc(estimator) + (curves.isPreset(estimator) ? " (preset)" : ""), 520, 380));
    }
    body.append(figures.family(plot, "Relative RMSE of the gradient of one batch against the batch size, one line per "
        + "baseline, one chart per estimator, at the sampling and KL level the filters select (\"all\": geometric "
        + "mean over KL levels; also over vocabulary sizes and policies: a ratio spanning decades is averaged on the "
        + "log scale). An unbiased estimator falls as 1/√B; a biased one levels off at its relative bias.",
        pngs, "small"));
    body.append("</section>\n");
    return body.toString();
  }
}
