package klbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.Metrics;
import klbench.core.Truth;
import klbench.core.ValueFunction;
import klbench.distributions.Families;
import klbench.distributions.TripleSpec;
import klbench.grid.Configuration;
import org.junit.jupiter.api.Test;

class RowsTest {
  static final TripleSpec TRIPLE = new TripleSpec(16, Families.spec("gaussian", "sigma", 1.0),
      Families.spec("target_kl", "kl", 0.1), Families.spec("on_policy"));
  static final Estimator ESTIMATOR = new Estimator("verl.low_var_kl", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null);
  static final Configuration CONFIG = new Configuration(TRIPLE, ESTIMATOR, Baseline.constant(-0.5), 8, 300, 42L);
  static final Truth TRUTH = new Truth(0.1, 0.11, 0.0, 2.5, 0.3, 0.35);

  /** Metrics with every number set, each to a distinct value. */
  static Metrics fullMetrics() throws IllegalAccessException {
    Metrics m = new Metrics(ESTIMATOR, Baseline.constant(-0.5), 8, 300);
    double v = 1.0;
    for (Field f : Metrics.class.getFields()) {
      if (f.getType() == Double.class) f.set(m, v++);
    }
    m.consistent = true;
    return m;
  }

  @Test
  void everyColumnIsFilled() throws Exception {
    ResultRow r = Rows.of("run-1", "example", CONFIG, TRUTH, fullMetrics(), 12.5, 1e6);
    List<Column> empty = new ArrayList<>();
    for (Column c : Column.values()) if (r.get(c) == null) empty.add(c);
    // only what this configuration does not have: a ratio clip, a reason to have no numbers, a tail note
    assertEquals(List.of(Column.RATIO_CLIP, Column.INFEASIBLE_REASON, Column.MC_NOTE), empty);
    assertEquals("run-1", r.get(Column.RUN_ID));
    assertEquals("example", r.get(Column.RUN_NAME));
    assertEquals(CONFIG.configId(), r.get(Column.CONFIG_ID));
    assertEquals(42L, r.get(Column.SEED));
    assertEquals(16, r.get(Column.VOCAB_SIZE));
    assertEquals("gaussian(sigma=1.0)", r.get(Column.POLICY));
    assertEquals("target_kl(kl=0.1)", r.get(Column.REFERENCE));
    assertEquals("on_policy()", r.get(Column.BEHAVIOUR));
    assertEquals("verl.low_var_kl", r.get(Column.ESTIMATOR));
    assertEquals("k3", r.get(Column.VALUE_FN));
    assertEquals("loss", r.get(Column.RULE));
    assertEquals(20.0, r.get(Column.CLAMP_LOG_RATIO));
    assertEquals(10.0, r.get(Column.CLAMP_VALUE));
    assertEquals("const(-0.5)", r.get(Column.BASELINE));
    assertEquals(8, r.get(Column.BATCH_SIZE));
    assertEquals(300, r.get(Column.BATCHES));
    assertEquals(2400L, r.get(Column.SAMPLES));
    assertEquals(0.11, r.get(Column.KL_FWD));
    assertEquals(0.35, r.get(Column.GRAD_FWD_NORM));
    assertEquals(true, r.get(Column.CONSISTENT));
    assertEquals(12.5, r.get(Column.ELAPSED_MS));
    // each metric lands in the column of its name
    for (Field f : Metrics.class.getFields()) {
      if (f.getType() != Double.class) continue;
      String column = f.getName().replaceAll("([A-Z])", "_$1").toLowerCase();
      assertEquals(f.get(fullMetrics()), r.get(Tables.columns(List.of(column)).get(0)), column);
    }
  }

  @Test
  void nonFiniteNumbersBecomeNull() throws Exception {
    Metrics m = fullMetrics();
    m.valueZ = Double.NaN;
    m.gradMseZ = Double.POSITIVE_INFINITY;
    ResultRow r = Rows.of("r", "n", CONFIG, new Truth(Double.POSITIVE_INFINITY, 1, 0, 1, 1, 1), m, Double.NaN, 1);
    assertNull(r.get(Column.VALUE_Z));
    assertNull(r.get(Column.GRAD_MSE_Z));
    assertNull(r.get(Column.KL));
    assertNull(r.get(Column.ELAPSED_MS));
    assertEquals(1.0, r.get(Column.KL_FWD));
  }

  @Test
  void anInfeasibleRowHasItsReasonAndNoVerdict() {
    Metrics m = new Metrics(ESTIMATOR, Baseline.constant(-0.5), 8, 300);
    m.problem = "reference q(x)=0 where p(x)>0 (token 3): KL(p||q) is infinite";
    ResultRow r = Rows.of("r", "n", CONFIG, TRUTH, m, 1, 1);
    assertEquals(m.problem, r.get(Column.INFEASIBLE_REASON));
    assertNull(r.get(Column.CONSISTENT));
    assertNull(r.get(Column.VALUE_MEAN_EXACT));
    assertNotNull(r.get(Column.CONFIG_ID));
  }

