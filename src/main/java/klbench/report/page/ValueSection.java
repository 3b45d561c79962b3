package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import klbench.core.TripleEvaluation;
import klbench.report.charts.Charts;
import klbench.report.data.Labels;
import klbench.report.data.ValueCurves;

/** "Value: the KL estimate itself": charts of the value's relative bias and standard deviation, and their table. */
final class ValueSection {
  private ValueSection() {}

  static String html(List<ValueCurves.Point> agg, Figures figures) throws IOException {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"value\"><h2>Value: the KL estimate itself</h2>\n<p class=\"caption\">"
        + "One line per value function (with clamps); on-policy left, off-policy right.</p>\n");
    double floor = Labels.ZERO_TO_ROUNDING;
    List<List<String>> byMode = new ArrayList<>();
    for (boolean on : new boolean[] {true, false}) {
      List<ValueCurves.Point> mode = agg.stream().filter(r -> r.onPolicy() == on).toList();
      if (mode.isEmpty()) continue;
      List<String> figs = new ArrayList<>();
      byMode.add(figs);
      String m = on ? "on" : "off";
      Map<String, List<double[]>> bias = new LinkedHashMap<>();
      Map<String, List<double[]>> std = new LinkedHashMap<>();
      for (ValueCurves.Point r : mode) {
        String label = Labels.value(r.valueFn(), r.clampLogRatio(), r.clampValue());
        Figures.add(bias, label, r.klLevel(), r.absRelBias());
        Figures.add(std, label, r.klLevel(), r.relStd());
      }
      String pol = on ? "on-policy (μ = p)" : "off-policy (μ ≠ p, averaged over behaviours)";
      figs.add(figures.figure(new Charts.Figure("value_rel_bias_" + m + ".png",
          "Value: |relative bias| of f, " + pol, null, "KL(p‖q) [nats]", 10,
          "|E f − KL| / KL [ratio]", floor, Figures.series(bias, figures.valueStyles), 760, 480),
          "|relative bias| of each value function against the KL level, " + pol
              + "; mean of |bias| over vocabulary sizes and policies. Points at " + Charts.floorText(floor)
              + " are zero to rounding (unbiased)."));
      figs.add(figures.figure(new Charts.Figure("value_rel_std_" + m + ".png",
          "Value: relative standard deviation of f, " + pol, null, "KL(p‖q) [nats]", 10,
          "sd(f) / KL [ratio]", floor, Figures.series(std, figures.valueStyles), 760, 480),
          "Per-token standard deviation over KL (Schulman's \"stdev/true\"), " + pol
              + "; mean over vocabulary sizes and policies."));
    }
    body.append(Figures.grid(Figures.sideBySide(byMode), "wide"));

    body.append("<table class=\"data\"><thead><tr><th>KL(p‖q)</th><th>sampling</th><th>value function</th>"
        + "<th>rel. bias (exact)</th><th>rel. bias (MC ± se)</th><th>rel. std</th><th>max |z|</th>"
        + "<th>configs</th></tr></thead><tbody>\n");
    for (ValueCurves.Point r : agg) {
      Double z = r.maxZ();
      boolean bad = z != null && z > TripleEvaluation.Z_LIMIT;
      body.append(bad ? "<tr class=\"inconsistent\">" : "<tr>")
          .append("<td class=\"n\">").append(Html.kl(r.klLevel())).append("</td><td>")
          .append(r.onPolicy() ? "on" : "off").append("</td><td>")
          .append(Html.esc(Labels.value(r.valueFn(), r.clampLogRatio(), r.clampValue())))
          .append("</td><td class=\"n\">").append(Html.num(r.relBiasExact()))
          .append("</td><td class=\"n\">").append(Html.pm(r.relBiasMc(), r.relBiasMcSe()))
          .append("</td><td class=\"n\">").append(Html.num(r.relStd()))
          .append("</td><td class=\"n\">").append(bad ? "<span class=\"warn\">⚠</span> " : "")
          .append(Html.num(z)).append("</td><td class=\"n\">").append(r.triples())
          .append("</td></tr>\n");
    }
    body.append("</tbody></table>\n<p class=\"caption\">Signed relative bias (E f − KL)/KL: exact, and from "
        + "the simulated tokens with its standard error (value_mean_se / KL, combined over the configurations "
        + "averaged). <i>configs</i> counts the distributions (p, q, μ) averaged.</p>\n</section>\n");
    return body.toString();
  }
}
