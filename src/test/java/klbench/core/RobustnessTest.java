package klbench.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Determinism, chunk merging, infeasible triples and extreme logits. */
class RobustnessTest {
  private static final List<Baseline> BASELINES = List.of(Baseline.NONE, Baseline.LOO, Baseline.constant(0.3), Baseline.ORACLE);

  private static List<Estimator> presets() {
    List<Estimator> out = new ArrayList<>();
    for (Presets.Preset p : Presets.all().values()) out.add(p.estimator());
    return out;
  }

  @Test
  void sameSeedGivesIdenticalBitsAndOtherSeedsDiffer() {
    Triple t = TestTriples.offPolicy(300, 0.5, 0.3, 9);
    TripleEvaluation a = TripleEvaluation.prepare(t, presets(), BASELINES);
    TripleEvaluation b = TripleEvaluation.prepare(TestTriples.offPolicy(300, 0.5, 0.3, 9), presets(), BASELINES);
    PartialStats pa = a.simulateChunk(64, 500, 0, 42L, "key");
    PartialStats pb = b.simulateChunk(64, 500, 0, 42L, "key");
    assertEquals(pa, pb);
    assertTrue(!pa.equals(a.simulateChunk(64, 500, 0, 43L, "key")));
    assertTrue(!pa.equals(a.simulateChunk(64, 500, 0, 42L, "other")));
    assertMetricsIdentical(a.finish(64, 500, pa), b.finish(64, 500, pb));
  }

  /**
   * A chunk's partial statistics depend on (seed, triple, B, chunk) alone: computed by another
   * evaluation of the same triple (another worker), in another order, they are the same bits. So
   * the one left fold ({@link PartialStats#foldInChunkOrder}) gives the same result wherever the
   * chunks ran; the fold itself is checked against a single pass below.
   */
  @Test
  void chunkPartialsDoNotDependOnWhoComputesThemOrWhen() {
    int batch = 1024;
    int batches = 700; // 256 batches per chunk → 3 chunks
    assertEquals(3, Chunking.chunkCount(batch, batches));
    TripleEvaluation ev = TripleEvaluation.prepare(TestTriples.onPolicy(1000, 0.5, 3), presets(), BASELINES);
    TripleEvaluation other = TripleEvaluation.prepare(TestTriples.onPolicy(1000, 0.5, 3), presets(), BASELINES);
    List<PartialStats> inOrder = new ArrayList<>();
    for (int c = 0; c < 3; c++) inOrder.add(ev.simulateChunk(batch, batches, c, 7L, "k"));
    List<PartialStats> reversed = new ArrayList<>();
    for (int c = 2; c >= 0; c--) reversed.add(other.simulateChunk(batch, batches, c, 7L, "k"));
    for (int c = 0; c < 3; c++) assertEquals(inOrder.get(c), reversed.get(2 - c), "chunk " + c);
    assertEquals(256 + 256 + 188, inOrder.get(0).batches() + inOrder.get(1).batches() + inOrder.get(2).batches());
    // counts add up exactly to B·R tokens
    PartialStats all = PartialStats.foldInChunkOrder(reversed, 3);
    long tokens = 0;
    for (long c : all.counts) tokens += c;
    assertEquals((long) batch * batches, tokens);
    assertEquals(batches, all.batches());
  }

  @Test
  void theFoldRefusesMissingRepeatedOrOutOfOrderChunks() {
    TripleEvaluation ev = TripleEvaluation.prepare(TestTriples.onPolicy(50, 0.5, 3), presets(), BASELINES);
    PartialStats c0 = ev.simulateChunk(1024, 700, 0, 7L, "k");
    PartialStats c1 = ev.simulateChunk(1024, 700, 1, 7L, "k");
    PartialStats c2 = ev.simulateChunk(1024, 700, 2, 7L, "k");
    assertThrows(IllegalStateException.class, () -> PartialStats.foldInChunkOrder(List.of(c0, c2), 3));
    assertThrows(IllegalStateException.class, () -> PartialStats.foldInChunkOrder(List.of(c0, c1, c1, c2), 3));
    assertThrows(IllegalStateException.class, () -> PartialStats.foldInChunkOrder(List.of(c0, c1), 3));
    assertThrows(IllegalArgumentException.class, () -> c1.merge(c0));
    assertEquals(PartialStats.foldInChunkOrder(List.of(c2, c0, c1), 3), c0.merge(c1).merge(c2));
  }

