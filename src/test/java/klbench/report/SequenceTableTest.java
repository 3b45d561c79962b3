package klbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import klbench.cli.LocalEvaluation;
import klbench.cli.ReportCommand;
import klbench.grid.GridFile;
import klbench.report.page.Html;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code conf/grid-seq.yaml} states khanhptnk/kl-penalty-in-grpo's sequence claims, and {@link
 * SequenceTable} says which claim each estimator's numbers show. The grid is the real one with its
 * second part made small (V = 16, T = 8 instead of V = 32,768, T = 1, 8, 64), through the real
 * pipeline ({@link GridFile}, {@link LocalEvaluation}); the expected claims are SEQUENCES.md's, not
 * derived from the table's code.
 */
class SequenceTableTest {
  static SparkSession spark;
  static List<ResultRow> rows;
  static Dataset<Row> results;

  @BeforeAll
  static void evaluate() throws IOException {
    String grid = Files.readString(ReportTest.home().resolve("conf/grid-seq.yaml"));
    String small = replaceOnce(replaceOnce(grid, "vocab_sizes: [32768]", "vocab_sizes: [16]"),
        "horizons: [1, 8, 64]", "horizons: [8]");
    rows = new ArrayList<>();
    LocalEvaluation.run(GridFile.parse(small, ReportTest.home().resolve("conf/grid-seq.yaml")), "seq-run", rows::add);
    spark = ResultFixtures.localSpark("SequenceTableTest", 4);
    results = ResultFixtures.dataset(spark, rows).cache();
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  private static String replaceOnce(String text, String from, String to) {
    assertEquals(text.indexOf(from), text.lastIndexOf(from), from + " once in conf/grid-seq.yaml");
    assertTrue(text.contains(from), from + " in conf/grid-seq.yaml");
    return text.replace(from, to);
  }

  @Test
  void everyEstimatorShowsItsClaim() throws IOException {
    String md = SequenceTable.markdown(ResultViews.latest(results, null));
    Files.createDirectories(ReportTest.home().resolve("target"));
    Files.writeString(ReportTest.home().resolve("target/sequence-table.md"), md);
    List<String> lines = md.lines().toList();
    assertTrue(lines.get(0).startsWith("| estimator | rel. bias, V 3, T 3, tree, nearest → farthest q |"), lines.get(0));
    assertTrue(lines.get(0).contains("| rel. bias, V 16, T 8, 64 contexts, nearest → farthest q |"), lines.get(0));
    String reverse = "C: E[ĝ] = G_seq, the sequence reverse KL's gradient";
    String perPosition = "D, E, F: E[ĝ] = G_pos, a reverse KL per position, missing G_seq − G_pos (rel. bias = future share)";
    Map<String, String> expected = new TreeMap<>(Map.of(
        "k1/loss", "G: E[ĝ] = 0, no gradient at any distance",
        "k1/reward", reverse + "; off-policy the per-token ratio biases it",
        "k1/reward_total", reverse + "; off-policy the per-token ratio biases it",
        "k1/reward_is", reverse + ", off-policy too",
        "k3/loss", "A: E[ĝ] = G_pos_fwd, a forward KL per position; B: not G_seq_fwd, the further q the more",
        "k2/loss", perPosition,
        "k1/reward_token", perPosition,
        "trl.grpo", perPosition));
    int checked = 0;
    for (String line : lines.subList(2, lines.size())) {
      if (!line.startsWith("| `")) continue;
      String estimator = line.substring(3, line.indexOf('`', 3));
      String claim = expected.get(estimator);
      if (claim == null) continue;
      assertTrue(line.endsWith("| " + claim + " |"), estimator + ": " + line);
      checked++;
    }
    assertEquals(expected.size(), checked, md);
  }

  @Test
  void theRelativeBiasOfK2LossIsTheFutureShareOfTheNearestAndFarthestReference() {
    String md = SequenceTable.markdown(ResultViews.latest(results, null));
    // From the rows themselves: k2/loss on the tree, on-policy, baseline none, δ 0.01 and 2.
    Map<String, Double> share = new TreeMap<>();
    for (ResultRow r : rows) {
      if ("k2/loss".equals(r.get(Column.ESTIMATOR)) && "tree".equals(r.get(Column.CONTEXTS))
          && "none".equals(r.get(Column.BASELINE)) && ((String) r.get(Column.BEHAVIOUR)).startsWith("on_policy")) {
        share.merge((String) r.get(Column.REFERENCE), (Double) r.get(Column.GRAD_FUTURE_SHARE), (a, b) -> a);
      }
    }
    assertEquals(5, share.size(), share.toString());
    String near = Html.num(share.get("perturb(delta=0.01)"));
    String far = Html.num(share.get("perturb(delta=2.0)"));
    String line = md.lines().filter(l -> l.startsWith("| `k2/loss` |")).findFirst().orElseThrow();
    assertTrue(line.startsWith("| `k2/loss` | " + near + " → " + far + " | 0 (<1e-9) |"), line + " vs " + near + ", " + far);
  }

  @Test
  void theCommandPrintsTheTable() throws IOException {
    Path out = ReportTest.home().resolve("target/test-report/SequenceTableTest/out");
    results.coalesce(1).write().mode(SaveMode.Overwrite).parquet(out.resolve("results/run-seq-run").toString());
    StringWriter printed = new StringWriter();
    CommandLine cl = new CommandLine(new ReportCommand());
    cl.setOut(new PrintWriter(printed));
    assertEquals(0, cl.execute("--out", out.toString(), "--sequence-table"));
    assertEquals(SequenceTable.markdown(ResultViews.latest(results, null)), printed.toString());
  }
}
