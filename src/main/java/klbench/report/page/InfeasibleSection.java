package klbench.report.page;

import java.util.List;
import java.util.stream.Collectors;
import klbench.report.data.InfeasibleGroups;

/** "Infeasible configurations": the rows without numbers, one line per reason. */
final class InfeasibleSection {
  private InfeasibleSection() {}

  /** {@code groups}: up to {@link Page#LIST_ROWS} + 1 groups (the one more says that there are more). */
  static String html(List<InfeasibleGroups.Group> groups) {
    StringBuilder body = new StringBuilder();
    body.append("<section id=\"infeasible\"><h2>Infeasible configurations (no numbers)</h2>\n");
    if (groups.isEmpty()) {
      body.append("<p class=\"ok\">None: every configuration was evaluated.</p></section>\n");
      return body.toString();
    }
    body.append("<p class=\"caption\">Rows with an <code>infeasible_reason</code>: left out of every average, "
        + "chart and table above. One line per reason, with the distributions (p, q, μ) and settings it "
        + "concerns.</p>\n<table class=\"data infeasible\"><thead><tr><th>reason</th><th>rows</th>"
        + "<th>distributions</th><th>V</th><th>policy</th><th>reference</th><th>behaviour</th>"
        + "<th>estimators</th><th>baselines</th><th>B</th></tr></thead><tbody>\n");
    for (int i = 0; i < groups.size() && i < Page.LIST_ROWS; i++) {
      InfeasibleGroups.Group r = groups.get(i);
      body.append("<tr><td class=\"reason\">").append(Html.esc(r.reason())).append("</td><td class=\"n\">")
          .append(r.rows()).append("</td><td class=\"n\">").append(r.triples()).append("</td>");
      for (List<Object> c : List.of(r.vocabSizes(), r.policies(), r.references(), r.behaviours(), r.estimators(),
          r.baselines(), r.batchSizes())) {
        body.append("<td>").append(Html.esc(few(c))).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</tbody></table>\n");
    if (groups.size() > Page.LIST_ROWS) body.append("<p class=\"caption\">More reasons not shown.</p>\n");
    body.append("</section>\n");
    return body.toString();
  }

  /** Up to six values, then how many more. */
  private static String few(List<?> values) {
    if (values.size() <= 6) return join(values);
    return join(values.subList(0, 6)) + ", … (+" + (values.size() - 6) + ")";
  }

  private static String join(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
