package klbench.report.page;

import java.util.List;
import klbench.report.ranking.Answer;
import klbench.report.ranking.Entry;
import klbench.report.ranking.Ranking;

/**
 * The answer box: per leaderboard table (KL level, sampling, batch size, and over responses the
 * horizon), the estimator to use and why ({@link Ranking#answers}).
 */
final class AnswerSection {
  private AnswerSection() {}

  /** {@code sequences}: the results hold responses of more than one token; each line then names its horizon. */
  static String html(List<Answer> answers, boolean sequences) {
    StringBuilder answerBox = new StringBuilder();
    answerBox.append("<section class=\"answer\" id=\"answer\"><h2>Answer: which gradient estimator to use</h2>\n"
        + "<p>For each KL level" + (sequences ? ", horizon" : "") + " and batch size: the estimator (with its baseline) of lowest gradient "
        + "relative RMSE among the unbiased-ish ones (mean relative bias ≤ ")
        .append(Html.pct(Ranking.UNBIASED_ISH)).append("), and why.</p>\n");
    answerBox.append("<table class=\"plain answers\"><thead><tr><th>")
        .append(sequences ? "KL per position" : "KL(p‖q)").append("</th><th>sampling</th>")
        .append(sequences ? "<th>horizon T</th>" : "").append("<th>B</th>"
        + "<th>use</th><th>rel. RMSE</th><th>why</th></tr></thead><tbody>\n");
    for (Answer a : answers) {
      Entry b = a.best();
      answerBox.append("<tr><td class=\"n\">").append(Html.kl(a.board().klLevel())).append("</td><td>")
          .append(a.board().onPolicy() ? "on-policy" : "off-policy").append("</td><td class=\"n\">");
      if (sequences) answerBox.append(a.board().horizon()).append("</td><td class=\"n\">");
      answerBox.append(a.board().batchSize()).append("</td>");
      if (b == null) {
        Entry low = a.lowest();
        answerBox.append("<td><em>none unbiased-ish</em></td><td class=\"n\">").append(Html.NONE)
            .append("</td><td>No estimator here has relative bias ≤ ").append(Html.pct(Ranking.UNBIASED_ISH))
            .append(". Lowest RMSE: <b>").append(Html.esc(low.name())).append("</b> (")
            .append(Html.num(low.relRmse())).append(", relative bias ").append(Html.num(low.relBias()))
            .append(", ").append(Html.pct(low.biasShare())).append(" of its squared error).</td></tr>\n");
        continue;
      }
      answerBox.append("<td><b>").append(Html.esc(b.name())).append("</b>")
          .append(b.preset() ? " <span class=\"tag\">preset</span>" : "");
      if (!a.sameAsBest().isEmpty()) {
        List<String> names = a.sameAsBest().stream().map(Entry::name).toList();
        answerBox.append("<br><span class=\"same\">same gradient: ")
            .append(Html.esc(String.join(", ", names.subList(0, Math.min(4, names.size())))))
            .append(names.size() > 4 ? " and " + (names.size() - 4) + " more" : "")
            .append("</span>");
      }
      answerBox.append("</td><td class=\"n\">").append(Html.num(b.relRmse())).append("</td><td>");
      answerBox.append("relative bias ").append(Html.num(b.relBias())).append(": its error is ")
          .append(Html.pct(b.varShare())).append(" variance");
      if (b.varShare() != null && b.varShare() > 0.5) answerBox.append(", which falls as 1/B with the batch size");
      answerBox.append(".");
      Entry noisy = a.lowerWithinNoise();
      if (noisy != null) {
        answerBox.append(" <b>").append(Html.esc(noisy.name())).append("</b> has a lower RMSE (")
            .append(Html.num(noisy.relRmse())).append("); its bias is only simulated, ")
            .append(Html.num(noisy.relBias())).append(", which R = ").append(noisy.minBatches())
            .append(" batches cannot tell from 0.");
      }
      Entry biased = a.lowerButBiased();
      if (biased != null) {
        answerBox.append(" ").append(Html.esc(biased.name())).append(" has a lower RMSE (")
            .append(Html.num(biased.relRmse())).append(") but a relative bias of ").append(Html.num(biased.relBias()))
            .append(" (").append(Html.pct(biased.biasShare())).append(" of its squared error at B = ")
            .append(a.board().batchSize()).append(", the part no batch size removes).");
      }
      answerBox.append("</td></tr>\n");
    }
    answerBox.append("</tbody></table>\n<p class=\"caption\">Relative RMSE is √E‖ĝ<sub>B</sub> − G‖² / ‖G‖, "
        + "averaged over the configurations at this level (vocabulary sizes, policies, behaviours"
        + (sequences ? ", context counts" : "") + "): "
        + "1 is what a zero gradient scores, so above 1 one batch's gradient is mostly noise (only averaging "
        + "over many steps makes it useful). Only estimators with relative bias below " + Html.num(Ranking.COMPARABLE)
        + " are named as alternatives: one further from G in expectation (an estimator with E[ĝ] = 0 has "
        + "relative bias 1) is no KL gradient, however low its error. The full ranking is in the "
        + "leaderboards below.</p>\n"
        + (sequences ? "<p class=\"caption\">Over responses of T tokens, G is G<sub>seq</sub> = ∇KL(P‖Q), the "
            + "gradient of the KL between whole responses, and the KL level is KL(P‖Q) / T, the mean KL per "
            + "position. An estimator with a discount γ &lt; 1 is named with it: the targets are undiscounted, so "
            + "γ is a choice whose bias the ranking weighs like any other.</p>\n" : "")
        + "</section>\n");
    return answerBox.toString();
  }

  /** The answer box of results whose every row is infeasible. */
  static String nothingToCompare() {
    return "<section class=\"answer\" id=\"answer\"><h2>Answer</h2><p>Every row of these results is "
        + "infeasible: there is nothing to compare. The reasons are listed below.</p></section>\n";
  }
}
