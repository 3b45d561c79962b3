package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Monte Carlo against exact on models of responses larger than the oracle enumerates, for every
 * reward and token rule, discount and baseline with exact columns: value_z and grad_mse_z within 5
 * (the consistency check). And the numbers do not depend on how rows are held or how many chunks
 * there are: kept and rebuilt rows, several chunks, give the same bits.
 */
class SequenceMonteCarloTest {
  static List<Estimator> estimators() {
    List<Estimator> out = new ArrayList<>();
    for (ValueFunction f : new ValueFunction[] {ValueFunction.K1, ValueFunction.K2, ValueFunction.K3}) {
      for (GradientRule r : new GradientRule[] {GradientRule.LOSS, GradientRule.LOSS_RATIO, GradientRule.LOSS_SCORE,
          GradientRule.REWARD, GradientRule.REWARD_TOKEN, GradientRule.REWARD_TOTAL, GradientRule.REWARD_IS}) {
        out.add(Estimator.of(f, r));
      }
    }
    out.add(new Estimator("verl.low_var_kl", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null));
    return out;
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2} behaviour δ={3}")
  @CsvSource({"6,4,3,0.0", "5,5,2,0.3", "3,4,0,0.3", "8,3,1,0.0"})
  void monteCarloAgreesWithExact(int v, int horizon, long n, double behaviour) {
    Contexts ctx = n == 0 ? Contexts.tree() : new Contexts(n);
    SequenceModel model = TestModels.random(v, horizon, ctx, 0.7, behaviour, 13, true);
    List<Baseline> baselines = List.of(Baseline.NONE, Baseline.constant(0.4), Baseline.ORACLE, Baseline.LOO);
    SequenceEvaluation ev = SequenceEvaluation.prepare(model, estimators(), List.of(1.0, 0.8), baselines);
    List<Metrics> rows = ev.evaluate(List.of(2, 8), 3000, 5L, "mc-test").metrics();
    int judged = 0;
    for (Metrics m : rows) {
      String what = m.estimator.name() + " γ=" + m.discount + " " + m.baseline + " B=" + m.batchSize;
      assertNull(m.problem, what);
      assertTrue(m.valueZ != null && Math.abs(m.valueZ) <= 5, what + " value_z " + m.valueZ);
      if (m.gradMseExact != null) {
        assertTrue(Math.abs(m.gradMseZ) <= 5, what + " grad_mse_z " + m.gradMseZ);
        judged++;
      }
    }
    assertEquals(estimators().size() * 2 * 3 * 2, judged); // every lane, three exact baselines, two batch sizes
  }

  /** Several chunks, rows kept or rebuilt on every pass: the same bits. */
  @Test
  void keptRebuiltAndChunkedGiveTheSameBits() throws Exception {
    int v = 7;
    int horizon = 8;
    int batch = 512;
    int batches = 150; // 64 batches per chunk of 2^18 tokens: 3 chunks
    assertEquals(3, Chunking.chunkCount(batch, batches, horizon));
    Contexts ctx = new Contexts(3);
    List<Baseline> baselines = List.of(Baseline.NONE, Baseline.ORACLE, Baseline.LOO);
    List<Estimator> ests = estimators();
    List<Metrics> kept = SequenceEvaluation.prepare(TestModels.random(v, horizon, ctx, 0.7, 0.3, 21, true), ests,
        List.of(1.0), baselines).evaluate(List.of(batch), batches, 9L, "chunks").metrics();
    List<Metrics> rebuilt = SequenceEvaluation.prepare(TestModels.random(v, horizon, ctx, 0.7, 0.3, 21, false), ests,
        List.of(1.0), baselines).evaluate(List.of(batch), batches, 9L, "chunks").metrics();
    assertEquals(kept.size(), rebuilt.size());
    for (int i = 0; i < kept.size(); i++) {
      for (Field f : Metrics.class.getFields()) assertEquals(f.get(kept.get(i)), f.get(rebuilt.get(i)), f.getName() + " row " + i);
      assertTrue(kept.get(i).consistent, kept.get(i).estimator.name() + " " + kept.get(i).baseline);
    }
  }

