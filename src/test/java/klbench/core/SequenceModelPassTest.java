package klbench.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SequenceModel.Pass}: the rows of a pass over a model that is not kept are built into the
 * arrays of the position before, and are still the rows the source builds, bit for bit.
 */
class SequenceModelPassTest {
  private static final int V = 17;
  private static final int HORIZON = 4;

  /** Row (t, c): on-policy on every other row, so that on- and off-policy rows trade arrays. */
  private static Triple row(int t, int c) {
    long s = 91L * t + c;
    double[] th = TestTriples.gaussianLogits(V, 1.0, s);
    double[] logP = LogSpace.logSoftmax(th);
    double[] logQ = LogSpace.logSoftmax(TestTriples.perturbed(th, 0.4, s + 1));
    double[] logMu = (t + c) % 2 == 0 ? null : LogSpace.logSoftmax(TestTriples.perturbed(th, 0.3, s + 2));
    return Triple.of(logP, logQ, logMu);
  }

  /** Every V-long array of a row, μ and log μ only off-policy (on-policy they are p's). */
  private static List<double[]> arrays(Triple tr) {
    List<double[]> out = new ArrayList<>(List.of(tr.logP, tr.logQ, tr.p, tr.q, tr.logRatio, tr.importance, tr.grad, tr.gradFwd));
    if (!tr.onPolicy) {
      out.add(tr.logMu);
      out.add(tr.mu);
    }
    return out;
  }

  private static void assertSameRow(Triple expected, Triple actual, String where) {
    assertEquals(expected.onPolicy, actual.onPolicy, where);
    List<double[]> e = arrays(expected);
    List<double[]> a = arrays(actual);
    for (int i = 0; i < e.size(); i++) assertArrayEquals(e.get(i), a.get(i), where + ", array " + i);
    if (actual.onPolicy) {
      assertTrue(actual.mu == actual.p && actual.logMu == actual.logP, where + ": on-policy, μ is p");
    }
    assertEquals(Double.doubleToLongBits(expected.pNormSq), Double.doubleToLongBits(actual.pNormSq), where);
    assertEquals(expected.truth, actual.truth, where);
    assertEquals(expected.infeasibleReason, actual.infeasibleReason, where);
  }

  @Test
  void rowsOfAPassAreTheSourcesRowsBuiltIntoTheArraysOfThePositionBefore() {
    SequenceModel model = SequenceModel.rebuilt(V, HORIZON, new Contexts(3), SequenceModelPassTest::row);
    SequenceModel.Pass pass = model.pass();
    int[] order = {1, 2, 3, 4, 4, 3, 2, 1}; // a forward pass, then a backward one, as the evaluation makes
    Set<double[]> before = Collections.newSetFromMap(new IdentityHashMap<>());
    int rowsChecked = 0;
    int reused = 0;
    for (int t : order) {
      Triple[] rows = pass.position(t);
      assertEquals(model.rowsAt(t), rows.length);
      Set<double[]> now = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int c = 0; c < rows.length; c++) {
        assertSameRow(row(t, c), rows[c], "row (" + t + ", " + c + ")");
        for (double[] a : arrays(rows[c])) {
          assertTrue(now.add(a), "row (" + t + ", " + c + ") shares an array with another row of its position");
          if (before.contains(a)) reused++;
        }
        rowsChecked++;
      }
      before = now;
    }
    assertEquals(1 + 3 + 3 + 3 + 3 + 3 + 3 + 1, rowsChecked);
    // From the second position on, every array of a 3-row position comes from the position before
    // when it had as many (the first 3-row position has only position 1's to take).
    assertTrue(reused >= 5 * 3 * 8, "arrays reused: " + reused);
  }

  @Test
  void aSourceThatHandsOutOneTripleKeepsIt() {
    Triple shared = row(1, 1);
    List<double[]> copies = new ArrayList<>();
    for (double[] a : arrays(shared)) copies.add(a.clone());
    SequenceModel model = SequenceModel.rebuilt(V, HORIZON, new Contexts(3), (t, c) -> shared);
    SequenceModel.Pass pass = model.pass();
    int rowsChecked = 0;
    for (int t = 1; t <= HORIZON; t++) {
      for (Triple r : pass.position(t)) {
        assertNotSame(shared.p, r.p);
        assertSameRow(shared, r, "position " + t);
        rowsChecked++;
      }
    }
    assertEquals(1 + 3 + 3 + 3, rowsChecked);
    List<double[]> after = arrays(shared);
    for (int i = 0; i < copies.size(); i++) assertArrayEquals(copies.get(i), after.get(i), "the source's triple, array " + i);
  }

  @Test
  void aKeptModelHandsOutItsRows() {
    SequenceModel model = SequenceModel.of(V, HORIZON, new Contexts(3), SequenceModelPassTest::row);
    SequenceModel.Pass pass = model.pass();
    Triple first = pass.position(2)[1];
    pass.position(3);
    assertTrue(first == pass.position(2)[1], "a kept model's rows are its own, never rebuilt");
    assertSameRow(row(2, 1), first, "row (2, 1)");
  }
}
