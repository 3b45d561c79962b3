package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import klbench.report.charts.Charts;
import klbench.report.charts.Plot;
import klbench.report.data.GradientCurves;
import klbench.report.data.Labels;

/** "Gradient: bias and direction": relative bias and 1 − cosine with G and G_fwd against the KL level. */
final class GradientSection {
  private GradientSection() {}

  /** {@code modes}: the curves of on-policy and off-policy rows, those that exist, on-policy first. */
  static String html(List<GradientCurves> modes, Figures figures) throws IOException {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"gradient\"><h2>Gradient: bias and direction</h2>\n<p class=\"caption\">"
        + "One line per value function and gradient rule (with clamps), grouped by value function, at the "
        + "sampling and batch size the filters select. Estimators with the same numbers (e.g. k2/loss and "
        + "k1/reward on-policy) draw on top of each other: the tooltip lists every estimator of a line, the "
        + "leaderboards list each one.</p>\n");
    double floor = Labels.ZERO_TO_ROUNDING;
    int h0 = modes.stream().flatMap(m -> m.points().stream()).mapToInt(GradientCurves.Point::horizon).min().orElse(1);
    String over = "mean over vocabulary sizes and policies (and behaviours, off-policy); "
        + baselines(modes) + ".";
    Plot bias = plot(modes, figures, "grad_rel_bias", "Gradient: relative bias", "‖E[ĝ] − G‖ / ‖G‖ [ratio]",
        "‖E[ĝ] − G‖ / ‖G‖ from the exact and the Monte Carlo E[ĝ]", GradientCurves.Point::relBias,
        GradientCurves.Point::relBiasExact, GradientCurves.Point::relBiasMc);
    Plot cos = plot(modes, figures, "grad_cos", "Gradient direction vs reverse KL G", "1 − cos(E[ĝ], G)",
        "1 − cos from the exact and the Monte Carlo E[ĝ]", GradientCurves.Point::oneMinusCos,
        GradientCurves.Point::oneMinusCosExact, GradientCurves.Point::oneMinusCosMc);
    Plot fwd = plot(modes, figures, "grad_cos_fwd", "Gradient direction vs forward KL G_fwd = p − q",
        "1 − cos(E[ĝ], G_fwd)", "1 − cos from the exact and the Monte Carlo E[ĝ]",
        GradientCurves.Point::oneMinusCosFwd, GradientCurves.Point::oneMinusCosFwdExact,
        GradientCurves.Point::oneMinusCosFwdMc);
    body.append(figures.family(bias, "Relative bias of each value function and rule against the KL level; " + over
            + " Points at " + Charts.floorText(floor) + " are zero to rounding (unbiased).",
        pngs(bias, modes, h0, "Gradient: relative bias, ", (pol, o) -> "Relative bias of each value function and rule "
            + "against the KL level, " + pol + " (" + o + "). Points at " + Charts.floorText(floor)
            + " are zero to rounding (unbiased)."), "wide"));
    body.append(figures.family(cos, "1 − cosine between the expected gradient and the reverse-KL gradient G (0: same "
            + "direction, 2: opposite); " + over,
        pngs(cos, modes, h0, "Gradient direction vs reverse KL G, ", (pol, o) -> "1 − cosine between the expected "
            + "gradient and the reverse-KL gradient G (0: same direction, 2: opposite), " + pol + " (" + o + ")."),
        "wide"));
    body.append(figures.family(fwd, "1 − cosine between the expected gradient and the forward-KL gradient p − q; "
            + over + " Points at " + Charts.floorText(floor) + ": the estimator follows the forward KL exactly.",
        pngs(fwd, modes, h0, "Gradient direction vs forward KL G_fwd = p − q, ", (pol, o) -> "1 − cosine between the "
            + "expected gradient and the forward-KL gradient p − q, " + pol + " (" + o + "). Points at "
            + Charts.floorText(floor) + ": the estimator follows the forward KL exactly."), "wide"));
    for (GradientCurves curves : modes) {
      List<String> zeroMean = new ArrayList<>();
      for (GradientCurves.Point r : curves.points()) {
        if (r.batchSize() != null || r.horizon() != h0) continue;
        String label = label(r);
        if (r.withCos() == 0 && !zeroMean.contains(label)) zeroMean.add(label);
      }
      if (!zeroMean.isEmpty()) {
        body.append("<p class=\"note\">").append(Html.esc((curves.onPolicy() ? "on-policy" : "off-policy")
            + ": no cosine for " + String.join(", ", zeroMean)
            + " — its expected gradient is zero (‖E[ĝ]‖ ≤ 1e-12 ‖G‖), so it has no direction.")).append("</p>\n");
      }
    }
    body.append("</section>\n");
    return body.toString();
  }

  private static String label(GradientCurves.Point r) {
    return Labels.gradient(r.valueFn(), r.rule(), r.clampLogRatio(), r.clampValue(), r.ratioClip());
  }

  /** Which baselines the curves average, said once for both samplings. */
  private static String baselines(List<GradientCurves> modes) {
    boolean allNone = modes.stream().allMatch(GradientCurves::baselineNone);
    boolean noNone = modes.stream().noneMatch(GradientCurves::baselineNone);
    return allNone ? "baseline none" : noNone ? "mean over all baselines" : "baseline none where the grid has it, "
        + "else all baselines";
  }

  private static String over(GradientCurves curves) {
    return (curves.baselineNone() ? "baseline none" : "all baselines")
        + "; mean over vocabulary sizes, policies, batch sizes" + (curves.onPolicy() ? "" : " and behaviours");
  }

  /** The family of one gradient metric: one series per (value function, rule, clamps), grouped by value function. */
  private static Plot plot(List<GradientCurves> modes, Figures figures, String id, String title, String yLabel,
      String valueNames, Function<GradientCurves.Point, Double> y, Function<GradientCurves.Point, Double> exact,
      Function<GradientCurves.Point, Double> mc) {
    SeriesSet set = new SeriesSet();
    for (GradientCurves curves : modes) {
      for (GradientCurves.Point p : curves.points()) {
        boolean drawn = p.klLevel() != null && y.apply(p) != null;
        set.add(label(p), String.valueOf(p.valueFn()), p.estimators(), !drawn ? null
            : new Plot.Point(p.klLevel(), y.apply(p), exact.apply(p), mc.apply(p), null, p.rows(),
                Figures.klKey(p.klLevel()), Figures.samplingKey(curves.onPolicy()), Figures.batchKey(p.batchSize()),
                Integer.toString(p.horizon())));
      }
    }
    // Series in the order of the PNG legends before: value function, rule, clamps (on-policy first seen).
    String baseline = modes.stream().allMatch(GradientCurves::baselineNone) ? "none" : baselines(modes);
    List<Plot.Series> series = set.series(figures.gradStyles, baseline);
    return new Plot(id, title, figures.klAxis, "kl", 10, yLabel, Labels.ZERO_TO_ROUNDING, valueNames, series,
        Plot.groups(series, true));
  }

  /** The PNGs of a gradient family: per sampling and group, over every batch size. */
  private static List<Figures.Png> pngs(Plot plot, List<GradientCurves> modes, int h0, String title,
      java.util.function.BiFunction<String, String, String> caption) {
    List<Figures.Png> out = new ArrayList<>();
    for (GradientCurves curves : modes) {
      String mode = Figures.samplingKey(curves.onPolicy());
      String pol = curves.onPolicy() ? "on-policy" : "off-policy";
      for (Plot.Group g : plot.groups()) {
        out.add(new Figures.Png(g, p -> p.sampling().equals(mode) && p.batch().equals(Plot.ALL)
                && p.horizon().equals(Integer.toString(h0)),
            Figures.pngName(plot.id(), mode, g), title + pol + (g.name().equals(Plot.ALL) ? "" : " — " + g.name()),
            null, caption.apply(pol, over(curves)), 760, 520));
      }
    }
    return out;
  }
}