  /**
   * The Monte Carlo time a result reports (for benchmarks) is a part of the evaluation's wall time:
   * positive, and less than the whole, for kept, rebuilt and one-row models.
   */
  @Test
  void monteCarloTimeIsAPartOfTheWallTime() {
    List<SequenceModel> models = List.of(TestModels.random(7, 8, new Contexts(3), 0.7, 0.3, 21, true),
        TestModels.random(7, 8, new Contexts(3), 0.7, 0.3, 21, false), SequenceModel.of(TestTriples.offPolicy(200, 0.6, 0.4, 43)));
    for (SequenceModel m : models) {
      SequenceEvaluation ev = SequenceEvaluation.prepare(m, estimators(), List.of(1.0), List.of(Baseline.NONE));
      long start = System.nanoTime();
      SequenceEvaluation.Result r = ev.evaluate(List.of(16), 200, 9L, "timing");
      long wall = System.nanoTime() - start;
      assertTrue(r.monteCarloNanos() > 0, "rows " + m.rowCount());
      assertTrue(r.monteCarloNanos() < wall, r.monteCarloNanos() + " ns of " + wall + ", rows " + m.rowCount());
    }
  }

  /** The vector and scalar kernels give the same bits for responses too (and for single tokens). */
  @Test
  void vectorAndScalarKernelsGiveTheSameBits() throws Exception {
    Kernel vector = Kernel.vector();
    org.junit.jupiter.api.Assertions.assertNotNull(vector, "surefire starts the JVM with the vector module (pom.xml argLine)");
    List<Baseline> baselines = List.of(Baseline.NONE, Baseline.constant(0.3), Baseline.ORACLE, Baseline.LOO);
    for (SequenceModel m : List.of(TestModels.random(6, 5, new Contexts(3), 0.7, 0.3, 41, true),
        SequenceModel.of(TestTriples.offPolicy(200, 0.6, 0.4, 43)))) {
      SequenceEvaluation a = SequenceEvaluation.prepare(m, estimators(), List.of(1.0, 0.9), baselines);
      SequenceEvaluation b = SequenceEvaluation.prepare(m, estimators(), List.of(1.0, 0.9), baselines);
      a.kernel = vector;
      b.kernel = Kernel.scalar();
      List<Metrics> x = a.evaluate(List.of(2, 64), 400, 3L, "kernels").metrics();
      List<Metrics> y = b.evaluate(List.of(2, 64), 400, 3L, "kernels").metrics();
      for (int i = 0; i < x.size(); i++) {
        for (Field f : Metrics.class.getFields()) assertEquals(f.get(x.get(i)), f.get(y.get(i)), f.getName() + " row " + i);
      }
    }
  }

  /**
   * A model of several rows that the run under-samples (V = 4096, 128 responses): every row that
   * is not consistent says why in mc_note, with the share of the behaviour's tokens on entries
   * expected fewer than once — computed here from the rows themselves (contexts 1: every row is
   * reached with probability 1, so an entry's expected count is μ(y)·B·R).
   */
  @Test
  void inconsistentRowsOfAnUndersampledModelSayWhy() {
    int v = 4096;
    int horizon = 6;
    int batch = 8;
    int batches = 16;
    SequenceModel model = TestModels.random(v, horizon, new Contexts(1), 0.7, 1.5, 29, true);
    SequenceEvaluation ev = SequenceEvaluation.prepare(model, estimators(), List.of(1.0), List.of(Baseline.NONE));
    List<Metrics> rows = ev.evaluate(List.of(batch), batches, 3L, "note-test").metrics();
    double samples = (double) batch * batches;
    double rare = 0;
    for (int t = 1; t <= horizon; t++) {
      for (double mu : model.position(t)[0].mu) {
        if (mu * samples < 1) rare += mu;
      }
    }
    String share = String.format(Locale.ROOT, "%.0f%% of the behaviour's tokens", 100 * rare / horizon);
    int inconsistent = 0;
    for (Metrics m : rows) {
      if (m.consistent) {
        assertNull(m.mcNote, m.estimator.name());
        continue;
      }
      inconsistent++;
      assertNotNull(m.mcNote, m.estimator.name() + " grad_mse_z " + m.gradMseZ);
      assertTrue(m.mcNote.contains(share), m.mcNote + " should say " + share);
    }
    assertTrue(inconsistent >= 3, "inconsistent rows: " + inconsistent);
    assertTrue(rare / horizon > 0.5, "most tokens are rare here: " + rare / horizon);
  }

  /** The note's threshold: more than 10% of the draws on rare entries. */
  @Test
  void rareEntriesNoteThreshold() {
    assertNull(Consistency.rareEntriesNote(0.1));
    assertNull(Consistency.rareEntriesNote(0.0));
    assertTrue(Consistency.rareEntriesNote(0.25).startsWith("heavy tail: 25% of the behaviour's tokens"));
    // d·μ·samples < 1: with d = 0.1 and 100 samples the tokens below μ = 0.1 are rare.
    assertEquals(0.1 * (0.05 + 0.02), Consistency.rareMass(0.1, new double[] {0.5, 0.33, 0.1, 0.05, 0.02}, 100), 1e-15);
  }
}
