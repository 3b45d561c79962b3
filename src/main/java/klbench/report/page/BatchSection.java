package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import klbench.report.charts.Charts;
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
    boolean anyOn = curves.onPolicyOnly();
    Map<String, Map<String, List<double[]>>> perEstimator = new TreeMap<>();
    for (BatchCurves.Point r : curves.points()) {
      perEstimator.computeIfAbsent(r.estimator(), k -> new LinkedHashMap<>());
      Figures.add(perEstimator.get(r.estimator()), "baseline " + r.baseline(), (double) r.batchSize(), r.relRmse());
    }
    List<String> figs = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Map<String, List<double[]>>> e : perEstimator.entrySet()) {
      i++;
      String file = String.format("rmse_vs_batch_%02d.png", i);
      figs.add(figures.figure(new Charts.Figure(file, e.getKey(), anyOn ? "on-policy" : "all sampling",
          "batch size B [tokens]", 2, "√E‖ĝ − G‖² / ‖G‖ [ratio]", Labels.ZERO_TO_ROUNDING,
          Figures.series(e.getValue(), figures.baselineStyles), 520, 380),
          Html.esc(e.getKey()) + (curves.isPreset(e.getKey()) ? " (preset)" : "")));
    }
    body.append("<p class=\"caption\">Relative RMSE of the gradient of one batch against the batch size, one "
        + "line per baseline, one chart per estimator. " + (anyOn ? "On-policy rows; " : "All rows; ")
        + "geometric mean over KL levels, vocabulary sizes and policies (a ratio spanning decades is "
        + "averaged on the log scale). An unbiased estimator falls as 1/√B; a biased one levels off at "
        + "its relative bias.</p>\n");
    body.append(Figures.grid(figs, "small"));
    body.append("</section>\n");
    return body.toString();
  }
}