  @Test
  void metricsOfAnotherConfigurationAreRefused() {
    Metrics otherBaseline = new Metrics(ESTIMATOR, Baseline.NONE, 8, 300);
    assertThrows(IllegalArgumentException.class, () -> Rows.of("r", "n", CONFIG, TRUTH, otherBaseline, 1, 1));
    Metrics otherBatch = new Metrics(ESTIMATOR, Baseline.constant(-0.5), 16, 300);
    assertThrows(IllegalArgumentException.class, () -> Rows.of("r", "n", CONFIG, TRUTH, otherBatch, 1, 1));
    // the same value function and rule under another name (a preset and its VALUE/RULE spelling) is another estimator
    Metrics otherEstimator = new Metrics(ESTIMATOR.named("k3/loss[clamp_log_ratio=20.0,clamp_value=10.0]"),
        Baseline.constant(-0.5), 8, 300);
    assertThrows(IllegalArgumentException.class, () -> Rows.of("r", "n", CONFIG, TRUTH, otherEstimator, 1, 1));
  }

  /** A group's rows are paired with their metrics by identity: metrics in another order give the same rows. */
  @Test
  void aGroupPairsConfigurationsWithMetricsByIdentityNotPosition() throws Exception {
    Configuration none = new Configuration(TRIPLE, ESTIMATOR, Baseline.NONE, 8, 300, 42L);
    Metrics forConst = fullMetrics();
    Metrics forNone = new Metrics(ESTIMATOR, Baseline.NONE, 8, 300);
    forNone.problem = "only in the none row";
    List<ResultRow> rows = Rows.ofGroup("r", "n", List.of(CONFIG, none), TRUTH, List.of(forNone, forConst), 10.0, c -> true);
    assertEquals(2, rows.size());
    assertEquals("const(-0.5)", rows.get(0).get(Column.BASELINE));
    assertNull(rows.get(0).get(Column.INFEASIBLE_REASON));
    assertEquals("only in the none row", rows.get(1).get(Column.INFEASIBLE_REASON));
    assertEquals(5.0, rows.get(0).get(Column.ELAPSED_MS)); // 10 ms over 2 configurations
    // a configuration without its metrics is an error, not a silent mismatch
    Configuration oracle = new Configuration(TRIPLE, ESTIMATOR, Baseline.ORACLE, 8, 300, 42L);
    assertThrows(IllegalArgumentException.class,
        () -> Rows.ofGroup("r", "n", List.of(CONFIG, oracle), TRUTH, List.of(forNone, forConst), 10.0, c -> true));
    // --resume: configurations not kept get no row
    assertEquals(1, Rows.ofGroup("r", "n", List.of(CONFIG, none), TRUTH, List.of(forNone, forConst), 10.0,
        c -> c.baseline().equals(Baseline.NONE)).size());
  }

  @Test
  void jsonLinesAreKeyedByColumnNameWithNullsAndNoNaN() throws Exception {
    Metrics m = fullMetrics();
    m.gradCosExact = null;
    ResultRow r = Rows.of("r", "n", CONFIG, TRUTH, m, 3.0, 4.0);
    String line = JsonLines.line(r);
    assertFalse(line.contains("\n"));
    assertFalse(line.contains("NaN"));
    JsonNode o = new ObjectMapper().readTree(line);
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) keys.add(it.next());
    assertEquals(Column.names(), keys);
    assertTrue(o.get("grad_cos_exact").isNull());
    assertTrue(o.get("ratio_clip").isNull());
    assertEquals(2400L, o.get("samples").longValue());
    assertTrue(o.get("seed").isIntegralNumber());
    assertTrue(o.get("consistent").isBoolean());
    assertEquals("const(-0.5)", o.get("baseline").textValue());
    assertEquals(0.1, o.get("kl").doubleValue());
    // a chosen subset, in the order asked
    JsonNode sub = new ObjectMapper().readTree(JsonLines.line(r, List.of(Column.KL, Column.RUN_ID)));
    List<String> subKeys = new ArrayList<>();
    sub.fieldNames().forEachRemaining(subKeys::add);
    assertEquals(List.of("kl", "run_id"), subKeys);
  }

  @Test
  void tablesAlignColumnsAndShowNullsAsDashes() throws Exception {
    ResultRow a = Rows.of("r", "n", CONFIG, TRUTH, fullMetrics(), 1, 1);
    Metrics m = new Metrics(ESTIMATOR, Baseline.constant(-0.5), 8, 300);
    m.problem = "infeasible";
    ResultRow b = Rows.of("r", "n", CONFIG, TRUTH, m, 1, 1);
    String text = Tables.format(List.of(a, b), List.of(Column.ESTIMATOR, Column.VOCAB_SIZE, Column.VALUE_MEAN_EXACT));
    String[] lines = text.split("\n");
    assertEquals(3, lines.length);
    assertEquals("estimator        vocab_size  value_mean_exact", lines[0]);
    assertEquals("verl.low_var_kl          16             1.000", lines[1]);
    assertEquals("verl.low_var_kl          16                 -", lines[2]);
  }

  @Test
  void unknownColumnNamesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tables.columns(List.of("kl", "kl_reverse")));
    assertTrue(e.getMessage().startsWith("unknown column 'kl_reverse'"), e.getMessage());
  }
}
