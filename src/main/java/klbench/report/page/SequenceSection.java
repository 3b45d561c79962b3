package klbench.report.page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import klbench.report.charts.Charts;
import klbench.report.charts.Plot;
import klbench.report.data.Labels;
import klbench.report.data.SequenceCurves;
import klbench.report.data.SequenceCurves.Gradient;

/**
 * "Sequences: the gradient over whole responses against the horizon" (SEQUENCES.md): the share of
 * G_seq that flows through future tokens, then the gradient's relative bias and its direction
 * against G_seq, the per-position G_pos and the forward G_seq_fwd, per (value function, rule,
 * clamps), on a log2 axis of horizons. Shown only when the results hold responses of more than one
 * token. The context count and discount are filters of these charts (the page's filter bar).
 */
final class SequenceSection {
  private SequenceSection() {}

  /** The section's HTML (with its charts written), for results with horizons above 1. */
  static String html(SequenceCurves curves, Figures figures) throws IOException {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"sequences\"><h2>Sequences: the gradient over whole responses against the horizon</h2>\n"
        + "<p class=\"caption\">A response of T tokens; its KL penalty wants G<sub>seq</sub> = ∇KL(P‖Q), the "
        + "gradient of the KL between the policy's and the reference's response distributions. A per-token "
        + "term that sees no future token follows at best G<sub>pos</sub>, the sum of the positions' own "
        + "gradients, which misses what flows through the tokens after each position. The context count "
        + "says how much the future depends on the present (1: not at all; tree: every prefix its own "
        + "distribution); the discount γ weighs future values in the reward rules. Filters: KL level per "
        + "position, sampling, batch size, contexts and γ; the x axis is the horizon T.</p>\n");
    String over = "mean over vocabulary sizes and policies (and behaviours, off-policy); " + baselines(curves) + ".";
    String floor = Charts.floorText(Labels.ZERO_TO_ROUNDING);
    List<String> contexts = contextsOf(curves);
    String gamma = Figures.discountKey(curves.gradients().stream().mapToDouble(Gradient::discount).max().orElse(1.0));

    Plot share = futureShare(curves, figures);
    body.append(figures.family(share, "‖G<sub>seq</sub> − G<sub>pos</sub>‖ / ‖G<sub>seq</sub>‖, one line per context "
            + "count: how much of the sequence-level gradient a per-token term that sees no future token cannot "
            + "see (a property of P and Q; mean over vocabulary sizes and policies). 0 at T = 1 and with one "
            + "context. Points at " + floor + " are zero to rounding.",
        sharePngs(share, curves), "wide"));

