package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The model record, its context chain and random factory, and the oracle's refusals. */
class ModelTest {
  @Test
  void contextsFollowTheChainOfTheSpec() {
    Model parity = Model.onPolicy(3, 3, 2, 1.0, 0.5, 0.0, 1);
    assertEquals(1, parity.contextsAt(1));
    assertEquals(2, parity.contextsAt(2));
    assertEquals(2, parity.contextsAt(3));
    // V = 3, N = 2: the context is the parity of the token sum
    ResponseSpace s = new ResponseSpace(parity);
    for (Response y : s.responses()) {
      int sum = 0;
      for (int t = 0; t < 3; t++) {
        assertEquals(sum % 2, y.contexts()[t], "y=" + y.index());
        sum += y.tokens()[t];
      }
    }
    Model tree = Model.onPolicy(2, 3, Model.TREE, 1.0, 0.5, 0.0, 1);
    assertEquals(4, tree.contextsAt(3));
    assertEquals("tree", tree.contextsLabel());
    assertEquals("2", parity.contextsLabel());
    // tree: c_t is the prefix read as a base-V number, and the response index is the whole response
    for (Response y : new ResponseSpace(tree).responses()) {
      assertEquals(y.tokens()[0] * 2 + y.tokens()[1], y.contexts()[2]);
      assertEquals(y.tokens()[0] * 4 + y.tokens()[1] * 2 + y.tokens()[2], y.index());
    }
    assertEquals(2 * (1 + 2 + 4), new ResponseSpace(tree).dimension());
    assertEquals(3 * (1 + 2 + 2), s.dimension());
    assertEquals(3 * (1 + 2 + 1), s.rowOffset(3, 1));
  }

  @Test
  void theFactoryIsSeededAndSharesPAndQBetweenOnAndOffPolicy() {
    Model a = Model.offPolicy(3, 2, 2, 1.0, 0.8, 0.5, 1.0, 42);
    Model b = Model.offPolicy(3, 2, 2, 1.0, 0.8, 0.5, 1.0, 42);
    Model on = Model.onPolicy(3, 2, 2, 1.0, 0.8, 1.0, 42);
    assertNull(on.logMu());
    assertTrue(a.offPolicy() && !on.offPolicy());
    for (int t = 0; t < 2; t++) {
      for (int c = 0; c < a.contextsAt(t + 1); c++) {
        assertArrayEquals(a.logP()[t][c], b.logP()[t][c], 0.0);
        assertArrayEquals(a.logMu()[t][c], b.logMu()[t][c], 0.0);
        assertArrayEquals(a.logP()[t][c], on.logP()[t][c], 0.0);
        assertArrayEquals(a.logQ()[t][c], on.logQ()[t][c], 0.0);
      }
    }
    assertTrue(a.logP()[1][0][0] != Model.offPolicy(3, 2, 2, 1.0, 0.8, 0.5, 1.0, 43).logP()[1][0][0]);
  }

  /** spread makes rows differ in closeness: the spread of the per-row log KL grows with it. */
  @Test
  void spreadMakesRowsDifferInCloseness() {
    assertTrue(rowLogKlSpread(1.5) > 2 * rowLogKlSpread(0.0),
        rowLogKlSpread(1.5) + " vs " + rowLogKlSpread(0.0));
  }

  private static double rowLogKlSpread(double spread) {
    Model m = Model.onPolicy(4, 3, Model.TREE, 1.0, 0.5, spread, 9);
    ResponseSpace s = new ResponseSpace(m);
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int t = 1; t <= 3; t++) {
      for (int c = 0; c < m.contextsAt(t); c++) {
        double kl = 0;
        for (int j = 0; j < 4; j++) kl += Math.exp(s.logP(t, c)[j]) * (s.logP(t, c)[j] - s.logQ(t, c)[j]);
        sum += Math.log(kl);
        sumSq += Math.log(kl) * Math.log(kl);
        n++;
      }
    }
    return Math.sqrt(sumSq / n - (sum / n) * (sum / n));
  }

  @Test
  void badModelsAreRefused() {
    double[][][] one = {{{0.0, 0.0}}};
    assertThrows(IllegalArgumentException.class, () -> new Model(2, 2, 2, one, one, null), "too few positions");
    assertThrows(IllegalArgumentException.class, () -> new Model(3, 1, 2, one, one, null), "rows too short");
    assertThrows(IllegalArgumentException.class, () -> new Model(2, 1, -1, one, one, null), "negative contexts");
    double[][][] inf = {{{Double.NEGATIVE_INFINITY, 0.0}}};
    assertThrows(IllegalArgumentException.class, () -> new Model(2, 1, 1, one, inf, null), "q(x) = 0");
    double[][][] twoContexts = {{{0.0, 0.0}}, {{0.0, 0.0}}};
    assertThrows(IllegalArgumentException.class, () -> new Model(2, 2, 2, twoContexts, twoContexts, null),
        "position 2 needs 2 contexts");
    assertEquals(1, new Model(2, 2, 1, twoContexts, twoContexts, null).contextsAt(2), "one context at every position");
  }

  @Test
  void theOracleRefusesWhatItCannotEnumerate() {
    assertThrows(IllegalArgumentException.class, () -> new SequenceOracle(Model.onPolicy(5, 3, 2, 1.0, 0.5, 0.0, 1)),
        "125 responses");
    SequenceOracle o = new SequenceOracle(Model.onPolicy(2, 2, 2, 1.0, 0.5, 0.0, 1));
    OracleEstimator e = OracleEstimator.of(OracleEstimator.Value.K1, OracleEstimator.Rule.REWARD);
    assertThrows(IllegalArgumentException.class, () -> o.evaluate(e, OracleBaseline.LOO, 1.0, 1), "loo needs B = 2");
    assertThrows(IllegalArgumentException.class, () -> o.evaluate(e, OracleBaseline.NONE, 1.0, 3), "B ≤ 2");
    assertThrows(IllegalArgumentException.class, () -> o.evaluate(e, OracleBaseline.NONE, 0.0, 1), "γ > 0");
    assertThrows(IllegalArgumentException.class, () -> o.evaluate(e, OracleBaseline.NONE, 1.1, 1), "γ ≤ 1");
    assertThrows(IllegalArgumentException.class, () -> o.terms(e, OracleBaseline.LOO, 1.0), "loo terms need a partner");
    ResponseTerms loo = o.looTerms(e, 1.0, 1, 2);
    assertArrayEquals(o.terms(e, OracleBaseline.NONE, 1.0).get(2).target(), loo.baseline(), 0.0);
  }

  /** p = q: every target is 0, and the relative metrics are null rather than NaN. */
  @Test
  void equalPolicyAndReferenceGiveNullsNotNaN() {
    Model m = Model.onPolicy(3, 2, 2, 1.0, 0.0, 0.0, 5);
    SequenceOracle o = new SequenceOracle(m);
    assertEquals(0.0, o.truth().klSeq(), 0.0);
    assertEquals(0.0, o.truth().gradNorm(), 0.0);
    assertNull(o.truth().gradFutureShare());
    BatchEvaluation ev = o.evaluate(OracleEstimator.of(OracleEstimator.Value.K2, OracleEstimator.Rule.LOSS_SCORE),
        OracleBaseline.ORACLE, 1.0, 2);
    assertNull(ev.gradRelBias());
    assertNull(ev.gradRelRmse());
    assertNull(ev.valueRelBias());
    assertNull(ev.gradCos());
    assertEquals(0.0, ev.gradMse(), 0.0);
  }
}
