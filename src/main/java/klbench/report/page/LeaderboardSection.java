package klbench.report.page;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import klbench.core.Consistency;
import klbench.report.data.Labels;
import klbench.report.data.Leaderboard;
import klbench.report.ranking.Board;
import klbench.report.ranking.Entry;

/** "Leaderboards": one ranked table per KL level, sampling and batch size (and horizon, over responses). */
final class LeaderboardSection {
  private LeaderboardSection() {}

  /** Rows shown per leaderboard table; the rest are counted. */
  static final int LEADERBOARD_ROWS = 30;

  /** {@code sequences}: the results hold responses of more than one token; each table then names its horizon. */
  static String html(Map<Board, List<Entry>> boards, List<Leaderboard.Replicates> replicates, boolean sequences) {
    Map<String, String> over = new LinkedHashMap<>();
    for (Leaderboard.Replicates r : replicates) {
      over.put(r.klLevel() + "|" + r.onPolicy() + "|" + r.horizon(),
          "V ∈ {" + join(r.vocabSizes()) + "}; p ∈ {" + join(r.policies()) + "}; q ∈ {" + join(r.references())
              + "}; μ ∈ {" + join(r.behaviours()) + "}" + (sequences ? "; contexts ∈ {" + join(r.contexts()) + "}" : ""));
    }
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"leaderboard\"><h2>Leaderboards: estimators and presets side by side</h2>\n"
        + "<p class=\"caption\">One table per KL level, sampling" + (sequences ? ", horizon" : "")
        + " and batch size, ordered by mean relative RMSE "
        + "of the gradient (lowest first). Bias²/variance: shares of the squared error "
        + "(grad_bias_norm² and grad_var over their sum). Relative RMSE is also shown from the exact "
        + "formulas and from the simulation (± standard error from grad_mse_se). "
        + "<span class=\"warn\">⚠ k/n</span>: k of the n configurations averaged have Monte Carlo and exact "
        + "values more than " + Labels.plain(Consistency.Z_LIMIT) + " standard errors apart.</p>\n");
    Double currentKl = null;
    for (Map.Entry<Board, List<Entry>> b : boards.entrySet()) {
      Board key = b.getKey();
      if (currentKl == null || currentKl != key.klLevel()) {
        currentKl = key.klLevel();
        body.append(sequences ? "<h3>KL per position = " : "<h3>KL(p‖q) = ").append(Html.kl(currentKl))
            .append(" nats</h3>\n");
      }
      body.append("<h4>").append(key.onPolicy() ? "on-policy" : "off-policy")
          .append(sequences ? ", horizon T = " + key.horizon() : "").append(", B = ")
          .append(key.batchSize()).append("</h4>\n<p class=\"caption\">Mean over ")
          .append(Html.esc(over.getOrDefault(key.klLevel() + "|" + key.onPolicy() + "|" + key.horizon(), "")))
          .append(".</p>\n");
      body.append("<table class=\"data leaderboard\" data-kl=\"").append(key.klLevel())
          .append("\" data-mode=\"").append(key.onPolicy() ? "on" : "off")
          .append(sequences ? "\" data-horizon=\"" + key.horizon() : "").append("\" data-batch=\"")
          .append(key.batchSize()).append("\"><thead><tr><th>#</th><th>estimator</th><th>baseline</th>"
              + "<th>rel. RMSE</th><th>bias²</th><th>variance</th><th>rel. bias</th><th>cos G</th>"
              + "<th>cos G<sub>fwd</sub></th><th>rel. RMSE exact</th><th>rel. RMSE MC ± se</th>"
              + "<th>check</th><th>n</th></tr></thead><tbody>\n");
      List<Entry> entries = b.getValue();
      for (int i = 0; i < entries.size() && i < LEADERBOARD_ROWS; i++) {
        Entry e = entries.get(i);
        boolean bad = e.inconsistent() > 0;
        body.append("<tr").append(bad ? " class=\"inconsistent\"" : "").append(" data-estimator=\"")
            .append(Html.esc(e.estimator())).append("\" data-baseline=\"").append(Html.esc(e.baseline()))
            .append(e.discount() == 1.0 ? "" : "\" data-discount=\"" + e.discount())
            .append("\"><td class=\"n\">").append(i + 1).append("</td><td>")
            .append(Html.esc(e.estimatorName()))
            .append(e.preset() ? " <span class=\"tag\">preset</span>" : "").append("</td><td>")
            .append(Html.esc(e.baseline())).append("</td><td class=\"n\"><b>").append(Html.num(e.relRmse()))
            .append("</b></td><td class=\"n\">").append(Html.pct(e.biasShare()))
            .append("</td><td class=\"n\">").append(Html.pct(e.varShare()))
            .append("</td><td class=\"n\">").append(Html.num(e.relBias()))
            .append("</td><td class=\"n\">").append(Html.num(e.cosG()))
            .append("</td><td class=\"n\">").append(Html.num(e.cosFwd()))
            .append("</td><td class=\"n\">").append(Html.num(e.relRmseExact()))
            .append("</td><td class=\"n\">").append(Html.pm(e.relRmseMc(), e.relRmseMcSe()))
            .append("</td><td>").append(bad
                ? "<span class=\"warn\" title=\"Monte Carlo and exact disagree\">⚠ " + e.inconsistent() + "/"
                    + e.configs() + "</span>"
                : "ok")
            .append("</td><td class=\"n\">").append(e.configs()).append("</td></tr>\n");
      }
      body.append("</tbody></table>\n");
      if (entries.size() > LEADERBOARD_ROWS) {
        body.append("<p class=\"caption\">").append(entries.size() - LEADERBOARD_ROWS)
            .append(" more rows not shown: see <code>conf/queries/best_preset.sql</code> or query the results.</p>\n");
      }
    }
    body.append("</section>\n");
    return body.toString();
  }

  private static String join(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
