package klbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import klbench.cli.ReportCommand;
import klbench.core.Streams;
import klbench.cli.LocalEvaluation;
import klbench.grid.GridFile;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The seed grid ({@code conf/grid-seed.yaml}) shows the claims of the background note, asserted on
 * its numbers, and {@link SeedTable} turns its rows into the README's table.
 *
 * <p>The rows come from the real pipeline ({@link GridFile}, {@link LocalEvaluation}, {@code
 * Rows.of}), as {@code submit/klbench eval} computes them.
 */
class SeedGridTest {
  static SparkSession spark;
  static List<ResultRow> rows;
  static Dataset<Row> results;
  static double seconds;

  @BeforeAll
  static void evaluateSeedGrid() throws IOException {
    long t0 = System.nanoTime();
    rows = seedRows(ReportTest.home().resolve("conf/grid-seed.yaml"));
    seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("seed grid: %d rows in %.1f s (core only)%n", rows.size(), seconds);
    spark = ResultFixtures.localSpark("SeedGridTest", 4);
    results = ResultFixtures.dataset(spark, rows).cache();
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  /** The seed grid through the real pipeline: grid loader, distributions, core, rows. */
  static List<ResultRow> seedRows(Path grid) {
    List<ResultRow> out = new ArrayList<>();
    LocalEvaluation.run(GridFile.load(grid), "seed-run", out::add);
    return out;
  }

  static List<ResultRow> select(String estimator, String baseline) {
    return rows.stream().filter(r -> estimator.equals(r.get(Column.ESTIMATOR))
        && (baseline == null || baseline.equals(r.get(Column.BASELINE)))).toList();
  }

  static double num(ResultRow r, Column c) {
    return (Double) r.get(c);
  }

  @Test
  void theGridIsSmallAndEveryRowHasNumbers() {
    // 2 V x 4 KL x 3 estimators x 5 baselines x 2 B.
    assertEquals(240, rows.size());
    assertTrue(rows.stream().allMatch(r -> r.get(Column.INFEASIBLE_REASON) == null));
    assertTrue(rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get(Column.CONSISTENT))),
        "Monte Carlo agrees with the exact values everywhere");
  }

  @Test
  void claimA_k1LossHasZeroExpectedGradient() {
    List<ResultRow> k1 = select("k1/loss", null);
    assertEquals(80, k1.size());
    for (ResultRow r : k1) {
      assertNull(r.get(Column.GRAD_COS_EXACT), "no direction: E[ĝ] = 0");
      assertNull(r.get(Column.GRAD_COS_FWD_EXACT));
      assertEquals(1.0, num(r, Column.GRAD_REL_BIAS), 1e-9, "‖0 − G‖ / ‖G‖");
    }
  }

  @Test
  void claimB_k2LossIsUnbiasedForEveryConstantWithVarianceDependingOnIt() {
    Map<String, Map<String, Double>> rmseByConfig = new TreeMap<>();
    for (ResultRow r : select("k2/loss", null)) {
      assertTrue(num(r, Column.GRAD_REL_BIAS) < 1e-9, r.get(Column.BASELINE) + ": " + r.get(Column.GRAD_REL_BIAS));
      assertEquals(1.0, num(r, Column.GRAD_COS_EXACT), 1e-9);
      rmseByConfig.computeIfAbsent(r.get(Column.VOCAB_SIZE) + "|" + r.get(Column.REFERENCE) + "|" + r.get(Column.BATCH_SIZE),
          k -> new TreeMap<>()).put((String) r.get(Column.BASELINE), num(r, Column.GRAD_REL_RMSE));
    }
    assertEquals(16, rmseByConfig.size());
    for (Map.Entry<String, Map<String, Double>> e : rmseByConfig.entrySet()) {
      Map<String, Double> byC = e.getValue();
      assertEquals(5, byC.size());
      double min = byC.values().stream().mapToDouble(x -> x).min().orElseThrow();
      double max = byC.values().stream().mapToDouble(x -> x).max().orElseThrow();
      assertTrue(max > 1.2 * min, e.getKey() + ": the variance must depend on c: " + byC);
    }
  }

  @Test
  void claimC_k3LossFollowsTheForwardKlAndApproachesGOnlyAsKlFalls() {
    for (ResultRow r : select("k3/loss", null)) {
      assertEquals(1.0, num(r, Column.GRAD_COS_FWD_EXACT), 1e-9, "E[ĝ] = p − q");
    }
    for (int v : new int[] {16, 1024}) {
      double previous = Double.POSITIVE_INFINITY;
      for (String kl : List.of("1.0", "0.1", "0.01", "0.001")) {
        List<ResultRow> at = select("k3/loss", "none").stream()
            .filter(r -> Integer.valueOf(v).equals(r.get(Column.VOCAB_SIZE))
                && ("target_kl(kl=" + kl + ")").equals(r.get(Column.REFERENCE)))
            .toList();
        assertEquals(2, at.size());
        double bias = num(at.get(0), Column.GRAD_REL_BIAS);
        assertTrue(bias < previous, "V " + v + ", KL " + kl + ": relative bias " + bias + " must fall with KL");
        if (kl.equals("1.0")) assertTrue(bias > 0.1, "clearly biased at KL 1: " + bias);
        if (kl.equals("0.001")) assertTrue(bias < 0.1, "close to G at KL 0.001: " + bias);
        previous = bias;
      }
    }
  }

  @Test
  void seedTableShowsTheClaims() throws IOException {
    String md = SeedTable.markdown(ResultViews.latest(results, null));
    Files.createDirectories(ReportTest.home().resolve("target"));
    Files.writeString(ReportTest.home().resolve("target/seed-table.md"), md);
    List<String> lines = md.lines().toList();
    assertEquals("| estimator | baseline | rel. bias, KL 1 | rel. bias, KL 0.1 | rel. bias, KL 0.01 | rel. bias, "
        + "KL 0.001 | cos(E ĝ, G), KL 1 → 0.001 | cos(E ĝ, G_fwd) | rel. RMSE, B 1 | rel. RMSE, B 64 | reading |",
        lines.get(0));
    List<String> body = lines.subList(2, 17);
    assertEquals(15, body.size());
    assertEquals(5, body.stream().filter(l -> l.startsWith("| `k1/loss`") && l.endsWith("E[ĝ] = 0: no signal at any KL |")).count());
    assertEquals(5, body.stream().filter(l -> l.startsWith("| `k2/loss`") && l.endsWith("unbiased at every KL |")).count());
    assertEquals(5, body.stream().filter(l -> l.startsWith("| `k3/loss`")
        && l.endsWith("follows G_fwd = p − q; bias falls with KL |")).count());
    // Baselines in the order of c: const(-1), const(-0.5), none (c = 0), const(0.5), const(1).
    assertTrue(body.get(5).startsWith("| `k2/loss` | `const(-1.0)` |"), body.get(5));
    assertTrue(body.get(7).startsWith("| `k2/loss` | `none` |"), body.get(7));
  }

  @Test
  void theSeedTableCommandPrintsTheSameTableFromAResultsFolder() throws IOException {
    // As run writes it: <out>/results/run-<run_id>/; plus another run that is not the seed grid,
    // which --seed-table must leave out (it picks run_name 'seed').
    Path out = ReportTest.home().resolve("target/test-report/SeedGridTest/out");
    results.coalesce(1).write().mode(SaveMode.Overwrite).parquet(out.resolve("results/run-seed-run").toString());
    results.filter("estimator = 'k1/loss'").withColumn("run_name", functions.lit("other"))
        .withColumn("run_id", functions.lit("other-run"))
        .withColumn("config_id", functions.concat(functions.col("config_id"), functions.lit("-other")))
        .withColumn("grad_rel_bias", functions.lit(0.5))
        .coalesce(1).write().mode(SaveMode.Overwrite).parquet(out.resolve("results/run-other").toString());
    StringWriter printed = new StringWriter();
    CommandLine cl = new CommandLine(new ReportCommand());
    cl.setOut(new PrintWriter(printed));
    assertEquals(0, cl.execute("--out", out.toString(), "--seed-table"));
    assertEquals(SeedTable.markdown(ResultViews.latest(results, null)), printed.toString());
  }

  @Test
  void theReportRendersTheSeedRows() throws IOException {
    Path index = Report.write(results, ReportTest.home().resolve("target/test-report/SeedGridTest"), null);
    String html = Files.readString(index);
    assertTrue(html.contains("no cosine for k1/loss"));
    // On-policy only: no off-policy chart.
    assertTrue(html.contains("grad_cos_fwd_on.png") && !html.contains("_off.png"));
  }
}