    Plot bias = gradient(curves, figures, "seq_grad_rel_bias", "Sequences: relative bias against G_seq",
        "‖E[ĝ] − G_seq‖ / ‖G_seq‖ [ratio]", "‖E[ĝ] − G_seq‖ / ‖G_seq‖ from the exact and the Monte Carlo E[ĝ]",
        Gradient::relBias, Gradient::relBiasExact, Gradient::relBiasMc);
    Plot cos = gradient(curves, figures, "seq_grad_cos", "Sequences: direction vs G_seq = ∇KL(P‖Q)",
        "1 − cos(E[ĝ], G_seq)", "1 − cos from the exact and the Monte Carlo E[ĝ]",
        Gradient::oneMinusCos, Gradient::oneMinusCosExact, Gradient::oneMinusCosMc);
    Plot pos = gradient(curves, figures, "seq_grad_cos_pos", "Sequences: direction vs the per-position G_pos",
        "1 − cos(E[ĝ], G_pos)", "1 − cos from the exact and the Monte Carlo E[ĝ]",
        Gradient::oneMinusCosPos, Gradient::oneMinusCosPosExact, Gradient::oneMinusCosPosMc);
    Plot fwd = gradient(curves, figures, "seq_grad_cos_fwd", "Sequences: direction vs the forward G_seq_fwd = ∇KL(Q‖P)",
        "1 − cos(E[ĝ], G_seq_fwd)", "1 − cos from the exact and the Monte Carlo E[ĝ]",
        Gradient::oneMinusCosFwd, Gradient::oneMinusCosFwdExact, Gradient::oneMinusCosFwdMc);
    body.append(figures.family(bias, "Relative bias of each value function and rule against the horizon; " + over
            + " Points at " + floor + " are zero to rounding (unbiased for G<sub>seq</sub>).",
        gradientPngs(bias, curves, contexts, gamma, "relative bias"), "wide"));
    body.append(figures.family(cos, "1 − cosine between the expected gradient and G<sub>seq</sub> (0: same direction, "
            + "2: opposite); " + over,
        gradientPngs(cos, curves, contexts, gamma, "1 − cos with G_seq"), "wide"));
    body.append(figures.family(pos, "1 − cosine between the expected gradient and G<sub>pos</sub>; " + over
            + " Points at " + floor + ": the estimator follows the per-position gradient, not the sequence's.",
        gradientPngs(pos, curves, contexts, gamma, "1 − cos with G_pos"), "wide"));
    body.append(figures.family(fwd, "1 − cosine between the expected gradient and G<sub>seq_fwd</sub> = ∇KL(Q‖P); "
            + over + " Points at " + floor + ": the estimator follows the forward KL of the responses.",
        gradientPngs(fwd, curves, contexts, gamma, "1 − cos with G_seq_fwd"), "wide"));
    for (boolean on : new boolean[] {true, false}) {
      Set<String> withCos = new TreeSet<>();
      Set<String> all = new LinkedHashSet<>();
      for (Gradient g : curves.gradients()) {
        if (g.onPolicy() != on) continue;
        all.add(label(g));
        if (g.oneMinusCos() != null) withCos.add(label(g));
      }
      all.removeAll(withCos);
      if (!all.isEmpty()) {
        body.append("<p class=\"note\">").append(Html.esc((on ? "on-policy" : "off-policy") + ": no cosine for "
            + String.join(", ", all) + " — its expected gradient is zero at every horizon, so it has no direction."))
            .append("</p>\n");
      }
    }
    body.append("</section>\n");
    return body.toString();
  }

  private static String label(Gradient g) {
    return Labels.gradient(g.valueFn(), g.rule(), g.clampLogRatio(), g.clampValue(), g.ratioClip());
  }

  private static String baselines(SequenceCurves c) {
    return c.onPolicyNone() && c.offPolicyNone() ? "baseline none"
        : !c.onPolicyNone() && !c.offPolicyNone() ? "mean over all baselines"
        : "baseline none where the grid has it, else all baselines";
  }

  /** The context counts of the curves, in reading order. */
  private static List<String> contextsOf(SequenceCurves curves) {
    Set<String> seen = new LinkedHashSet<>();
    curves.gradients().forEach(g -> seen.add(g.contexts()));
    curves.futureShares().forEach(f -> seen.add(f.contexts()));
    return Labels.contextsOrder(List.copyOf(seen));
  }

  private static String contextsName(String contexts) {
    return "contexts " + contexts;
  }

  /** The truth: one series per context count. */
  private static Plot futureShare(SequenceCurves curves, Figures figures) {
    SeriesSet set = new SeriesSet();
    List<SequenceCurves.FutureShare> shares = new ArrayList<>(curves.futureShares());
    // Series in reading order of the context counts.
    shares.sort(Comparator.comparing(SequenceCurves.FutureShare::contexts, Labels.CONTEXTS));
    for (SequenceCurves.FutureShare f : shares) {
      set.add(contextsName(f.contexts()), "all", List.of("any (a property of P and Q)"), f.share() == null ? null
          : new Plot.Point(f.horizon(), f.share(), f.share(), null, null, f.models(), Figures.klKey(f.klLevel()),
              Figures.samplingKey(f.onPolicy()), Figures.batchKey(f.batchSize()), Integer.toString(f.horizon())));
    }
    List<Plot.Series> series = set.series(figures.contextsStyles, "any");
    return new Plot("seq_future_share", "Sequences: the future's share of G_seq", "horizon T [tokens]", "horizon", 2,
        "‖G_seq − G_pos‖ / ‖G_seq‖ [ratio]", Labels.ZERO_TO_ROUNDING,
        "grad_future_share, a truth: exact, no Monte Carlo; models averaged", series, Plot.groups(series, true), "mean");
  }

  /** A gradient metric against the horizon: one series per (value function, rule, clamps), grouped by value function. */
  private static Plot gradient(SequenceCurves curves, Figures figures, String id, String title, String yLabel,
      String valueNames, Function<Gradient, Double> y, Function<Gradient, Double> exact, Function<Gradient, Double> mc) {
    SeriesSet set = new SeriesSet();
    for (Gradient g : curves.gradients()) {
      set.add(label(g), String.valueOf(g.valueFn()), g.estimators(), y.apply(g) == null ? null
          : new Plot.Point(g.horizon(), y.apply(g), exact.apply(g), mc.apply(g), null, g.rows(),
              Figures.klKey(g.klLevel()), Figures.samplingKey(g.onPolicy()), Figures.batchKey(g.batchSize()),
              Integer.toString(g.horizon()), g.contexts(), Figures.discountKey(g.discount())));
    }
    String baseline = curves.onPolicyNone() && curves.offPolicyNone() ? "none" : baselines(curves);
    List<Plot.Series> series = set.series(figures.gradStyles, baseline);
    return new Plot(id, title, "horizon T [tokens]", "horizon", 2, yLabel, Labels.ZERO_TO_ROUNDING, valueNames,
        series, Plot.groups(series, true), "mean");
  }

  /** The truth's PNG: over every KL level and batch size, of the first sampling the results have. */
  private static List<Figures.Png> sharePngs(Plot plot, SequenceCurves curves) {
    boolean on = curves.futureShares().stream().anyMatch(SequenceCurves.FutureShare::onPolicy);
    String mode = Figures.samplingKey(on);
    List<Figures.Png> out = new ArrayList<>();
    for (Plot.Group g : plot.groups()) {
      out.add(new Figures.Png(g, p -> p.sampling().equals(mode) && p.kl().equals(Plot.ALL) && p.batch().equals(Plot.ALL),
          Figures.pngName(plot.id(), mode, g), "Sequences: the future's share of G_seq", null,
          "‖G<sub>seq</sub> − G<sub>pos</sub>‖ / ‖G<sub>seq</sub>‖ against the horizon, one line per context count "
              + "(mean over vocabulary sizes, policies and KL levels).", 760, 480));
    }
    return out;
  }

  /**
   * The PNGs of a gradient family: per sampling, context count and group, over every KL level and
   * batch size, at the largest discount (γ = 1 where the grid has it).
   */
  private static List<Figures.Png> gradientPngs(Plot plot, SequenceCurves curves, List<String> contexts, String gamma,
      String what) {
    List<Figures.Png> out = new ArrayList<>();
    for (boolean on : new boolean[] {true, false}) {
      if (curves.gradients().stream().noneMatch(g -> g.onPolicy() == on)) continue;
      String mode = Figures.samplingKey(on);
      String pol = on ? "on-policy" : "off-policy";
      for (String c : contexts) {
        for (Plot.Group g : plot.groups()) {
          out.add(new Figures.Png(g, p -> p.sampling().equals(mode) && p.kl().equals(Plot.ALL)
                  && p.batch().equals(Plot.ALL) && c.equals(p.contexts()) && gamma.equals(p.discount()),
              Figures.pngName(plot.id(), mode + "_ctx-" + c, g),
              plot.title() + ", " + pol + (g.name().equals(Plot.ALL) ? "" : " — " + g.name()),
              contextsName(c) + ", γ = " + Labels.plain(Double.parseDouble(gamma)),
              Html.esc(what) + " against the horizon, " + pol + ", " + Html.esc(contextsName(c)) + ", γ = "
                  + Labels.plain(Double.parseDouble(gamma)) + " (mean over KL levels, batch sizes, vocabulary sizes "
                  + "and policies).", 760, 520));
        }
      }
    }
    return out;
  }
}
