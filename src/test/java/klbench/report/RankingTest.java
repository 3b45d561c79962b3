package klbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ranking and the answer box against hand-made rows whose order is known: the expected order
 * and picks are written out below, not computed. Each entry has two configurations (V 16 and 64)
 * whose numbers differ, so that the mean, not one configuration, decides; their KL differs by
 * 0.1% (one KL level). Relative RMSE and bias are set directly; grad_norm is 1, so the exact
 * relative RMSE is √grad_mse_exact.
 *
 * <p>Table (KL 0.1, on-policy, B 8), in the order it must have:
 *
 * <ol>
 *   <li>openrlhf.loss.k1 + loo: rel. RMSE 0.1, bias 1 — first, but no gradient (E[ĝ] = 0): never named;
 *   <li>k2/loss + loo: 0.26 (0.25, 0.27), bias 0.06 from Monte Carlo only, R = 25: 2·0.26/√25 = 0.104
 *       ≥ 0.06, a bias the batches cannot tell from 0;
 *   <li>k3/loss: 0.3 (0.2 and 0.4: the mean ranks it here, the min or max would not), bias 0.3: biased;
 *   <li>k1/reward: 0.32 + 5e-13, bias 0 — ties k2/loss to 9 digits, so the name puts it first: the pick;
 *   <li>k2/loss: 0.32, bias 0 — the same numbers: "same gradient";
 *   <li>verl.kl: 0.5, bias 0.01;
 *   <li>k1/loss: 1.0, bias 1;
 *   <li>k3/reward: no relative RMSE (nulls last).
 * </ol>
 *
 * <p>Table (KL 0.1, off-policy, B 8): k1/loss (0.2, bias 1), k2/loss (0.4, bias 0.2): nothing is
 * unbiased-ish; the lowest that is a gradient is k2/loss. Table (KL 0.01, on-policy, B 8): k3/loss,
 * unbiased, alone. Tables in order: KL ascending, on-policy first.
 */
