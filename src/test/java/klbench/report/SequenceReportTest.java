package klbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of results over responses (SEQUENCES.md), on hand-made rows whose numbers follow
 * formulas written out here, so that the curves against the horizon and the answer box's picks
 * per horizon are known in advance, not computed by the report.
 *
 * <p>The rows: V ∈ {16, 64} (the replicates a mean runs over), on- and off-policy, horizons T ∈
 * {1, 2, 4}, contexts ∈ {1, tree}, discounts γ ∈ {1, 0.9} (at T = 1 too, as the grid writes
 * them), batch sizes 8 and 64, baseline none, four estimators. KL(P‖Q) is 0.1·T (times 1.001 at V
 * = 16, over 1.001 at V = 64): one KL level per position, 0.1, at every horizon. With s(T, c, V) =
 * 0 for c = 1 or T = 1, else 0.1·log2 T + (0.02 at V = 64), the truth grad_future_share is s, and:
 *
 * <ul>
 *   <li>k2/loss and k1/reward_token: relative bias s (they miss G_seq − G_pos), cos with G_pos 1;
 *   <li>k1/reward: bias 0.04·(T − 1) with γ = 0.9 on the tree, else 0; off-policy 0.2 more on the
 *       tree at T &gt; 1 (the per-token ratio);
 *   <li>k1/reward_is: the on-policy bias of k1/reward, on- and off-policy;
 *   <li>relative RMSE: 0.3, 0.32, 0.5, 0.6 (in that order) · √T · √(8/B), · 0.9 with γ = 0.9 at T
 *       &gt; 1, + 0.01 at V = 64.
 * </ul>
 *
 * <p>So the answer box, per sampling and B: T = 1 k2/loss; T = 2 on-policy k1/reward (γ = 0.9)
 * (mean bias 0.02, while k2/loss's 0.055 is above 5%), off-policy k1/reward_is (γ = 0.9); T = 4
 * on-policy k1/reward (γ = 0.9 has mean bias 0.06 there), off-policy k1/reward_is.
 */
class SequenceReportTest {
  static SparkSession spark;
  static Dataset<Row> results;
  static Path index;
  static String html;
  static final List<Map<String, Object>> ROWS = new ArrayList<>();
  static final List<String> ESTIMATORS = List.of("k2/loss", "k1/reward_token", "k1/reward", "k1/reward_is");
  static final List<Integer> HORIZONS = List.of(1, 2, 4);

  static double share(int t, String contexts, int v) {
    return contexts.equals("1") || t == 1 ? 0 : 0.1 * Math.log(t) / Math.log(2) + (v == 64 ? 0.02 : 0);
  }

  static double bias(String estimator, boolean on, int t, String contexts, double gamma, int v) {
    boolean tree = contexts.equals("tree");
    double discounted = gamma < 1 && tree && t > 1 ? 0.04 * (t - 1) : 0;
    return switch (estimator) {
      case "k2/loss", "k1/reward_token" -> share(t, contexts, v);
      case "k1/reward" -> discounted + (!on && tree && t > 1 ? 0.2 : 0);
      default -> discounted;
    };
  }

  static double rmse(String estimator, int t, double gamma, int batch, int v) {
    double base = List.of(0.3, 0.32, 0.5, 0.6).get(ESTIMATORS.indexOf(estimator));
    return base * Math.sqrt(t) * Math.sqrt(8.0 / batch) * (gamma < 1 && t > 1 ? 0.9 : 1) + (v == 64 ? 0.01 : 0);
  }

  @BeforeAll
  static void writeReport() throws IOException {
    spark = ResultFixtures.localSpark("SequenceReportTest", 4);
    int id = 0;
    for (int v : List.of(16, 64)) {
      for (boolean on : List.of(true, false)) {
        for (int t : HORIZONS) {
          for (String c : List.of("1", "tree")) {
            for (double gamma : List.of(1.0, 0.9)) {
              for (String e : ESTIMATORS) {
                for (int b : List.of(8, 64)) {
                  double bias = bias(e, on, t, c, gamma, v);
                  double rmse = rmse(e, t, gamma, b, v);
                  Map<String, Object> r = new HashMap<>();
                  r.put("run_id", "run-1");
                  r.put("config_id", "c" + id++);
                  r.put("vocab_size", v);
                  r.put("policy", "gaussian(sigma=1.0)");
                  r.put("reference", "target_kl(kl=0.1)");
                  r.put("behaviour", on ? "on_policy()" : "target_kl(kl=0.01)");
                  r.put("estimator", e);
                  r.put("value_fn", e.substring(0, 2));
                  r.put("rule", e.substring(3));
                  r.put("baseline", "none");
                  r.put("batch_size", b);
                  r.put("batches", 100);
                  r.put("horizon", t);
                  r.put("contexts", c);
                  r.put("discount", gamma);
                  r.put("kl", 0.1 * t * (v == 16 ? 1.001 : 1 / 1.001));
                  r.put("grad_norm", 1.0);
                  r.put("grad_bias_norm_exact", bias);
                  r.put("grad_bias_norm_mc", bias + 0.001);
                  r.put("grad_rel_bias", bias);
                  r.put("grad_mse_exact", rmse * rmse);
                  r.put("grad_mse_mc", rmse * rmse);
                  r.put("grad_rel_rmse", rmse);
                  r.put("grad_var_exact", rmse * rmse - bias * bias);
                  r.put("grad_cos_exact", 1 - bias / 2);
                  r.put("grad_cos_mc", 1 - bias / 2 - 0.001);
                  boolean token = e.equals("k2/loss") || e.equals("k1/reward_token");
                  r.put("grad_cos_pos_exact", token ? 1.0 : 1 - share(t, c, v) / 4);
                  r.put("grad_cos_pos_mc", token ? 0.999 : 1 - share(t, c, v) / 4 - 0.001);
                  r.put("grad_cos_fwd_exact", 0.9 - 0.01 * t);
                  r.put("grad_cos_fwd_mc", 0.9 - 0.01 * t - 0.001);
                  r.put("grad_future_share", share(t, c, v));
                  r.put("consistent", true);
                  ROWS.add(r);
                }
              }
            }
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map<String, Object> r : ROWS) {
      Object[] values = new Object[ResultColumns.schema().size()];
      int k = 0;
      for (StructField f : ResultColumns.schema().fields()) values[k++] = r.get(f.name());
      rows.add(RowFactory.create(values));
    }
    results = spark.createDataFrame(rows, ResultColumns.schema()).cache();
    ResultViews.register(results);
    index = Report.write(results, ReportTest.home().resolve("target/test-report/SequenceReportTest"), null);
    html = Files.readString(index, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.stop();
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /** The data of one family, as data/&lt;id&gt;.json holds it, with its points as maps column → value. */
  static List<Map<String, Object>> points(String family) throws IOException {
    JsonNode fam = JSON.readTree(index.getParent().resolve("data/" + family + ".json").toFile());
    List<String> columns = new ArrayList<>();
    fam.get("columns").forEach(c -> columns.add(c.asText()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode row : fam.get("points")) {
      Map<String, Object> p = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        JsonNode v = row.get(c);
        p.put(columns.get(c), v.isNull() ? null : v.isNumber() ? (Object) v.asDouble() : v.asText());
      }
      p.put("name", fam.get("series").get(row.get(0).asInt()).get("name").asText());
      p.put("estimators", fam.get("series").get(row.get(0).asInt()).get("estimators").toString());
      out.add(p);
    }
    return out;
  }

  /** The point of {@code name} at the given filter values and horizon, or null. */
  static Map<String, Object> point(List<Map<String, Object>> points, String name, String sampling, String kl,
      String batch, String contexts, String discount, int horizon) {
    Map<String, Object> found = null;
    for (Map<String, Object> p : points) {
      if (p.get("name").equals(name) && p.get("sampling").equals(sampling) && p.get("kl").equals(kl)
          && p.get("batch").equals(batch) && (contexts == null || contexts.equals(p.get("contexts")))
          && (discount == null || discount.equals(p.get("discount"))) && (Double) p.get("x") == horizon) {
        assertEquals(null, found, "two points for " + name + " at " + p);
        found = p;
      }
    }
    return found;
  }

  @Test
  void theCurvesAgainstTheHorizonHoldTheKnownValues() throws IOException {
    List<Map<String, Object>> bias = points("seq_grad_rel_bias");
    int checked = 0;
    for (int t : HORIZONS) {
      for (String sampling : List.of("on", "off")) {
        // k2/loss misses G_seq − G_pos: its relative bias is the mean future share over V.
        Map<String, Object> k2 = point(bias, "k2/loss", sampling, "all", "all", "tree", "1.0", t);
        assertNotNull(k2, "k2/loss at T = " + t);
        double share = (share(t, "tree", 16) + share(t, "tree", 64)) / 2;
        assertEquals(share, (Double) k2.get("y"), 1e-12, k2.toString());
        assertEquals(share, (Double) k2.get("exact"), 1e-12, k2.toString());
        assertEquals(share + 0.001, (Double) k2.get("mc"), 1e-12, k2.toString());
        assertEquals(0.0, (Double) point(bias, "k2/loss", sampling, "all", "all", "1", "1.0", t).get("y"), 1e-15);
        // k1/reward: unbiased with γ = 1 on-policy; 0.04 (T − 1) with γ = 0.9 on the tree.
        Map<String, Object> k1 = point(bias, "k1/reward", sampling, "0.1", "8", "tree", "0.9", t);
        assertEquals((t > 1 ? 0.04 * (t - 1) : 0) + (sampling.equals("off") && t > 1 ? 0.2 : 0), (Double) k1.get("y"),
            1e-12, k1.toString());
        checked += 3;
      }
    }
    // The truth, per context count: the mean over the two models, whatever the estimator.
    List<Map<String, Object>> share = points("seq_future_share");
    for (int t : HORIZONS) {
      Map<String, Object> tree = point(share, "contexts tree", "on", "all", "all", null, null, t);
      assertEquals((share(t, "tree", 16) + share(t, "tree", 64)) / 2, (Double) tree.get("y"), 1e-12, tree.toString());
      assertEquals(2.0, (Double) tree.get("configs"), "two models (V 16 and 64), each once");
      assertEquals(0.0, (Double) point(share, "contexts 1", "on", "all", "all", null, null, t).get("y"), 1e-15);
      checked += 2;
    }
    // 1 − cos with G_pos: 0 for the token rules (they follow G_pos), share/4 for the others.
    List<Map<String, Object>> pos = points("seq_grad_cos_pos");
    for (int t : HORIZONS) {
      assertEquals(0.0, (Double) point(pos, "k2/loss", "on", "all", "all", "tree", "1.0", t).get("y"), 1e-15);
      assertEquals((share(t, "tree", 16) + share(t, "tree", 64)) / 8,
          (Double) point(pos, "k1/reward_is", "on", "all", "all", "tree", "1.0", t).get("y"), 1e-12);
      checked += 2;
    }
    assertEquals(3 * 2 * 3 + 3 * 2 + 3 * 2, checked);
  }

  /** The rows (hand-made above) a point of a gradient family averages: baseline none, its filters, its horizon. */
  static List<Map<String, Object>> rowsOf(Map<String, Object> p, boolean byContexts) {
    return ROWS.stream().filter(r -> r.get("estimator").equals(p.get("name"))
            && ((Boolean) r.get("behaviour").equals("on_policy()")) == p.get("sampling").equals("on")
            && (p.get("batch").equals("all") || r.get("batch_size").toString().equals(p.get("batch")))
            && (p.get("kl").equals("all") || p.get("kl").equals("0.1"))
            && (!byContexts || (r.get("contexts").equals(p.get("contexts"))
                && r.get("discount").toString().equals(p.get("discount"))))
            && ((Integer) r.get("horizon")).doubleValue() == (Double) p.get("x"))
        .toList();
  }

  /**
   * Every point of every gradient family against the horizon is the mean, over the rows of its
   * group, of its column (the exact and the Monte Carlo value each of its own), computed here from
   * the rows as written; the future share's points are means over the distinct models.
   */
  @Test
  void everyPointIsTheMeanOfTheRowsOfItsGroup() throws IOException {
    Map<String, List<String>> families = new LinkedHashMap<>();
    // family → y (exact where the rows have it), exact, Monte Carlo: columns of the rows, as 1 − cos for cosines.
    families.put("seq_grad_rel_bias", List.of("grad_rel_bias", "grad_bias_norm_exact", "grad_bias_norm_mc"));
    families.put("seq_grad_cos", List.of("grad_cos_exact", "grad_cos_exact", "grad_cos_mc"));
    families.put("seq_grad_cos_pos", List.of("grad_cos_pos_exact", "grad_cos_pos_exact", "grad_cos_pos_mc"));
    families.put("seq_grad_cos_fwd", List.of("grad_cos_fwd_exact", "grad_cos_fwd_exact", "grad_cos_fwd_mc"));
    int checked = 0;
    for (Map.Entry<String, List<String>> f : families.entrySet()) {
      boolean cosine = f.getKey().contains("cos");
      List<Map<String, Object>> points = points(f.getKey());
      // 4 estimators, 2 samplings, 2 context counts, 2 discounts, 3 horizons, (1 KL level + all) x (2 B + all).
      assertEquals(4 * 2 * 2 * 2 * 3 * 2 * 3, points.size(), f.getKey());
      for (Map<String, Object> p : points) {
        List<Map<String, Object>> rows = rowsOf(p, true);
        assertEquals(2 * (p.get("batch").equals("all") ? 2 : 1), rows.size(), p.toString());
        assertEquals(rows.size(), ((Double) p.get("configs")).intValue(), p.toString());
        String[] column = f.getValue().toArray(new String[0]);
        for (int k = 0; k < 3; k++) {
          String c = column[k];
          double mean = rows.stream().mapToDouble(r -> cosine ? 1 - (Double) r.get(c) : (Double) r.get(c)).average()
              .orElseThrow();
          Object got = p.get(List.of("y", "exact", "mc").get(k));
          assertEquals(mean, (Double) got, 1e-12, f.getKey() + " " + c + " " + p);
        }
        checked++;
      }
    }
    List<Map<String, Object>> share = points("seq_future_share");
    // 2 context counts (series), 2 samplings, 3 horizons, (1 KL level + all) x (2 B + all).
    assertEquals(2 * 2 * 3 * 2 * 3, share.size());
    for (Map<String, Object> p : share) {
      String contexts = ((String) p.get("name")).substring("contexts ".length());
      Map<Integer, Double> perModel = new HashMap<>();
      for (Map<String, Object> r : ROWS) {
        if (r.get("contexts").equals(contexts) && ((Integer) r.get("horizon")).doubleValue() == (Double) p.get("x")
            && r.get("behaviour").equals("on_policy()") == p.get("sampling").equals("on")
            && (p.get("batch").equals("all") || r.get("batch_size").toString().equals(p.get("batch")))) {
          Double before = perModel.put((Integer) r.get("vocab_size"), (Double) r.get("grad_future_share"));
          assertTrue(before == null || before.equals(r.get("grad_future_share")), "one share per model");
        }
      }
      double mean = perModel.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertEquals(mean, (Double) p.get("y"), 1e-12, p.toString());
      assertEquals(perModel.size(), ((Double) p.get("configs")).intValue(), p.toString());
      checked++;
    }
    assertEquals(4 * 4 * 2 * 2 * 2 * 3 * 2 * 3 + 2 * 2 * 3 * 2 * 3, checked);
  }

  @Test
  void theFiltersOfTheSequenceChartsAndTheirDefaults() throws IOException {
    String bar = html.substring(html.indexOf("<div class=\"filters\""), html.indexOf("</div>", html.indexOf("<div class=\"filters\"")));
    // KL per position: one level, 0.1, at every horizon.
    assertTrue(bar.contains("<select data-filter=\"kl\"><option value=\"all\" selected>all levels</option>"
        + "<option value=\"0.1\">0.1</option></select>"), bar);
    assertTrue(bar.contains("<label>horizon <select data-filter=\"horizon\"><option value=\"1\">1</option>"
        + "<option value=\"2\">2</option><option value=\"4\">4</option></select>"), bar);
    // The most future-dependent context count and γ = 1 first.
    assertTrue(bar.contains("<select data-filter=\"contexts\"><option value=\"1\">1</option>"
        + "<option value=\"tree\" selected>tree</option></select>"), bar);
    assertTrue(bar.contains("<select data-filter=\"discount\"><option value=\"1.0\">1</option>"
        + "<option value=\"0.9\">0.9</option></select>"), bar);
    // The gradient families filter by contexts and discount; the truth does not (its series are the counts).
    JsonNode bias = JSON.readTree(index.getParent().resolve("data/seq_grad_rel_bias.json").toFile());
    JsonNode share = JSON.readTree(index.getParent().resolve("data/seq_future_share.json").toFile());
    assertTrue(bias.get("columns").toString().endsWith(",\"horizon\",\"contexts\",\"discount\"]"), bias.get("columns").toString());
    assertTrue(share.get("columns").toString().endsWith(",\"horizon\"]"), share.get("columns").toString());
    assertEquals("horizon", bias.get("xDim").asText());
    assertEquals(2, bias.get("xBase").asInt());
    assertEquals("mean", bias.get("klAll").asText());
    // The token-level families keep their columns (no contexts or discount).
    assertTrue(JSON.readTree(index.getParent().resolve("data/grad_rel_bias.json").toFile()).get("columns").toString()
        .endsWith(",\"horizon\"]"));
  }

  @Test
  void theSectionHasItsChartsAndPngs() throws IOException {
    String section = html.substring(html.indexOf("<section id=\"sequences\">"));
    section = section.substring(0, section.indexOf("</section>"));
    for (String family : List.of("seq_future_share", "seq_grad_rel_bias", "seq_grad_cos", "seq_grad_cos_pos",
        "seq_grad_cos_fwd")) {
      assertTrue(section.contains("<div class=\"chart\" data-family=\"" + family + "\""), family);
    }
    assertTrue(html.contains("<a href=\"#sequences\">Sequences</a>"), "the navigation links it");
    Set<String> pngs;
    try (Stream<Path> s = Files.list(index.getParent())) {
      pngs = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seq_") && n.endsWith(".png"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> want = new TreeSet<>();
    want.add("seq_future_share_on.png");
    for (String f : List.of("seq_grad_rel_bias", "seq_grad_cos", "seq_grad_cos_pos", "seq_grad_cos_fwd")) {
      for (String mode : List.of("on", "off")) for (String c : List.of("1", "tree")) want.add(f + "_" + mode + "_ctx-" + c + ".png");
    }
    assertEquals(want, pngs);
  }

  /** Every leaderboard table of the page: key "mode|T|B" to its entries ("estimator (γ = 0.9) + none"). */
  static Map<String, List<String>> leaderboards(String page) {
    Map<String, List<String>> boards = new LinkedHashMap<>();
    Matcher t = Pattern.compile("<table class=\"data leaderboard\" data-kl=\"0.1\" data-mode=\"(on|off)\" "
        + "data-horizon=\"(\\d+)\" data-batch=\"(\\d+)\">(.*?)</table>", Pattern.DOTALL).matcher(page);
    while (t.find()) {
      List<String> rows = new ArrayList<>();
      Matcher r = Pattern.compile("<tr data-estimator=\"([^\"]+)\" data-baseline=\"([^\"]+)\"( data-discount=\"([^\"]+)\")?>"
          + "<td class=\"n\">\\d+</td><td>([^<]+)</td>").matcher(t.group(4));
      while (r.find()) {
        rows.add(r.group(5) + " + " + r.group(2));
        assertEquals(r.group(4) == null, !r.group(5).contains("γ"), r.group(0));
      }
      boards.put(t.group(1) + "|" + t.group(2) + "|" + t.group(3), rows);
    }
    return boards;
  }

  @Test
  void theLeaderboardsSplitByHorizonAndNameTheDiscountWhereItChangesTheEstimator() {
    Map<String, List<String>> boards = leaderboards(html);
    List<String> keys = new ArrayList<>();
    for (String mode : List.of("on", "off")) for (int t : HORIZONS) for (int b : List.of(8, 64)) keys.add(mode + "|" + t + "|" + b);
    assertEquals(keys, List.copyOf(boards.keySet()));
    // T = 1: the discount changes nothing, 4 entries; T > 1: the reward-to-go rules once per γ.
    List<String> t1 = List.of("k2/loss + none", "k1/reward_token + none", "k1/reward + none", "k1/reward_is + none");
    assertEquals(t1, boards.get("on|1|8"));
    assertEquals(List.of("k2/loss + none", "k1/reward_token + none", "k1/reward (γ = 0.9) + none", "k1/reward + none",
        "k1/reward_is (γ = 0.9) + none", "k1/reward_is + none"), boards.get("on|2|8"));
    // The view carries horizon and discount: 1 at T = 1 and for the token rules.
    List<Row> view = spark.sql("SELECT horizon, estimator, discount, configs FROM leaderboard "
        + "WHERE on_policy AND batch_size = 8 ORDER BY horizon, place").collectAsList();
    assertEquals(4 + 6 + 6, view.size());
    for (Row r : view) {
      boolean discounted = r.getInt(0) > 1 && r.getString(1).matches("k1/reward(_is)?");
      if (!discounted) assertEquals(1.0, r.getDouble(2), r.toString());
      // Rows averaged: 2 V x 2 contexts, x 2 discounts where γ changes nothing.
      assertEquals(discounted ? 4 : 8, r.getLong(3), r.toString());
    }
    assertTrue(html.contains("contexts ∈ {1, tree}"), "the caption says what a table averages over");
  }

  @Test
  void theAnswerBoxNamesThePickOfEachHorizon() {
    String box = html.substring(html.indexOf("<section class=\"answer\""), html.indexOf("</section>"));
    assertTrue(box.contains("<th>KL per position</th><th>sampling</th><th>horizon T</th><th>B</th>"), box);
    Matcher m = Pattern.compile("<tr><td class=\"n\">0.1</td><td>(on|off)-policy</td><td class=\"n\">(\\d+)</td>"
        + "<td class=\"n\">(\\d+)</td><td><b>([^<]+)</b>").matcher(box);
    Map<String, String> picks = new LinkedHashMap<>();
    while (m.find()) picks.put(m.group(1) + "|" + m.group(2) + "|" + m.group(3), m.group(4));
    Map<String, String> want = new LinkedHashMap<>();
    for (String mode : List.of("on", "off")) {
      for (int t : HORIZONS) {
        for (int b : List.of(8, 64)) {
          want.put(mode + "|" + t + "|" + b, t == 1 ? "k2/loss"
              : t == 2 ? (mode.equals("on") ? "k1/reward (γ = 0.9)" : "k1/reward_is (γ = 0.9)")
              : mode.equals("on") ? "k1/reward" : "k1/reward_is");
        }
      }
    }
    assertEquals(want, picks);
    // At T = 2 and 4 the token rules have a lower RMSE but miss the future: named as biased.
    String on4 = box.substring(box.indexOf("<td class=\"n\">4</td><td class=\"n\">8</td>"));
    on4 = on4.substring(0, on4.indexOf("</tr>"));
    assertTrue(on4.contains("k2/loss has a lower RMSE"), on4);
  }

  /** conf/queries/sequence_bias.sql over the view latest: the known bias, cosine with G_pos and future share. */
  @Test
  void theSequenceQueryGivesTheKnownNumbers() throws IOException {
    String sql = Files.readString(ReportTest.home().resolve("conf/queries/sequence_bias.sql"));
    Map<String, Row> byKey = new LinkedHashMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      byKey.put(r.getAs("estimator") + "|" + r.getAs("discount") + "|" + r.getAs("contexts") + "|"
          + r.<Boolean>getAs("on_policy") + "|" + r.getAs("horizon"), r);
    }
    // 4 estimators x 2 discounts x 2 context counts x 2 samplings x 3 horizons.
    assertEquals(4 * 2 * 2 * 2 * 3, byKey.size());
    int checked = 0;
    for (int t : HORIZONS) {
      double share = (share(t, "tree", 16) + share(t, "tree", 64)) / 2;
      Row k2 = byKey.get("k2/loss|1.0|tree|true|" + t);
      assertEquals(share, k2.<Double>getAs("rel_bias"), 1e-12);
      assertEquals(share, k2.<Double>getAs("future_share"), 1e-12);
      assertEquals(1.0, k2.<Double>getAs("cos_pos"), 1e-15);
      assertEquals(1 - share / 2, k2.<Double>getAs("cos_seq"), 1e-12);
      Row k1 = byKey.get("k1/reward|0.9|tree|false|" + t);
      assertEquals(t > 1 ? 0.04 * (t - 1) + 0.2 : 0, k1.<Double>getAs("rel_bias"), 1e-12);
      assertEquals(4L, (long) k1.<Long>getAs("configs"), "2 V x 2 batch sizes");
      checked++;
    }
    assertEquals(3, checked);
  }

  @Test
  void singleHorizonResultsHaveNoSequenceSectionAndTheirOldTables(@TempDir Path tmp) throws IOException {
    String page = Files.readString(Report.write(results.filter("horizon = 1"), tmp, null), StandardCharsets.UTF_8);
    assertFalse(page.contains("id=\"sequences\""));
    assertFalse(page.contains("data-filter=\"contexts\"") || page.contains("data-filter=\"discount\""));
    assertFalse(page.contains("data-horizon="));
    assertFalse(page.contains("horizon T"));
    assertTrue(page.contains("<th>KL(p‖q)</th><th>sampling</th><th>B</th>"));
    try (Stream<Path> s = Files.list(tmp.resolve("report/data"))) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("seq_")));
    }
    assertEquals(List.of("0.1|on|8", "0.1|on|64", "0.1|off|8", "0.1|off|64"),
        List.copyOf(ReportTest.leaderboardsOf(page).keySet()), "one table per sampling and batch size, as before");
  }
}
