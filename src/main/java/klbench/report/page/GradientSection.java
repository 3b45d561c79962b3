package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import klbench.report.charts.Charts;
import klbench.report.data.GradientCurves;
import klbench.report.data.Labels;

/** "Gradient: bias and direction": relative bias and 1 − cosine with G and G_fwd against the KL level. */
final class GradientSection {
  private GradientSection() {}

  /** {@code modes}: the curves of on-policy and off-policy rows, those that exist, on-policy first. */
  static String html(List<GradientCurves> modes, Figures figures) throws IOException {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"gradient\"><h2>Gradient: bias and direction</h2>\n<p class=\"caption\">"
        + "One line per value function and gradient rule (with clamps); on-policy left, off-policy right. "
        + "Estimators with the same numbers (e.g. k2/loss and k1/reward on-policy) draw on top of each "
        + "other: the leaderboards list each one.</p>\n");
    double floor = Labels.ZERO_TO_ROUNDING;
    List<List<String>> byMode = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (GradientCurves curves : modes) {
      boolean on = curves.onPolicy();
      List<String> figs = new ArrayList<>();
      byMode.add(figs);
      String m = on ? "on" : "off";
      Map<String, List<double[]>> bias = new LinkedHashMap<>();
      Map<String, List<double[]>> cos = new LinkedHashMap<>();
      Map<String, List<double[]>> fwd = new LinkedHashMap<>();
      List<String> zeroMean = new ArrayList<>();
      for (GradientCurves.Point r : curves.points()) {
        String label = Labels.gradient(r.valueFn(), r.rule(), r.clampLogRatio(), r.clampValue(), r.ratioClip());
        Figures.add(bias, label, r.klLevel(), r.relBias());
        Figures.add(cos, label, r.klLevel(), r.oneMinusCos());
        Figures.add(fwd, label, r.klLevel(), r.oneMinusCosFwd());
        if (r.withCos() == 0 && !zeroMean.contains(label)) zeroMean.add(label);
      }
      String pol = on ? "on-policy" : "off-policy";
      String over = (curves.baselineNone() ? "baseline none" : "all baselines")
          + "; mean over vocabulary sizes, policies, batch sizes" + (on ? "" : " and behaviours");
      figs.add(figures.figure(new Charts.Figure("grad_rel_bias_" + m + ".png",
          "Gradient: relative bias, " + pol, null, "KL(p‖q) [nats]", 10,
          "‖E[ĝ] − G‖ / ‖G‖ [ratio]", floor, Figures.series(bias, figures.gradStyles), 760, 520),
          "Relative bias of each value function and rule against the KL level, " + pol + " (" + over
              + "). Points at " + Charts.floorText(floor) + " are zero to rounding (unbiased)."));
      figs.add(figures.figure(new Charts.Figure("grad_cos_" + m + ".png",
          "Gradient direction vs reverse KL G, " + pol, null, "KL(p‖q) [nats]", 10,
          "1 − cos(E[ĝ], G)", floor, Figures.series(cos, figures.gradStyles), 760, 520),
          "1 − cosine between the expected gradient and the reverse-KL gradient G (0: same direction, "
              + "2: opposite), " + pol + " (" + over + ")."));
      figs.add(figures.figure(new Charts.Figure("grad_cos_fwd_" + m + ".png",
          "Gradient direction vs forward KL G_fwd = p − q, " + pol, null, "KL(p‖q) [nats]", 10,
          "1 − cos(E[ĝ], G_fwd)", floor, Figures.series(fwd, figures.gradStyles), 760, 520),
          "1 − cosine between the expected gradient and the forward-KL gradient p − q, " + pol + " ("
              + over + "). Points at " + Charts.floorText(floor) + ": the estimator follows the forward KL exactly."));
      if (!zeroMean.isEmpty()) {
        notes.add(pol + ": no cosine for " + String.join(", ", zeroMean)
            + " — its expected gradient is zero (‖E[ĝ]‖ ≤ 1e-12 ‖G‖), so it has no direction.");
      }
    }
    body.append(Figures.grid(Figures.sideBySide(byMode), "wide"));
    for (String n : notes) body.append("<p class=\"note\">").append(Html.esc(n)).append("</p>\n");
    body.append("</section>\n");
    return body.toString();
  }
}
