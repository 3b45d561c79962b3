package klbench.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector and scalar kernels give the same bits (Kernel's promise: a run may mix JVMs with and
 * without the incubator module). The build starts test JVMs with the module, so the vector kernel
 * must be there: a missing one is a failure, not a skip.
 */
class KernelTest {
  private static final List<Baseline> BASELINES =
      List.of(Baseline.NONE, Baseline.constant(-0.5), Baseline.ORACLE, Baseline.LOO);

  @Test
  void theTestJvmHasTheVectorKernelAndUsesIt() {
    assertNotNull(Kernel.vector(), "surefire's argLine adds jdk.incubator.vector");
    assertEquals("vector", Kernel.best().name());
  }

  /**
   * E from 1 to 28 (padding columns from 3 to 0), vocabularies where batches repeat tokens (V = 7,
   * 50) and where they mostly do not (V = 4096), on- and off-policy.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 15, 28})
  void vectorAndScalarKernelsGiveIdenticalPartialStatistics(int estimators) {
    List<Estimator> es = new ArrayList<>(TestTriples.allPairs().subList(0, estimators));
    Kernel vector = Kernel.vector();
    assertNotNull(vector);
    int checked = 0;
    for (int v : new int[] {7, 50, 4096}) {
      for (Triple t : List.of(TestTriples.onPolicy(v, 0.5, v), TestTriples.offPolicy(v, 0.5, 0.3, v + 1))) {
        SequenceEvaluation ev = SequenceEvaluation.prepare(t, es, BASELINES);
        for (int b : new int[] {2, 16, 64}) {
          PartialStats s = ev.simulate(b, 300, stream(v, b), 0, Kernel.scalar());
          PartialStats x = ev.simulate(b, 300, stream(v, b), 0, vector);
          assertIdentical(s, x);
          checked++;
        }
      }
    }
    assertEquals(18, checked);
  }

  /**
   * Both kernels compute the sums they define — Σac, Σa²c², Σac², Σacp, ΣacG, each over the tokens
   * in batch order with fused multiply-adds — bit for bit, with and without repeated tokens; and a
   * sum taken in another order is not the same bits, so the comparison can fail.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void bothKernelsComputeTheDefinedSums(boolean repeats) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    int n = 37;
    int columns = 8;
    int stride = 2 + columns;
    double[] rows = new double[n * stride];
    int[] rowAt = new int[n];
    double[] wc = new double[n];
    double[] wp = new double[n];
    double[] wg = new double[n];
    double[] wn = new double[n];
    for (int tk = 0; tk < n; tk++) {
      rowAt[tk] = tk * stride + 2;
      wn[tk] = 1 + r.nextInt(4);
      for (int k = 0; k < columns; k++) rows[rowAt[tk] + k] = (r.nextDouble() - 0.4) * Math.pow(10, r.nextInt(-8, 8));
      double c = repeats ? 1 + r.nextInt(4) : 1;
      wc[tk] = c;
      wp[tk] = c * r.nextDouble() * 1e-3;
      wg[tk] = c * (r.nextDouble() - 0.5) * 1e-4;
    }
    double[] expected = new double[6 * columns];
    boolean someOrderMatters = false;
    for (int k = 0; k < columns; k++) {
      double s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, backward = 0;
      for (int tk = 0; tk < n; tk++) {
        double a = rows[rowAt[tk] + k];
        double ac = a * wc[tk];
        s1 += ac;
        s2 = Math.fma(ac, ac, s2);
        s3 = Math.fma(ac, wc[tk], s3);
        s4 = Math.fma(a, wp[tk], s4);
        s5 = Math.fma(a, wg[tk], s5);
        s6 += a * wn[tk];
      }
      for (int tk = n - 1; tk >= 0; tk--) backward += rows[rowAt[tk] + k] * wc[tk];
      someOrderMatters |= backward != s1;
      expected[k] = s1;
      expected[columns + k] = s2;
      expected[2 * columns + k] = s3;
      expected[3 * columns + k] = s4;
      expected[4 * columns + k] = s5;
      expected[5 * columns + k] = s6;
    }
    assertTrue(someOrderMatters, "the data should make summation order visible in the bits");
    int compared = 0;
    for (Kernel kernel : List.of(Kernel.scalar(), Kernel.vector())) {
      // Without a second weight, five sums (the sixth place is left alone); with one, six.
      for (double[] second : new double[][] {null, wn}) {
        double[] sums = new double[6 * columns];
        java.util.Arrays.fill(sums, 5 * columns, 6 * columns, Double.NaN);
        kernel.batchSums(0, n, repeats, rows, rowAt, 0, wc, wp, wg, second, columns, sums);
        for (int i = 0; i < sums.length; i++) {
          double want = second == null && i >= 5 * columns ? Double.NaN : expected[i];
          assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(sums[i]),
              kernel.name() + " sum " + i / columns + " of column " + i % columns + (second == null ? "" : ", second weight"));
          compared++;
        }
      }
    }
    assertEquals(2 * 2 * 6 * columns, compared);
  }

  private static UniformRandomProvider stream(int v, int b) {
    return Streams.derive(7L, "kernel-test-" + v, b);
  }

  private static void assertIdentical(PartialStats a, PartialStats b) {
    assertEquals(a.batches, b.batches);
    assertArrayEquals(a.positions[0].keys, b.positions[0].keys);
    assertArrayEquals(a.positions[0].counts, b.positions[0].counts);
    assertArrayEquals(a.errMean, b.errMean, 0.0);
    assertArrayEquals(a.errM2, b.errM2, 0.0);
    assertArrayEquals(a.positions[0].loo, b.positions[0].loo, 0.0);
    // Bitwise, not only equal as numbers (assertArrayEquals with delta 0 treats −0 and 0 alike).
    for (int i = 0; i < a.errMean.length; i++) {
      assertEquals(Double.doubleToRawLongBits(a.errMean[i]), Double.doubleToRawLongBits(b.errMean[i]));
      assertEquals(Double.doubleToRawLongBits(a.errM2[i]), Double.doubleToRawLongBits(b.errM2[i]));
    }
    for (int i = 0; i < a.positions[0].loo.length; i++) {
      assertEquals(Double.doubleToRawLongBits(a.positions[0].loo[i]), Double.doubleToRawLongBits(b.positions[0].loo[i]));
    }
  }
}
