package klbench.report.page;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import klbench.report.data.RunsIncluded;

/** The page's header: title, counts of rows, the navigation and the runs included. */
final class HeaderSection {
  private HeaderSection() {}

  /** {@code sequences}: the page has its sequence section (results with horizons above 1). */
  static String html(RunsIncluded runs, String runId, long total, long feasible, boolean sequences) {
    StringBuilder header = new StringBuilder();
    header.append("<header><h1>klbench report</h1>\n<p class=\"meta\">")
        .append(total).append(" result rows (").append(feasible).append(" with numbers, ")
        .append(total - feasible).append(" infeasible), ")
        .append(runId == null ? "from every run, the latest row of each configuration"
            : "from run <code>" + Html.esc(runId) + "</code> only")
        .append(". Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(".</p>\n");
    header.append("<nav><a href=\"#answer\">Answer</a> · <a href=\"#how\">How to read this</a> · "
        + "<a href=\"#value\">Value</a> · <a href=\"#gradient\">Gradient bias and direction</a> · "
        + (sequences ? "<a href=\"#sequences\">Sequences</a> · " : "")
        + "<a href=\"#batch\">Error against batch size</a> · <a href=\"#leaderboard\">Leaderboards</a> · "
        + "<a href=\"#inconsistent\">Monte Carlo vs exact</a> · <a href=\"#infeasible\">Infeasible</a></nav>\n");
    header.append("<details><summary>Runs included (").append(runs.runs().size()).append(")</summary>\n<table class=\"plain\"><thead><tr>"
        + "<th>run_id</th><th>run_name</th><th>rows read</th><th>rows used</th><th>batches R</th>"
        + "</tr></thead><tbody>\n");
    for (RunsIncluded.Run r : runs.runs()) {
      header.append("<tr><td><code>").append(Html.esc(r.runId())).append("</code></td><td>")
          .append(Html.esc(r.runName())).append("</td><td class=\"n\">")
          .append(runs.rowsRead().getOrDefault(r.runId(), r.rows())).append("</td><td class=\"n\">").append(r.rows())
          .append("</td><td class=\"n\">")
          .append(Objects.equals(r.minBatches(), r.maxBatches()) ? String.valueOf(r.minBatches())
              : r.minBatches() + "–" + r.maxBatches())
          .append("</td></tr>\n");
    }
    long superseded = runs.superseded(total);
    header.append("</tbody></table>\n<p class=\"caption\">")
        .append(runId == null && superseded > 0
            ? superseded + " rows of earlier runs are not used: a later run has the same configuration (config_id). "
            : "")
        .append("Where a configuration appears in several runs, the latest run's row is used: the one written "
            + "last when the reader knows the files' times, otherwise the greatest run_id.</p>\n</details>\n</header>\n");
    return header.toString();
  }
}
