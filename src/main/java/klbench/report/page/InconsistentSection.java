package klbench.report.page;

import klbench.core.Consistency;
import klbench.report.data.InconsistentRows;
import klbench.report.data.Labels;

/** "Monte Carlo and exact disagree": the rows with {@code consistent = false}. */
final class InconsistentSection {
  private InconsistentSection() {}

  static String html(InconsistentRows bad) {
    StringBuilder body = new StringBuilder();
    long n = bad.count();
    String z = Labels.plain(Consistency.Z_LIMIT);
    body.append("<section id=\"inconsistent\"><h2>Monte Carlo and exact disagree (consistent = false)</h2>\n");
    if (n == 0) {
      body.append("<p class=\"ok\">None: in every row the simulation agrees with the exact values within "
          + z + " standard errors.</p></section>\n");
      return body.toString();
    }
    body.append("<p class=\"note\"><span class=\"warn\">⚠</span> ").append(n)
        .append(n == 1 ? " row" : " rows").append(": a |z| above " + z + " means the simulation and the formulas disagree by more than chance "
            + "explains; check R (batches) and heavy tails before trusting either. <i>mc_note</i> says when most of "
        + "an exact variance sits on tokens too rare to be drawn in this many samples.</p>\n");
    body.append("<table class=\"data\"><thead><tr><th>config_id</th><th>V</th><th>policy</th><th>reference</th>"
        + "<th>behaviour</th><th>estimator</th><th>baseline</th><th>B</th><th>value z</th><th>grad_mse z</th>"
        + "<th>mc_note</th></tr></thead><tbody>\n");
    for (InconsistentRows.Line r : bad.first()) {
      body.append("<tr class=\"inconsistent\" data-config=\"").append(Html.esc(r.configId()))
          .append("\"><td><code>").append(Html.esc(shortId(r.configId()))).append("</code></td><td class=\"n\">")
          .append(r.vocabSize() == null ? Html.NONE : r.vocabSize().toString()).append("</td><td>")
          .append(Html.esc(r.policy())).append("</td><td>").append(Html.esc(r.reference()))
          .append("</td><td>").append(Html.esc(r.behaviour())).append("</td><td>")
          .append(Html.esc(r.estimator())).append("</td><td>").append(Html.esc(r.baseline()))
          .append("</td><td class=\"n\">").append(String.valueOf(r.batchSize()))
          .append("</td><td class=\"n\">").append(Html.num(r.valueZ()))
          .append("</td><td class=\"n\">").append(Html.num(r.gradMseZ()))
          .append("</td><td class=\"reason\">").append(Html.esc(r.mcNote())).append("</td></tr>\n");
    }
    body.append("</tbody></table>\n");
    if (n > Page.LIST_ROWS) body.append("<p class=\"caption\">").append(n - Page.LIST_ROWS).append(" more not shown: run "
        + "<code>conf/queries/inconsistent.sql</code>.</p>\n");
    body.append("</section>\n");
    return body.toString();
  }

  private static String shortId(String id) {
    return id == null ? null : id.length() > 12 ? id.substring(0, 12) + "…" : id;
  }
}
