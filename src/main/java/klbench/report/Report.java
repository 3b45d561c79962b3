package klbench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import klbench.report.page.Page;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The human-readable report of a results dataset: {@code <out>/report/index.html} and the charts,
 * their data and scripts beside it, readable offline from the folder alone. A pure function of the rows ({@link #write}): it needs no file but
 * the folder it writes.
 *
 * <p>Where things are:
 *
 * <ul>
 *   <li>which rows: {@link ResultViews#latest} (the latest run's row of each configuration, with the
 *       KL level and on/off-policy); the same definitions are the SQL views of {@code query};
 *   <li>what is computed from them: {@code klbench.report.data}, one Spark aggregate per section
 *       ({@code Leaderboard}, {@code ValueCurves}, …), brought to the driver as small records;
 *   <li>how estimators are ranked and which one the answer box names: {@code
 *       klbench.report.ranking.Ranking};
 *   <li>how it looks: {@code klbench.report.page} (one class per section; the style sheet and the
 *       charts' script are resources) and {@code klbench.report.charts} (a family of charts with
 *       its data for the browser, and its PNG charts).
 * </ul>
 *
 * <p>Rows with {@code infeasible_reason} (or, from runs that did not record a reason, rows with no
 * numbers at all) are listed apart and enter no average. Replicated configurations (vocabulary
 * sizes, policies, references at the same KL level, behaviours) are averaged; each caption says
 * over what. Everything is aggregated in Spark; only the aggregates (a few thousand rows at most)
 * come to the driver, where the charts are drawn and the page is written.
 */
public final class Report {
  static {
    // Before AWT loads anywhere in this JVM: charts are drawn without a display.
    System.setProperty("java.awt.headless", "true");
  }

  private Report() {}

  /** The results hold no row to report on; the message is one line, fit for stderr. */
  public static final class NoResultsException extends RuntimeException {
    public NoResultsException(String message) {
      super(message);
    }
  }

  /**
   * Writes {@code <out>/report/index.html} and its charts, replacing an earlier report there.
   *
   * @param results rows with the result columns (any subset of them: missing ones read as null),
   *     optionally with {@value ResultColumns#RUN_WRITTEN_AT}
   * @param runId the run to report on, or null for all runs (latest row per config_id)
   * @return the path of index.html
   * @throws NoResultsException when there is no row to report on
   */
  public static Path write(Dataset<Row> results, Path out, String runId) throws IOException {
    Dataset<Row> rows = ResultViews.latest(results, runId).cache();
    try {
      if (rows.isEmpty()) {
        if (runId == null) throw new NoResultsException("no result rows");
        List<String> runs = ResultColumns.conform(results).select("run_id").distinct()
            .orderBy("run_id").collectAsList().stream().map(r -> r.getString(0)).toList();
        throw new NoResultsException("no result rows of run '" + runId + "'"
            + (runs.isEmpty() ? "" : " (runs present: " + String.join(", ", runs) + ")"));
      }
      Files.createDirectories(out);
      Path staging = Files.createTempDirectory(out, ".report-");
      try {
        Page page = new Page(staging);
        page.build(ResultColumns.conform(results), rows, runId);
        Files.writeString(staging.resolve("index.html"), page.html(), StandardCharsets.UTF_8);
        Path target = out.resolve("report");
        deleteTree(target);
        Files.move(staging, target);
        return target.resolve("index.html");
      } finally {
        deleteTree(staging);
      }
    } finally {
      rows.unpersist();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }
}
