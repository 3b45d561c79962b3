package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.junit.jupiter.api.Test;

/**
 * Distributions at the edge of floating point, through the whole in-process pipeline (grid →
 * triple → core → rows): every number finite, every row with its metrics and consistent (Monte
 * Carlo within 5 standard errors of exact), or flagged with an mc_note (a heavy tail of tokens
 * too rare to be drawn).
 */
class ExtremeDistributionsTest {
  private static final List<Column> MUST_HAVE = List.of(Column.KL, Column.GRAD_NORM, Column.VALUE_MEAN_EXACT,
      Column.VALUE_MEAN_MC, Column.VALUE_MEAN_SE, Column.GRAD_MSE_MC, Column.GRAD_MSE_SE, Column.GRAD_VAR_MC);

  private static List<ResultRow> run(String yaml) {
    Grid grid = GridFile.parse(yaml, Path.of("extreme.yaml"));
    List<ResultRow> rows = new ArrayList<>();
    LocalEvaluation.run(grid, "test", rows::add);
    assertEquals(grid.configurationCount(), rows.size());
    return rows;
  }

  private static void assertAllGood(List<ResultRow> rows) {
    for (ResultRow r : rows) {
      String what = r.get(Column.ESTIMATOR) + " " + r.get(Column.BASELINE) + " " + r.get(Column.REFERENCE)
          + " " + r.get(Column.BEHAVIOUR) + " V=" + r.get(Column.VOCAB_SIZE) + " B=" + r.get(Column.BATCH_SIZE);
      assertNull(r.get(Column.INFEASIBLE_REASON), what);
      for (Column c : MUST_HAVE) {
        Object v = r.get(c);
        assertNotNull(v, what + ": " + c.id());
        assertTrue(Double.isFinite((Double) v), what + ": " + c.id() + " = " + v);
      }
      if (!"loo".equals(r.get(Column.BASELINE))) assertNotNull(r.get(Column.GRAD_MSE_EXACT), what);
      // consistent, or flagged: Monte Carlo cannot see a tail of tokens rarer than 1/samples
      assertTrue(Boolean.TRUE.equals(r.get(Column.CONSISTENT)) || r.get(Column.MC_NOTE) != null,
          what + ": value_z " + r.get(Column.VALUE_Z) + ", grad_mse_z " + r.get(Column.GRAD_MSE_Z));
    }
  }

  private static final String ESTIMATORS = """
      estimators: [k1/loss, k2/loss, k3/loss, k1/reward, k3/loss_ratio, verl.low_var_kl, verl.k1+,
                   openrlhf.loss.k3, nemo_rl.k3, trl.grpo]
      """;

  @Test
  void sigma50PolicyNearlyDeterministic() {
    assertAllGood(run("""
        name: sigma50
        seed: 1
        vocab_sizes: [1024]
        policies: [{gaussian: {sigma: 50.0}}]
        references: [{target_kl: {kl: 0.01}}, {target_kl: {kl: 1.0}}]
        behaviours: [on_policy, {target_kl: {kl: 0.5}}]
        """ + ESTIMATORS + """
        baselines: [none, loo]
        batch_sizes: [64]
        batches: 400
        """));
  }

  @Test
  void twoTokensAndTinyAndHugeKl() {
    assertAllGood(run("""
        name: v2
        seed: 2
        vocab_sizes: [2, 64]
        policies: [{gaussian: {sigma: 1.0}}]
        references: [{target_kl: {kl: 1.0e-8}}, {target_kl: {kl: 0.1}}, {target_kl: {kl: 10.0}}]
        behaviours: [on_policy]
        """ + ESTIMATORS + """
        baselines: [none, loo, oracle]
        batch_sizes: [4]
        batches: 2000
        """));
  }

  @Test
  void behaviourFarFromPolicy() {
    assertAllGood(run("""
        name: far-behaviour
        seed: 3
        vocab_sizes: [256]
        policies: [{gaussian: {sigma: 1.0}}]
        references: [{target_kl: {kl: 0.1}}]
        behaviours: [{target_kl: {kl: 5.0}}]
        """ + ESTIMATORS + """
        baselines: [none, loo]
        batch_sizes: [64]
        batches: 2000
        """));
  }

  @Test
  void clampsActiveOnMostTokens() {
    List<ResultRow> rows = run("""
        name: clamps
        seed: 4
        vocab_sizes: [512]
        policies: [{gaussian: {sigma: 2.0}}]
        references: [{target_kl: {kl: 2.0}}]
        behaviours: [on_policy]
        estimators:
          - {value: k3, rule: loss, clamp_log_ratio: 0.05}
          - {value: k1, rule: reward, clamp_value: 0.01}
          - {value: k3, rule: loss_ratio, clamp_log_ratio: 0.5, clamp_value: 0.01}
        baselines: [none, loo]
        batch_sizes: [16]
        batches: 1000
        """);
    assertAllGood(rows);
    // with |ℓ| > 0.05 almost everywhere, the clamped k3 loss has almost no gradient left
    double relBias = (Double) rows.get(0).get(Column.GRAD_REL_BIAS);
    assertTrue(relBias > 0.9, "clamped k3/loss: grad_rel_bias " + relBias);
  }

  @Test
  void millionTokenVocabulary() {
    assertAllGood(run("""
        name: big
        seed: 5
        vocab_sizes: [1048576]
        policies: [{gaussian: {sigma: 1.0}}]
        references: [{target_kl: {kl: 0.01}}]
        behaviours: [on_policy]
        estimators: [k1/loss, k2/loss, k3/loss, verl.low_var_kl]
        baselines: [none, loo]
        batch_sizes: [1024]
        batches: 200
        """));
  }
}