  @Test
  void mergingMomentsEqualsOnePass() {
    // Chan's merge of two chunks against the moments of all batches in one chunk, to rounding
    Triple t = TestTriples.onPolicy(64, 0.5, 4);
    TripleEvaluation ev = TripleEvaluation.prepare(t, presets(), BASELINES);
    PartialStats one = ev.simulate(8, 1000, Streams.derive(5L, "m", 0));
    // the same stream split at batch 400
    org.apache.commons.rng.UniformRandomProvider rng = Streams.derive(5L, "m", 0);
    PartialStats first = ev.simulate(8, 400, rng, 0, Kernel.best());
    PartialStats second = ev.simulate(8, 600, rng, 1, Kernel.best());
    PartialStats both = first.merge(second);
    assertArrayEquals(one.tokens, both.tokens);
    assertArrayEquals(one.counts, both.counts);
    for (int i = 0; i < one.errMean.length; i++) {
      assertEquals(one.errMean[i], both.errMean[i], 1e-12 * Math.abs(one.errMean[i]));
      // M2 of a constant d_b is rounding noise: compare on the scale of n·mean²
      assertEquals(one.errM2[i], both.errM2[i], 1e-9 * Math.abs(one.errM2[i]) + 1e-12 * 1000 * one.errMean[i] * one.errMean[i]);
    }
    for (int i = 0; i < one.looShift.length; i++) {
      assertEquals(one.looShift[i], both.looShift[i], 1e-12 * Math.max(1, Math.abs(one.looShift[i])));
    }
  }

  @Test
  void infeasibleReferenceIsReportedNotNaN() {
    double[] logP = LogSpace.logSoftmax(new double[] {0, 1, 2, 0.5});
    double[] logQ = LogSpace.logSoftmax(new double[] {0, Double.NEGATIVE_INFINITY, 2, 0.5});
    Triple t = Triple.of(logP, logQ, null);
    assertTrue(!t.feasible());
    assertTrue(t.infeasibleReason().contains("q(x)=0"), t.infeasibleReason());
    assertEquals(Double.POSITIVE_INFINITY, t.truth().kl());
    TripleEvaluation ev = TripleEvaluation.prepare(t, presets(), BASELINES);
    for (Metrics m : ev.evaluate(4, 10, 1L, "inf")) {
      assertNotNull(m.problem);
      assertNull(m.valueMeanMc);
      assertNull(m.gradMseExact);
    }
  }

  @Test
  void infeasibleBehaviourIsReported() {
    double[] logP = LogSpace.logSoftmax(new double[] {0, 1, 2});
    double[] logMu = LogSpace.logSoftmax(new double[] {0, Double.NEGATIVE_INFINITY, 2});
    Triple t = Triple.of(logP, logP.clone(), logMu);
    assertTrue(t.infeasibleReason().contains("mu(x)=0"), t.infeasibleReason());
  }

  @Test
  void zeroProbabilityTokensOutsideEverySupportAreFine() {
    // p and q both 0 on token 1 (μ = p): no infinity enters any expectation
    double[] logP = LogSpace.logSoftmax(new double[] {0, Double.NEGATIVE_INFINITY, 2});
    double[] logQ = LogSpace.logSoftmax(new double[] {0.3, Double.NEGATIVE_INFINITY, 1.5});
    Triple t = Triple.of(logP, logQ, null);
    assertTrue(t.feasible());
    TripleEvaluation ev = TripleEvaluation.prepare(t, presets(), BASELINES);
    for (Metrics m : ev.evaluate(4, 200, 1L, "zero")) {
      assertNull(m.problem);
      assertTrue(Double.isFinite(m.valueMeanMc) && Double.isFinite(m.gradMseMc));
    }
  }

  /** σ = 50 makes p nearly deterministic; clamped presets must stay finite and consistent. */
  @Test
  void extremeLogitsStayFinite() throws IllegalAccessException {
    double[] th = TestTriples.gaussianLogits(4096, 50.0, 77);
    Triple t = Triple.of(LogSpace.logSoftmax(th), LogSpace.logSoftmax(TestTriples.perturbed(th, 0.05, 78)), null);
    TripleEvaluation ev = TripleEvaluation.prepare(t, presets(), BASELINES);
    List<Metrics> rows = ev.evaluate(64, 300, 1L, "sigma50");
    for (Metrics m : rows) {
      String what = m.estimator.name() + " " + m.baseline;
      // q is a small perturbation of p's logits, so |ℓ| stays small: no preset overflows here
      assertNull(m.problem, what);
      for (Field f : Metrics.class.getFields()) {
        if (f.getType() != Double.class) continue;
        Double v = (Double) f.get(m);
        assertTrue(v == null || Double.isFinite(v), what + " " + f.getName() + " = " + v);
      }
      assertTrue(m.consistent, what);
    }
    assertEquals(presets().size() * BASELINES.size(), rows.size());
  }

  @Test
  void looNeedsTwoTokens() {
    TripleEvaluation ev = TripleEvaluation.prepare(TestTriples.onPolicy(5, 0.3, 1), presets(), List.of(Baseline.LOO));
    assertThrows(IllegalArgumentException.class, () -> ev.simulateChunk(1, 10, 0, 1L, "x"));
  }

  static void assertMetricsIdentical(List<Metrics> a, List<Metrics> b) {
    assertEquals(a.size(), b.size());
    try {
      for (int i = 0; i < a.size(); i++) {
        for (Field f : Metrics.class.getFields()) {
          Object x = f.get(a.get(i));
          Object y = f.get(b.get(i));
          assertEquals(x, y, "row " + i + " " + f.getName());
        }
      }
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
