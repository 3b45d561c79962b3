package klbench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import klbench.core.Presets;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report on realistic rows from the core ({@link ResultFixtures#standard}): 12 feasible triples
 * (V 16 and 64, KL 0.01/0.1/1, on- and off-policy), 7 estimators incl. presets, baselines none and
 * loo at B 8, none alone at B 1, two infeasible triples (reference, behaviour); one row marked inconsistent.
 * One local Spark session for the class; the report is written once, to target/test-report/.
 */
class ReportTest {
  static SparkSession spark;
  static Dataset<Row> results;
  static Path out;
  static Path index;
  static String html;
  /** The row marked inconsistent: its config_id, estimator and baseline. */
  static String badConfig;
  static final String BAD_ESTIMATOR = "verl.low_var_kl";
  static final String BAD_BASELINE = "none";
  static final String MC_NOTE = "injected: heavy tail";

  static Path home() {
    return Path.of(System.getProperty("klbench.home", "."));
  }

  @BeforeAll
  static void writeReport() throws IOException {
    spark = ResultFixtures.localSpark("ReportTest", 4);
    List<ResultRow> rows = ResultFixtures.standard("run-1");
    // One row made inconsistent by hand (200 batches agree with the formulas everywhere): the
    // on-policy V = 16, KL 0.1, B 8 row of verl.low_var_kl with baseline none.
    for (ResultRow r : rows) {
      if (BAD_ESTIMATOR.equals(r.get(Column.ESTIMATOR)) && BAD_BASELINE.equals(r.get(Column.BASELINE))
          && Integer.valueOf(16).equals(r.get(Column.VOCAB_SIZE)) && Integer.valueOf(8).equals(r.get(Column.BATCH_SIZE))
          && "on_policy()".equals(r.get(Column.BEHAVIOUR)) && "target_kl(kl=0.1)".equals(r.get(Column.REFERENCE))) {
        r.set(Column.CONSISTENT, false).set(Column.GRAD_MSE_Z, 7.5).set(Column.MC_NOTE, MC_NOTE);
        badConfig = (String) r.get(Column.CONFIG_ID);
      }
    }
    assertNotNull(badConfig);
    results = ResultFixtures.dataset(spark, rows).cache();
    ResultViews.register(results);
    out = home().resolve("target/test-report/ReportTest");
    index = Report.write(results, out, null);
    html = Files.readString(index, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  static List<Path> pngs() throws IOException {
    try (Stream<Path> s = Files.list(index.getParent())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
    }
  }

  @Test
  void everyPngChartIsANonEmptyPngThatImageIoReads() throws IOException {
    List<Path> files = pngs();
    Set<String> names = files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    for (String mode : List.of("on", "off")) {
      for (String chart : List.of("value_rel_bias_", "value_rel_std_", "grad_rel_bias_", "grad_cos_", "grad_cos_fwd_")) {
        assertTrue(names.contains(chart + mode + ".png"), chart + mode + ".png missing from " + names);
      }
    }
    // One RMSE-against-batch-size chart per estimator (7).
    assertEquals(7, names.stream().filter(n -> n.startsWith("rmse_vs_batch_")).count(), names.toString());
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    for (Path p : files) {
      byte[] bytes = Files.readAllBytes(p);
      assertTrue(bytes.length > 2000, p + " is only " + bytes.length + " bytes");
      assertArrayEquals(signature, Arrays.copyOf(bytes, 8), p + " lacks the PNG signature");
      BufferedImage img = ImageIO.read(p.toFile());
      assertNotNull(img, p + " is not readable");
      assertTrue(img.getWidth() > 0 && img.getHeight() > 0, p + " has no pixels");
    }
  }

  /** Every file of the folder, relative to it, with "/" between folders. */
  static Set<String> filesOf(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  @Test
  void htmlReferencesEveryFileWrittenAndNothingOnline() throws IOException {
    Set<String> referenced = new java.util.TreeSet<>();
    Matcher m = Pattern.compile("<(?:img|script)[^>]*\\ssrc=\"([^\"]+)\"|<a href=\"([^\"#][^\"]*)\"").matcher(html);
    while (m.find()) referenced.add(m.group(1) != null ? m.group(1) : m.group(2));
    Set<String> listed = filesOf(index.getParent());
    for (String r : referenced) {
      assertFalse(r.contains(":") || r.startsWith("/"), "a reference outside the folder: " + r);
      assertTrue(listed.contains(r), "referenced but not written: " + r);
    }
    // Written but not referenced: the page itself, the chart data as plain JSON (for other tools),
    // and the licence and notice of ECharts.
    Set<String> apart = new java.util.TreeSet<>(listed);
    apart.removeAll(referenced);
    Set<String> json = apart.stream().filter(f -> f.startsWith("data/") && f.endsWith(".json")).collect(Collectors.toSet());
    assertEquals(6, json.size(), apart.toString());
    apart.removeAll(json);
    assertEquals(Set.of("index.html", "echarts-LICENSE.txt", "echarts-NOTICE.txt"), apart);
    // Scripts: ECharts first, the data of each family, the page's script last.
    List<String> scripts = new ArrayList<>();
    Matcher sm = Pattern.compile("<script src=\"([^\"]+)\"></script>").matcher(html);
    while (sm.find()) scripts.add(sm.group(1));
    assertEquals("echarts.min.js", scripts.get(0));
    assertEquals("report.js", scripts.get(scripts.size() - 1));
    assertEquals(json.stream().map(f -> f.replace(".json", ".js")).sorted().toList(),
        scripts.subList(1, scripts.size() - 1).stream().sorted().toList());
    assertTrue(Files.size(index.getParent().resolve("echarts.min.js")) > 500_000, "the ECharts library itself");
    for (String f : listed) {
      if (f.equals("echarts.min.js") || f.endsWith(".png") || f.endsWith(".txt")) continue;
      String text = Files.readString(index.getParent().resolve(f), StandardCharsets.UTF_8);
      for (String online : List.of("http://", "https://", "<link", "@import", "url(", "//cdn", "fetch(", "XMLHttpRequest")) {
        assertFalse(text.contains(online), f + " must not load anything: found " + online);
      }
    }
  }

  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** The data of one family of charts, as data/&lt;id&gt;.json holds it; checks that data/&lt;id&gt;.js holds the same. */
  static com.fasterxml.jackson.databind.JsonNode family(String id) throws IOException {
    Path data = index.getParent().resolve("data");
    com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(data.resolve(id + ".json").toFile());
    String js = Files.readString(data.resolve(id + ".js"), StandardCharsets.UTF_8);
    String prefix = "window.KLBENCH_DATA = window.KLBENCH_DATA || {};\nwindow.KLBENCH_DATA[\"" + id + "\"] = ";
    assertTrue(js.startsWith(prefix) && js.endsWith(";\n"), js.substring(0, Math.min(200, js.length())));
    assertEquals(json, JSON.readTree(js.substring(prefix.length(), js.length() - 2)), id + ".js holds " + id + ".json");
    return json;
  }

  /** The points of series {@code name} of a family as maps column → value. */
  static List<Map<String, Object>> points(com.fasterxml.jackson.databind.JsonNode fam, String name) {
    List<String> columns = new ArrayList<>();
    fam.get("columns").forEach(c -> columns.add(c.asText()));
    int index = -1;
    for (int i = 0; i < fam.get("series").size(); i++) if (fam.get("series").get(i).get("name").asText().equals(name)) index = i;
    assertTrue(index >= 0, "no series " + name);
    List<Map<String, Object>> out = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode row : fam.get("points")) {
      if (row.get(0).asInt() != index) continue;
      Map<String, Object> p = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        com.fasterxml.jackson.databind.JsonNode v = row.get(c);
        p.put(columns.get(c), v.isNull() ? null : v.isNumber() ? (Object) v.asDouble() : v.asText());
      }
      out.add(p);
    }
    return out;
  }

  @Test
  void everyChartFamilyShowsAtMostEightSeriesPerChartAndTheFullSetOneClickAway() throws IOException {
    int families = 0;
    for (String id : List.of("value_rel_bias", "value_rel_std", "grad_rel_bias", "grad_cos", "grad_cos_fwd", "rmse_vs_batch")) {
      com.fasterxml.jackson.databind.JsonNode fam = family(id);
      int series = fam.get("series").size();
      Set<Integer> grouped = new HashSet<>();
      for (com.fasterxml.jackson.databind.JsonNode g : fam.get("groups")) {
        assertTrue(g.get("series").size() <= 8, id + ": " + g);
        g.get("series").forEach(i -> assertTrue(grouped.add(i.asInt()), id + ": series " + i + " in two groups"));
      }
      assertEquals(series, grouped.size(), id + ": every series in a group");
      int rows = 0;
      for (com.fasterxml.jackson.databind.JsonNode row : fam.get("points")) {
        assertEquals(fam.get("columns").size(), row.size());
        assertTrue(row.get(0).asInt() >= 0 && row.get(0).asInt() < series);
        assertTrue(Set.of("on", "off").contains(row.get(8).asText()), row.toString());
        assertEquals("1", row.get(10).asText(), "token-level results: horizon 1");
        rows++;
      }
      assertTrue(rows > 0, id);
      // One interactive chart per group, and all series in one more chart when there are groups.
      int groups = fam.get("groups").size();
      assertEquals(groups + (groups > 1 ? 1 : 0), count(html, "<div class=\"chart\" data-family=\"" + id + "\""), id);
      assertEquals(groups > 1 ? 1 : 0, count(html, "class=\"show-all\" data-family=\"" + id + "\""), id);
      families++;
    }
    assertEquals(6, families);
    // rmse_vs_batch: one chart per estimator (7), its baselines the series (none and loo).
    assertEquals(7, family("rmse_vs_batch").get("groups").size());
    // The filters: KL levels, sampling and batch sizes of the data; the horizon hidden (one value).
    String bar = html.substring(html.indexOf("<div class=\"filters\""), html.indexOf("</div>", html.indexOf("<div class=\"filters\"")));
    assertTrue(bar.contains("<option value=\"0.01\">0.01</option><option value=\"0.1\">0.1</option><option value=\"1.0\">1</option>"), bar);
    assertTrue(bar.contains("<option value=\"on\" selected>on-policy</option><option value=\"off\">off-policy</option>"), bar);
    assertTrue(bar.contains("<option value=\"all\" selected>all (mean)</option><option value=\"1\">1</option><option value=\"8\">8</option>"), bar);
    assertTrue(bar.contains("<label hidden>horizon"), bar);
    // Single tokens: no sequence section, no contexts or discount filter, no horizon in the tables.
    assertFalse(html.contains("id=\"sequences\"") || html.contains("#sequences"));
    assertFalse(bar.contains("data-filter=\"contexts\"") || bar.contains("data-filter=\"discount\""), bar);
    assertFalse(html.contains("data-horizon=") || html.contains("horizon T"));
    assertFalse(filesOf(index.getParent()).stream().anyMatch(f -> f.contains("seq_")));
  }

  /**
   * Known values in the chart data, on-policy: k1/loss has E[ĝ] = 0, so relative bias 1 exactly;
   * k2/loss is unbiased; k3/loss's expected gradient is G_fwd = p − q (1 − cos 0). The tooltip's
   * estimators of a line include the presets with that value function, rule and clamps.
   */
  @Test
  void chartDataHoldsTheKnownValues() throws IOException {
    com.fasterxml.jackson.databind.JsonNode bias = family("grad_rel_bias");
    int checked = 0;
    for (Map<String, Object> p : points(bias, "k1/loss")) {
      if (!p.get("sampling").equals("on")) continue;
      assertEquals(1.0, (Double) p.get("y"), 1e-12, p.toString());
      assertEquals(1.0, (Double) p.get("exact"), 1e-12, p.toString());
      checked++;
    }
    for (Map<String, Object> p : points(bias, "k2/loss")) {
      if (!p.get("sampling").equals("on")) continue;
      assertTrue((Double) p.get("y") < 1e-9, p.toString());
      checked++;
    }
    for (Map<String, Object> p : points(family("grad_cos_fwd"), "k3/loss")) {
      if (!p.get("sampling").equals("on")) continue;
      assertTrue((Double) p.get("y") < 1e-9, p.toString());
      checked++;
    }
    // Each: 3 KL levels x (2 batch sizes + all), on-policy.
    assertEquals(9 + 9 + 9, checked);
    for (com.fasterxml.jackson.databind.JsonNode s : bias.get("series")) {
      if (s.get("name").asText().equals("k2/loss [clamp f±10]")) {
        assertEquals("[\"openrlhf.loss.k2\"]", s.get("estimators").toString());
      }
      if (s.get("name").asText().equals("k3/loss_ratio")) assertEquals("[\"trl.grpo\"]", s.get("estimators").toString());
    }
  }

  /**
   * A point over all batch sizes is the mean of the rows of every batch size: the row-weighted mean
   * of the per-batch-size points (configs = rows averaged), for every series, KL level and sampling.
   */
  @Test
  void theMeanOverAllBatchSizesIsTheRowWeightedMeanOfThePerBatchSizePoints() throws IOException {
    com.fasterxml.jackson.databind.JsonNode fam = family("grad_rel_bias");
    int checked = 0;
    for (com.fasterxml.jackson.databind.JsonNode s : fam.get("series")) {
      Map<String, double[]> sums = new LinkedHashMap<>();
      Map<String, Double> all = new LinkedHashMap<>();
      for (Map<String, Object> p : points(fam, s.get("name").asText())) {
        String key = p.get("kl") + "|" + p.get("sampling");
        double y = (Double) p.get("y");
        double n = (Double) p.get("configs");
        if (p.get("batch").equals("all")) {
          all.put(key, y);
        } else {
          double[] a = sums.computeIfAbsent(key, k -> new double[2]);
          a[0] += n * y;
          a[1] += n;
        }
      }
      for (Map.Entry<String, Double> e : all.entrySet()) {
        double[] a = sums.get(e.getKey());
        assertEquals(a[0] / a[1], e.getValue(), 1e-12 * Math.max(1, Math.abs(e.getValue())), s.get("name") + " " + e.getKey());
        checked++;
      }
    }
    // 7 series x 3 KL levels x 2 samplings.
    assertEquals(42, checked);
  }

  static Map<String, List<String>> leaderboardsInHtml() {
    return leaderboardsOf(html);
  }

  /** Every leaderboard table of a page: key "kl|mode|batch" to its (estimator, baseline) rows. */
  static Map<String, List<String>> leaderboardsOf(String html) {
    Map<String, List<String>> boards = new LinkedHashMap<>();
    Matcher t = Pattern.compile(
        "<table class=\"data leaderboard\" data-kl=\"([^\"]+)\" data-mode=\"(on|off)\" data-batch=\"(\\d+)\">(.*?)</table>",
        Pattern.DOTALL).matcher(html);
    while (t.find()) {
      List<String> rows = new ArrayList<>();
      Matcher r = Pattern.compile("data-estimator=\"([^\"]+)\" data-baseline=\"([^\"]+)\"").matcher(t.group(4));
      while (r.find()) rows.add(r.group(1) + " + " + r.group(2));
      boards.put(Double.parseDouble(t.group(1)) + "|" + t.group(2) + "|" + t.group(3), rows);
    }
    return boards;
  }

  /**
   * The tables of the page, in order, each ranked by its displayed relative RMSE (the ranking
   * itself, against rows whose order is known, is {@link RankingTest}'s).
   */
  @Test
  void oneLeaderboardPerLevelSamplingAndBatchSizeEachInOrderOfItsShownRmse() {
    Map<String, List<String>> got = leaderboardsInHtml();
    // 3 KL levels x 2 samplings x 2 batch sizes; at B = 1 loo is infeasible, so 7 rows, else 14.
    List<String> keys = new ArrayList<>();
    for (String kl : List.of("0.01", "0.1", "1.0")) {
      for (String mode : List.of("on", "off")) for (String b : List.of("1", "8")) keys.add(kl + "|" + mode + "|" + b);
    }
    assertEquals(keys, List.copyOf(got.keySet()), "tables and their order");
    assertEquals(6, got.values().stream().filter(v -> v.size() == 7).count(), "B = 1 tables: 7 rows");
    assertEquals(6, got.values().stream().filter(v -> v.size() == 14).count(), "B = 8 tables: 14 rows");
    int rows = 0;
    for (String key : keys) {
      List<Double> rmse = shownColumn(key, 3);
      assertEquals(got.get(key).size(), rmse.size());
      for (int i = 1; i < rmse.size(); i++) {
        assertTrue(rmse.get(i - 1) <= rmse.get(i), key + ": row " + (i + 1) + " has a lower RMSE than row " + i + ": " + rmse);
      }
      rows += rmse.size();
    }
    assertEquals(6 * 7 + 6 * 14, rows);
  }

  /** The numbers of one column of a leaderboard table of the page, as shown (0-based cell index). */
  static List<Double> shownColumn(String key, int cell) {
    String[] k = key.split("\\|");
    String marker = "data-kl=\"" + Double.parseDouble(k[0]) + "\" data-mode=\"" + k[1] + "\" data-batch=\"" + k[2] + "\"";
    String table = html.substring(html.indexOf(marker));
    table = table.substring(0, table.indexOf("</table>"));
    List<Double> out = new ArrayList<>();
    Matcher r = Pattern.compile("<tr[^>]*data-estimator=[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(table);
    while (r.find()) {
      String c = cells(r.group(1)).get(cell);
      out.add(c.equals("—") ? Double.NaN : Double.parseDouble(c.replace('−', '-')));
    }
    return out;
  }

  @Test
  void theInconsistentRowIsMarkedInItsLeaderboardAndListed() {
    Matcher row = Pattern.compile("<tr class=\"inconsistent\" data-estimator=\"([^\"]+)\" data-baseline=\"([^\"]+)\">(.*?)</tr>",
        Pattern.DOTALL).matcher(html);
    List<String> marked = new ArrayList<>();
    while (row.find()) {
      marked.add(row.group(1) + " + " + row.group(2));
      assertTrue(row.group(3).contains("⚠ 1/2"), "mark with the count of configurations: " + row.group(3));
    }
    assertEquals(List.of(BAD_ESTIMATOR + " + " + BAD_BASELINE), marked);
    // ... in the on-policy KL 0.1, B 8 table, and listed by config_id (only it: infeasible rows,
    // whose consistent is false, are not "inconsistent").
    String table = html.substring(html.indexOf("data-kl=\"0.1\" data-mode=\"on\" data-batch=\"8\""));
    table = table.substring(0, table.indexOf("</table>"));
    assertTrue(table.contains("class=\"inconsistent\" data-estimator=\"" + BAD_ESTIMATOR + "\""));
    Matcher listed = Pattern.compile("data-config=\"([0-9a-f]+)\"").matcher(html);
    List<String> configs = new ArrayList<>();
    while (listed.find()) configs.add(listed.group(1));
    assertEquals(List.of(badConfig), configs);
    String listed0 = html.substring(html.indexOf("data-config=\"" + badConfig + "\""));
    assertTrue(listed0.substring(0, listed0.indexOf("</tr>")).contains(MC_NOTE), "its mc_note is shown");
  }

  @Test
  void infeasibleRowsAreListedApartAndEnterNoTable() {
    String section = html.substring(html.indexOf("<section id=\"infeasible\">"));
    assertTrue(section.contains("KL(p||q) is infinite"), "the infeasible triple's reason");
    assertTrue(section.contains("the gradient cannot be estimated from mu"), "the infeasible behaviour's reason");
    String before = html.substring(0, html.indexOf("<section id=\"infeasible\">"));
    assertFalse(before.contains("probs(values="), "the infeasible reference must not be averaged anywhere");
    long infeasible = results.filter("infeasible_reason IS NOT NULL").count();
    long total = results.count();
    assertTrue(html.contains(total + " result rows (" + (total - infeasible) + " with numbers, " + infeasible + " infeasible)"));
  }

  @Test
  void missingNumbersShowAsDashesNeverAsNullOrNaN() {
    for (String bad : List.of(">null<", "NaN", "Infinity", "null ±")) assertFalse(html.contains(bad), bad);
    // k1/loss on-policy: E[ĝ] = 0, so both cosines are missing; loo: no exact RMSE.
    String table = html.substring(html.indexOf("data-kl=\"0.1\" data-mode=\"on\" data-batch=\"8\""));
    table = table.substring(0, table.indexOf("</table>"));
    String k1 = rowOf(table, "k1/loss", "none");
    assertEquals(2, count(k1, "<td class=\"n\">—</td>"), k1);
    String loo = rowOf(table, "k3/loss", "loo");
    List<String> cells = cells(loo);
    assertEquals("—", cells.get(9), "rel. RMSE exact of loo: " + cells);
    assertTrue(cells.get(10).contains(" ± "), "rel. RMSE MC ± se of loo: " + cells);
    assertTrue(html.contains("no cosine for k1/loss"), "the page says why k1/loss has no direction");
  }

  /** The answer box names, per table, its first row whose shown relative bias is at most 5%. */
  @Test
  void answerBoxPicksTheFirstUnbiasedIshRowOfEachTable() {
    Map<String, List<String>> boards = leaderboardsInHtml();
    List<String> want = new ArrayList<>();
    for (Map.Entry<String, List<String>> b : boards.entrySet()) {
      List<Double> bias = shownColumn(b.getKey(), 6);
      String[] k = b.getKey().split("\\|");
      for (int i = 0; i < bias.size(); i++) {
        if (bias.get(i) <= 0.05) {
          String e = b.getValue().get(i);
          want.add(k[1] + "|" + k[2] + "|" + (e.endsWith(" + none") ? e.substring(0, e.length() - 7) : e));
          break;
        }
      }
    }
    String box = html.substring(html.indexOf("<section class=\"answer\""), html.indexOf("</section>"));
    Matcher m = Pattern.compile("<tr><td class=\"n\">([^<]+)</td><td>(on|off)-policy</td><td class=\"n\">(\\d+)</td><td><b>([^<]+)</b>")
        .matcher(box);
    List<String> got = new ArrayList<>();
    while (m.find()) got.add(m.group(2) + "|" + m.group(3) + "|" + m.group(4));
    assertEquals(12, want.size());
    assertEquals(want, got);
    // An estimator with E[ĝ] = 0 is never named, however low its error (k1/loss + loo is 0
    // exactly, relative RMSE 1, first in every B = 8 table); biased ones with a lower error are, and
    // so is a loo variant whose simulated bias R = 200 batches cannot tell from 0: the reward rule's
    // loo sits inside the ratio (ESTIMATORS.md, "Baselines"), so its E[ĝ] is the unbiased one on-
    // and off-policy, and at KL 1, B 8 it is the pick of both tables.
    assertFalse(box.contains("k1/loss + loo"), box);
    assertTrue(box.contains("but a relative bias of"), "biased estimators with lower error are named");
    assertTrue(got.contains("on|8|k1/reward + loo") && got.contains("off|8|k1/reward + loo"), got.toString());
  }

  @Test
  void emptyResultsGiveAOneLineErrorAndWriteNothing(@TempDir Path tmp) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), ResultColumns.schema());
    Report.NoResultsException e = assertThrows(Report.NoResultsException.class, () -> Report.write(empty, tmp, null));
    assertEquals("no result rows", e.getMessage());
    assertFalse(Files.exists(tmp.resolve("report")));
    Report.NoResultsException run = assertThrows(Report.NoResultsException.class,
        () -> Report.write(results, tmp, "no-such-run"));
    assertEquals("no result rows of run 'no-such-run' (runs present: run-1)", run.getMessage());
    assertFalse(Files.exists(tmp.resolve("report")));
  }

  @Test
  void latestRunWinsPerConfigByRunIdWithoutATimestamp() {
    Dataset<Row> older = results.withColumn("grad_rel_rmse", org.apache.spark.sql.functions.lit(99.0))
        .withColumn("run_id", org.apache.spark.sql.functions.lit("run-0"));
    Dataset<Row> extra = older.limit(3).withColumn("config_id",
        org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.col("config_id"),
            org.apache.spark.sql.functions.lit("-old-only")));
    Dataset<Row> prepared = ResultViews.latest(older.unionByName(results).unionByName(extra), null);
    assertEquals(results.count() + 3, prepared.count());
    assertEquals(3, prepared.filter("run_id = 'run-0'").count(), "only the configs no later run has");
    assertEquals(0, prepared.filter("grad_rel_rmse = 99.0 AND config_id NOT LIKE '%-old-only'").count());
    assertEquals(results.count(), ResultViews.latest(older.unionByName(results), "run-0").count(), "--run keeps that run");
  }

  @Test
  void optionalColumnsMissingFromOlderRowsReadAsNull(@TempDir Path tmp) throws IOException {
    Dataset<Row> old = results.drop("infeasible_reason", "samples_per_second");
    Path report = Report.write(old, tmp, null);
    String page = Files.readString(report);
    // Without infeasible_reason, rows without numbers are still kept apart, with a note.
    assertTrue(page.contains("no numbers (no reason recorded by this run)"));
    assertEquals(leaderboardsInHtml().keySet(), leaderboardsOf(page).keySet());
  }

  @Test
  void onlyInfeasibleRowsGiveAPageThatSaysSoWithoutCharts(@TempDir Path tmp) throws IOException {
    Path report = Report.write(results.filter("infeasible_reason IS NOT NULL"), tmp, null);
    String page = Files.readString(report);
    assertTrue(page.contains("Every row of these results is infeasible"));
    assertTrue(page.contains("KL(p||q) is infinite"));
    assertFalse(page.contains("<img"));
    assertFalse(page.contains("<script"));
    try (Stream<Path> s = Files.list(report.getParent())) {
      assertEquals(List.of("index.html"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aWrittenReportReplacesTheOldOneWhole(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("report"));
    Files.writeString(tmp.resolve("report/stale_chart.png"), "old");
    Report.write(results.filter("vocab_size = 16"), tmp, null);
    assertFalse(Files.exists(tmp.resolve("report/stale_chart.png")));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("report"), s.map(p -> p.getFileName().toString()).toList(), "no staging left behind");
    }
  }

  @Test
  void namedQueriesRunAgainstTheResultsViewAndAgreeWithTheReport() throws IOException {
    Path dir = home().resolve("conf/queries");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertEquals(List.of("baseline_gain.sql", "best_preset.sql", "inconsistent.sql", "off_policy_bias.sql", "runs.sql",
            "sequence_bias.sql"),
        files.stream().map(p -> p.getFileName().toString()).toList());
    Map<String, List<Row>> out = new LinkedHashMap<>();
    for (Path f : files) out.put(f.getFileName().toString(), spark.sql(Files.readString(f)).collectAsList());

    List<Row> inconsistent = out.get("inconsistent.sql");
    assertEquals(List.of(badConfig), inconsistent.stream().map(r -> (String) r.getAs("config_id")).toList());
    assertEquals(MC_NOTE, inconsistent.get(0).getAs("mc_note"));

    // best_preset: the first preset of each leaderboard table of the page whose shown relative
    // bias is below 0.5 (a gradient at all, as the query and the answer box ask).
    Map<String, List<String>> boards = leaderboardsInHtml();
    List<Row> best = out.get("best_preset.sql");
    assertEquals(12, best.size());
    for (Row r : best) {
      String key = r.<Double>getAs("kl_level") + "|" + (r.<Boolean>getAs("on_policy") ? "on" : "off") + "|"
          + r.<Integer>getAs("batch_size");
      List<Double> bias = shownColumn(key, 6);
      String firstPreset = null;
      for (int i = 0; i < bias.size() && firstPreset == null; i++) {
        String e = boards.get(key).get(i);
        if (Presets.all().containsKey(e.split(" \\+ ")[0]) && bias.get(i) < 0.5) firstPreset = e;
      }
      assertEquals(firstPreset, r.getAs("preset") + " + " + r.getAs("baseline"), key);
      assertTrue(r.<Double>getAs("rel_bias") < 0.5, key);
    }

    // off_policy_bias: with baseline none, k2/loss (a = ℓ, no importance weight) is unbiased
    // on-policy only, while k1/reward and trl.grpo (a = wℓ) stay unbiased off-policy. (With loo
    // they do not: E_μ[s] = μ − p ≠ 0 makes any baseline without w biased off-policy.)
    List<Row> off = out.get("off_policy_bias.sql");
    Set<String> offNames = off.stream().filter(r -> "none".equals(r.getAs("baseline")))
        .map(r -> (String) r.getAs("estimator")).collect(Collectors.toSet());
    assertTrue(offNames.contains("k2/loss"), offNames.toString());
    assertFalse(offNames.contains("k1/reward") || offNames.contains("trl.grpo"), offNames.toString());
    for (Row r : off) assertTrue(r.<Double>getAs("rel_bias_off") > 0.05 && r.<Double>getAs("rel_bias_on") <= 0.01);

    // baseline_gain: loo against none at B 8 (loo at B 1 is infeasible), 7 estimators x 3 KL x 2 samplings.
    List<Row> gain = out.get("baseline_gain.sql");
    assertEquals(42, gain.size());
    for (Row r : gain) {
      assertEquals("loo", r.getAs("baseline"));
      assertEquals(8, (int) r.<Integer>getAs("batch_size"));
      double ratio = r.<Double>getAs("ratio_to_none");
      assertTrue(ratio > 0 && Double.isFinite(ratio), r.toString());
    }

    // sequence_bias: single tokens are horizon 1, contexts 1, γ = 1, with no future share: one line
    // per feasible estimator and sampling.
    List<Row> seq = out.get("sequence_bias.sql");
    assertEquals(7 * 2, seq.size());
    for (Row r : seq) {
      assertEquals(1, (int) r.<Integer>getAs("horizon"));
      assertEquals("1", r.getAs("contexts"));
      assertEquals(1.0, r.<Double>getAs("discount"));
      assertEquals(0.0, r.<Double>getAs("future_share"), 0.0, r.toString());
    }

    List<Row> runs = out.get("runs.sql");
    assertEquals(1, runs.size());
    assertEquals("run-1", runs.get(0).getAs("run_id"));
    assertEquals(results.count(), (long) runs.get(0).<Long>getAs("row_count"));
    assertEquals(results.filter("infeasible_reason IS NOT NULL").count(), (long) runs.get(0).<Long>getAs("infeasible"));
    assertEquals(1L, (long) runs.get(0).<Long>getAs("inconsistent"));
  }

  private static String rowOf(String table, String estimator, String baseline) {
    int i = table.indexOf("data-estimator=\"" + estimator + "\" data-baseline=\"" + baseline + "\"");
    assertTrue(i >= 0, estimator + " + " + baseline + " not in table");
    return table.substring(i, table.indexOf("</tr>", i));
  }

  private static List<String> cells(String row) {
    Matcher m = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(row);
    List<String> out = new ArrayList<>();
    while (m.find()) out.add(m.group(1).replaceAll("<[^>]+>", "").trim());
    return out;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
    return n;
  }
}