class RankingTest {
  static SparkSession spark;
  static Dataset<Row> rows;

  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType).add("config_id", DataTypes.StringType)
      .add("vocab_size", DataTypes.IntegerType).add("behaviour", DataTypes.StringType)
      .add("estimator", DataTypes.StringType).add("baseline", DataTypes.StringType)
      .add("batch_size", DataTypes.IntegerType).add("batches", DataTypes.IntegerType)
      .add("kl", DataTypes.DoubleType).add("grad_norm", DataTypes.DoubleType)
      .add("grad_mse_exact", DataTypes.DoubleType).add("grad_mse_mc", DataTypes.DoubleType)
      .add("grad_rel_rmse", DataTypes.DoubleType).add("grad_rel_bias", DataTypes.DoubleType)
      .add("consistent", DataTypes.BooleanType);

  static final List<Row> ROWS = new ArrayList<>();

  /** One entry: two configurations (V 16, V 64) with these relative RMSEs and one relative bias. */
  static void entry(double kl, boolean on, String estimator, String baseline, Double rmse16, Double rmse64,
      Double bias, boolean exact, int batches) {
    int v = 16;
    for (Double rmse : new Double[] {rmse16, rmse64}) {
      double k = v == 16 ? kl * 1.001 : kl / 1.001;
      Double mse = rmse == null ? 1.0 : rmse * rmse;
      ROWS.add(RowFactory.create("run-1", estimator + "|" + baseline + "|" + kl + "|" + on + "|" + v, v,
          on ? "on_policy()" : "target_kl(kl=0.01)", estimator, baseline, 8, batches, k, 1.0,
          exact ? mse : null, mse, rmse, bias, true));
      v = 64;
    }
  }

  @BeforeAll
  static void rows() {
    spark = ResultFixtures.localSpark("RankingTest", 4);
    entry(0.1, true, "k1/loss", "none", 1.0, 1.0, 1.0, true, 200);
    entry(0.1, true, "k2/loss", "none", 0.31, 0.33, 0.0, true, 200);
    entry(0.1, true, "k1/reward", "none", 0.31 + 1e-12, 0.33, 0.0, true, 200);
    entry(0.1, true, "k3/loss", "none", 0.2, 0.4, 0.3, true, 200);
    entry(0.1, true, "k2/loss", "loo", 0.25, 0.27, 0.06, false, 25);
    entry(0.1, true, "verl.kl", "none", 0.5, 0.5, 0.01, true, 200);
    entry(0.1, true, "openrlhf.loss.k1", "loo", 0.1, 0.1, 1.0, false, 200);
    entry(0.1, true, "k3/reward", "none", null, null, null, true, 200);
    entry(0.1, false, "k2/loss", "none", 0.4, 0.4, 0.2, true, 200);
    entry(0.1, false, "k1/loss", "none", 0.2, 0.2, 1.0, true, 200);
    entry(0.01, true, "k3/loss", "none", 0.5, 0.5, 0.0, true, 200);
    rows = spark.createDataFrame(ROWS, SCHEMA).cache();
    ResultViews.register(rows);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("0.01|on|8", List.of("k3/loss + none"));
    EXPECTED.put("0.1|on|8", List.of("openrlhf.loss.k1 + loo", "k2/loss + loo", "k3/loss + none", "k1/reward + none",
        "k2/loss + none", "verl.kl + none", "k1/loss + none", "k3/reward + none"));
    EXPECTED.put("0.1|off|8", List.of("k1/loss + none", "k2/loss + none"));
  }

  @Test
  void theLeaderboardViewRanksTheRowsInTheirKnownOrder() {
    Map<String, List<String>> got = new LinkedHashMap<>();
    List<Integer> places = new ArrayList<>();
    for (Row r : spark.sql("SELECT kl_level, on_policy, batch_size, estimator, baseline, place FROM leaderboard "
        + "ORDER BY kl_level, on_policy DESC, batch_size, place").collectAsList()) {
      String key = r.getDouble(0) + "|" + (r.getBoolean(1) ? "on" : "off") + "|" + r.getInt(2);
      List<String> board = got.computeIfAbsent(key, k -> new ArrayList<>());
      board.add(r.getString(3) + " + " + r.getString(4));
      assertEquals(board.size(), r.getInt(5), "place of " + board.get(board.size() - 1));
    }
    assertEquals(EXPECTED, got);
  }

  @Test
  void theViewCarriesTheAnswerRulesOfEachEntry() {
    Map<String, String> flags = new LinkedHashMap<>();
    for (Row r : spark.sql("SELECT estimator, baseline, unbiased_ish, a_gradient, bias_within_noise, is_preset "
        + "FROM leaderboard WHERE kl_level = 0.1 AND on_policy ORDER BY place").collectAsList()) {
      flags.put(r.getString(0) + " + " + r.getString(1),
          (r.getBoolean(2) ? "U" : "-") + (r.getBoolean(3) ? "G" : "-") + (r.getBoolean(4) ? "N" : "-")
              + (r.getBoolean(5) ? "P" : "-"));
    }
    Map<String, String> want = new LinkedHashMap<>();
    want.put("openrlhf.loss.k1 + loo", "---P"); // bias 1: no gradient; simulated only, but 1 > 2·0.1/√200
    want.put("k2/loss + loo", "-GN-");
    want.put("k3/loss + none", "-G--");
    want.put("k1/reward + none", "UG--");
    want.put("k2/loss + none", "UG--");
    want.put("verl.kl + none", "UG-P");
    want.put("k1/loss + none", "----");
    want.put("k3/reward + none", "----");
    assertEquals(want, flags);
  }

  @Test
  void thePageShowsTheSameOrderAndTheAnswerBoxNamesTheKnownPicks() throws IOException {
    Path out = ReportTest.home().resolve("target/test-report/RankingTest");
    String html = Files.readString(Report.write(rows, out, null));
    Map<String, List<String>> tables = ReportTest.leaderboardsOf(html);
    assertEquals(List.copyOf(EXPECTED.keySet()), List.copyOf(tables.keySet()), tables.toString());
    assertEquals(EXPECTED, tables);

    String box = html.substring(html.indexOf("<section class=\"answer\""), html.indexOf("</section>"));
    List<String> picks = new ArrayList<>();
    Matcher m = Pattern.compile("<tr><td class=\"n\">([^<]+)</td><td>(on|off)-policy</td><td class=\"n\">(\\d+)</td>"
        + "<td>(<b>[^<]+</b>|<em>[^<]+</em>)").matcher(box);
    while (m.find()) picks.add(m.group(1) + "|" + m.group(2) + "|" + m.group(3) + "|" + m.group(4).replaceAll("<[^>]+>", ""));
    assertEquals(List.of("0.01|on|8|k3/loss", "0.1|on|8|k1/reward", "0.1|off|8|none unbiased-ish"), picks);
    String on = row(box, "0.1", "on");
    assertTrue(on.contains("same gradient: k2/loss<"), on);
    assertTrue(on.contains("<b>k2/loss + loo</b> has a lower RMSE (0.260); its bias is only simulated, 0.0600, "
        + "which R = 25 batches cannot tell from 0."), on);
    assertTrue(on.contains(" k3/loss has a lower RMSE (0.300) but a relative bias of 0.300"), on);
    assertFalse(on.contains("openrlhf"), "an estimator with E[ĝ] = 0 is never named: " + on);
    assertFalse(on.contains("verl.kl"), "ranked below the pick: " + on);
    String off = row(box, "0.1", "off");
    assertTrue(off.contains("Lowest RMSE: <b>k2/loss</b> (0.400, relative bias 0.200"), off);
    assertFalse(off.contains("k1/loss"), off);
  }

  @Test
  void bestPresetIsTheFirstPresetThatIsAGradient() throws IOException {
    String sql = Files.readString(ReportTest.home().resolve("conf/queries/best_preset.sql"));
    List<String> got = spark.sql(sql).collectAsList().stream()
        .map(r -> r.getAs("preset") + " + " + r.getAs("baseline") + " at " + r.getAs("kl_level") + "|"
            + r.getAs("on_policy") + "|" + r.getAs("batch_size"))
        .toList();
    // openrlhf.loss.k1 + loo ranks first but is no gradient; verl.kl is the only other preset.
    assertEquals(1, got.size(), got.toString());
    assertTrue(got.get(0).startsWith("verl.kl + none at 0.1"), got.toString());
    assertTrue(got.get(0).endsWith("|true|8"), got.toString());
  }

  private static String row(String box, String kl, String mode) {
    int i = box.indexOf("<tr><td class=\"n\">" + kl + "</td><td>" + mode + "-policy</td>");
    assertTrue(i >= 0, kl + " " + mode + " not in the answer box");
    return box.substring(i, box.indexOf("</tr>", i));
  }
}
