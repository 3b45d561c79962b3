package klbench.report.page;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import klbench.report.data.BatchCurves;
import klbench.report.data.Derived;
import klbench.report.data.Facts;
import klbench.report.data.GradientCurves;
import klbench.report.data.InconsistentRows;
import klbench.report.data.InfeasibleGroups;
import klbench.report.data.Leaderboard;
import klbench.report.data.RunsIncluded;
import klbench.report.data.SequenceCurves;
import klbench.report.data.ValueCurves;
import klbench.report.ranking.Board;
import klbench.report.ranking.Entry;
import klbench.report.ranking.Ranking;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The page {@code index.html}, assembled from its sections in reading order: header, answer box,
 * how to read, value, gradient, sequences (only for results with responses of more than one
 * token), batch size, leaderboards, inconsistent rows, infeasible rows. Each
 * section is one class of this package, fed by one aggregate of {@code klbench.report.data}; the
 * style sheet is the resource {@code report.css} beside this class, inlined into the page.
 *
 * <p>A new chart goes into the section that shows it (its data into {@code klbench.report.data});
 * a new section is one class here plus one line in {@link #build}.
 */
public final class Page {
  /** Rows shown in the inconsistent and infeasible lists. */
  static final int LIST_ROWS = 200;

  private final Path dir;
  private final Figures figures;
  private String header = "";
  private String answerBox = "";
  private final StringBuilder body = new StringBuilder();
  private String scripts = "";

  /** A page whose charts and their data are written into {@code dir}. */
  public Page(Path dir) {
    this.dir = dir;
    this.figures = new Figures(dir);
  }

  /**
   * Computes every section.
   *
   * @param read every row read, of every run, conformed (for the count of rows per run)
   * @param latest the rows the report is about ({@code ResultViews.latest})
   * @param runId the run reported on, or null for every run
   */
  public void build(Dataset<Row> read, Dataset<Row> latest, String runId) throws IOException {
    Dataset<Row> infeasible = Derived.infeasible(latest);
    Dataset<Row> feasible = Derived.feasible(latest).cache();
    try {
      long total = latest.count();
      Facts facts = Facts.of(feasible);
      boolean sequences = facts.sequences();
      header = HeaderSection.html(RunsIncluded.of(read, latest), runId, total, facts.rows(), sequences);
      if (facts.rows() > 0) {
        Map<Board, List<Entry>> boards = Leaderboard.boards(Leaderboard.of(feasible));
        answerBox = AnswerSection.html(Ranking.answers(boards), sequences);
        body.append(HowToReadSection.html(sequences));
        if (sequences) figures.klAxis = Figures.KL_AXIS_PER_POSITION;
        StringBuilder charts = new StringBuilder();
        charts.append(ValueSection.html(ValueCurves.of(feasible), figures));
        List<GradientCurves> modes = new ArrayList<>();
        if (facts.onPolicy() > 0) modes.add(GradientCurves.of(feasible, facts, true));
        if (facts.offPolicy() > 0) modes.add(GradientCurves.of(feasible, facts, false));
        charts.append(GradientSection.html(modes, figures));
        if (sequences) charts.append(SequenceSection.html(SequenceCurves.of(feasible, facts), figures));
        charts.append(BatchSection.html(facts.batchSizes() < 2 ? null : BatchCurves.of(feasible), figures));
        if (!figures.scripts.isEmpty()) {
          body.append(FilterBar.html(figures.filterValues, facts.onPolicy() > 0));
          Assets.copy(dir);
          StringBuilder s = new StringBuilder("<script src=\"" + Assets.ECHARTS + "\"></script>\n");
          for (String data : figures.scripts) s.append("<script src=\"").append(Html.esc(data)).append("\"></script>\n");
          scripts = s.append("<script src=\"" + Assets.SCRIPT + "\"></script>\n").toString();
        }
        body.append(charts);
        body.append(LeaderboardSection.html(boards, Leaderboard.replicates(feasible), sequences));
        body.append(InconsistentSection.html(InconsistentRows.of(feasible, LIST_ROWS)));
      } else {
        answerBox = AnswerSection.nothingToCompare();
        body.append(HowToReadSection.html(false));
      }
      body.append(InfeasibleSection.html(InfeasibleGroups.of(infeasible, LIST_ROWS + 1)));
    } finally {
      feasible.unpersist();
    }
  }

  /** The page's HTML, once {@link #build} has run. */
  public String html() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>klbench report</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<main>\n"
        + header + answerBox + body + "</main>\n" + scripts + "</body>\n</html>\n";
  }

  private static final String CSS = Assets.text("report.css");
}
