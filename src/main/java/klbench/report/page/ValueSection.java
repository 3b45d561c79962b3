package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import klbench.core.Consistency;
import klbench.report.charts.Charts;
import klbench.report.charts.Plot;
import klbench.report.data.Labels;
import klbench.report.data.ValueCurves;

/** "Value: the KL estimate itself": charts of the value's relative bias and standard deviation, and their table. */
final class ValueSection {
  private ValueSection() {}

  static String html(List<ValueCurves.Point> agg, Figures figures) throws IOException {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"value\"><h2>Value: the KL estimate itself</h2>\n<p class=\"caption\">"
        + "One line per value function (with clamps), at the sampling and batch size the filters select.</p>\n");
    double floor = Labels.ZERO_TO_ROUNDING;
    int h0 = agg.stream().mapToInt(ValueCurves.Point::horizon).min().orElse(1);
    Plot bias = plot(agg, figures, "value_rel_bias", "Value: |relative bias| of f", "|E f − KL| / KL [ratio]",
        "exact and Monte Carlo: signed (E f − KL) / KL",
        ValueCurves.Point::absRelBias, ValueCurves.Point::relBiasExact, ValueCurves.Point::relBiasMc,
        ValueCurves.Point::relBiasMcSe);
    Plot std = plot(agg, figures, "value_rel_std", "Value: relative standard deviation of f", "sd(f) / KL [ratio]",
        "sd(f) / KL, exact and Monte Carlo",
        ValueCurves.Point::relStd, ValueCurves.Point::relStdExact, ValueCurves.Point::relStdMc, p -> null);
    body.append(figures.family(bias, "|relative bias| of each value function against the KL level; mean of |bias| "
            + "over vocabulary sizes and policies (and behaviours, off-policy). Points at " + Charts.floorText(floor)
            + " are zero to rounding (unbiased).",
        pngs(bias, h0, "Value: |relative bias| of f, ", on -> "|relative bias| of each value function against the "
            + "KL level, " + pol(on) + "; mean of |bias| over vocabulary sizes and policies. Points at "
            + Charts.floorText(floor) + " are zero to rounding (unbiased)."), "wide"));
    body.append(figures.family(std, "Per-token standard deviation over KL (Schulman's \"stdev/true\"); mean over "
            + "vocabulary sizes and policies (and behaviours, off-policy).",
        pngs(std, h0, "Value: relative standard deviation of f, ", on -> "Per-token standard deviation over KL "
            + "(Schulman's \"stdev/true\"), " + pol(on) + "; mean over vocabulary sizes and policies."), "wide"));

    body.append("<table class=\"data\"><thead><tr><th>KL(p‖q)</th><th>sampling</th><th>value function</th>"
        + "<th>rel. bias (exact)</th><th>rel. bias (MC ± se)</th><th>rel. std</th><th>max |z|</th>"
        + "<th>configs</th></tr></thead><tbody>\n");
    for (ValueCurves.Point r : agg) {
      if (r.batchSize() != null || r.horizon() != h0) continue;
      Double z = r.maxZ();
      boolean bad = z != null && z > Consistency.Z_LIMIT;
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
    body.append("</tbody></table>\n<p class=\"caption\">Over every batch size. Signed relative bias (E f − KL)/KL: "
        + "exact, and from the simulated tokens with its standard error (value_mean_se / KL, combined over the "
        + "configurations averaged). <i>configs</i> counts the distributions (p, q, μ) averaged.</p>\n</section>\n");
    return body.toString();
  }

  private static String pol(boolean on) {
    return on ? "on-policy (μ = p)" : "off-policy (μ ≠ p, averaged over behaviours)";
  }

  /** The family of one value metric: one series per value function with clamps, grouped by value function. */
  private static Plot plot(List<ValueCurves.Point> agg, Figures figures, String id, String title, String yLabel,
      String valueNames, Function<ValueCurves.Point, Double> y, Function<ValueCurves.Point, Double> exact,
      Function<ValueCurves.Point, Double> mc, Function<ValueCurves.Point, Double> se) {
    SeriesSet set = new SeriesSet();
    for (ValueCurves.Point p : agg) {
      boolean drawn = p.klLevel() != null && y.apply(p) != null;
      set.add(Labels.value(p.valueFn(), p.clampLogRatio(), p.clampValue()), String.valueOf(p.valueFn()),
          p.estimators(), !drawn ? null
              : new Plot.Point(p.klLevel(), y.apply(p), exact.apply(p), mc.apply(p), se.apply(p), p.triples(),
                  Figures.klKey(p.klLevel()), Figures.samplingKey(p.onPolicy()), Figures.batchKey(p.batchSize()),
                  Integer.toString(p.horizon())));
    }
    List<Plot.Series> series = set.series(figures.valueStyles, "any (the value does not depend on it)");
    return new Plot(id, title, figures.klAxis, "kl", 10, yLabel, Labels.ZERO_TO_ROUNDING, valueNames,
        series, Plot.groups(series, true));
  }

  /** The PNGs of a value family: per sampling and group, over every batch size. */
  private static List<Figures.Png> pngs(Plot plot, int h0, String title, Function<Boolean, String> caption) {
    List<Figures.Png> out = new ArrayList<>();
    for (boolean on : new boolean[] {true, false}) {
      String mode = Figures.samplingKey(on);
      for (Plot.Group g : plot.groups()) {
        out.add(new Figures.Png(g, p -> p.sampling().equals(mode) && p.batch().equals(Plot.ALL)
                && p.horizon().equals(Integer.toString(h0)),
            Figures.pngName(plot.id(), mode, g), title + pol(on) + (g.name().equals(Plot.ALL) ? "" : " — " + g.name()),
            null, caption.apply(on), 760, 480));
      }
    }
    return out;
  }
}
