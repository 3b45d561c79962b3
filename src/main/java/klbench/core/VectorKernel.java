package klbench.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernel} with the JDK's incubating Vector API: {@link #lanes} estimators per instruction.
 * Loaded only when the JVM has {@code jdk.incubator.vector} ({@link Kernel#vector}). Lane k does exactly what {@link ScalarKernel} does for estimator k — an addition or a fused
 * multiply-add per token, in batch order — so the two give the same bits. The loops stay in small
 * methods of their own: the JIT turns vector objects into registers only when it inlines the whole
 * loop, which a large caller would defeat.
 */
final class VectorKernel extends Kernel {
  /**
   * 8 lanes where the CPU has 512-bit vectors, else 4. A species wider than the hardware's would
   * run as slow Java code, so the preferred one decides (and below 4 lanes {@link Kernel#vector}
   * keeps the scalar kernel).
   */
  private static final VectorSpecies<Double> S =
      DoubleVector.SPECIES_PREFERRED.length() >= 8 ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;

  VectorKernel() {
    if (DoubleVector.SPECIES_PREFERRED.length() < 4) {
      throw new UnsupportedOperationException("vectors of " + DoubleVector.SPECIES_PREFERRED.length() + " doubles");
    }
  }

  @Override
  String name() { return "vector"; }

  @Override
  int lanes() { return S.length(); }

  @Override
  void batchSums(int from, int to, boolean repeats, double[] rows, int[] rowAt, int base, double[] wc, double[] wp,
      double[] wg, double[] wn, int columns, double[] sums) {
    for (int k = 0; k < columns; k += S.length()) {
      if (wn != null) {
        withCountsAndSecondWeight(from, to, rows, rowAt, base + k, wc, wp, wg, wn, columns, sums, k);
      } else if (repeats) {
        withCounts(from, to, rows, rowAt, base + k, wc, wp, wg, columns, sums, k);
      } else {
        singles(from, to, rows, rowAt, base + k, wp, wg, columns, sums, k);
      }
    }
  }

  private static void singles(int from, int to, double[] rows, int[] rowAt, int column, double[] wp, double[] wg,
      int columns, double[] sums, int k) {
    DoubleVector s1 = DoubleVector.zero(S);
    DoubleVector s2 = s1;
    DoubleVector s4 = s1;
    DoubleVector s5 = s1;
    for (int tk = from; tk < to; tk++) {
      DoubleVector a = DoubleVector.fromArray(S, rows, rowAt[tk] + column);
      s1 = s1.add(a);
      s2 = a.fma(a, s2);
      s4 = a.fma(DoubleVector.broadcast(S, wp[tk]), s4);
      s5 = a.fma(DoubleVector.broadcast(S, wg[tk]), s5);
    }
    store(sums, columns, k, s1, s2, s1, s4, s5); // Σac² = Σac when every c is 1
  }

  private static void withCounts(int from, int to, double[] rows, int[] rowAt, int column, double[] wc, double[] wp,
      double[] wg, int columns, double[] sums, int k) {
    DoubleVector s1 = DoubleVector.zero(S);
    DoubleVector s2 = s1;
    DoubleVector s3 = s1;
    DoubleVector s4 = s1;
    DoubleVector s5 = s1;
    for (int tk = from; tk < to; tk++) {
      DoubleVector a = DoubleVector.fromArray(S, rows, rowAt[tk] + column);
      DoubleVector c = DoubleVector.broadcast(S, wc[tk]);
      DoubleVector ac = a.mul(c);
      s1 = s1.add(ac);
      s2 = ac.fma(ac, s2);
      s3 = ac.fma(c, s3);
      s4 = a.fma(DoubleVector.broadcast(S, wp[tk]), s4);
      s5 = a.fma(DoubleVector.broadcast(S, wg[tk]), s5);
    }
    store(sums, columns, k, s1, s2, s3, s4, s5);
  }

  /**
   * {@link #withCounts} plus the sixth sum. A loop of its own rather than a flag in that one: these
   * loops run at the vector speed only while the JIT keeps every vector in a register, and a
   * branch in the loop body is the kind of change that has cost that before. Nor a second short
   * loop for the sixth sum after withCounts: that re-reads the rows, and measured 10–15% slower on
   * the single-token grid with loo (eval, 2026-12-01).
   */
  private static void withCountsAndSecondWeight(int from, int to, double[] rows, int[] rowAt, int column, double[] wc,
      double[] wp, double[] wg, double[] wn, int columns, double[] sums, int k) {
    DoubleVector s1 = DoubleVector.zero(S);
    DoubleVector s2 = s1;
    DoubleVector s3 = s1;
    DoubleVector s4 = s1;
    DoubleVector s5 = s1;
    DoubleVector s6 = s1;
    for (int tk = from; tk < to; tk++) {
      DoubleVector a = DoubleVector.fromArray(S, rows, rowAt[tk] + column);
      DoubleVector c = DoubleVector.broadcast(S, wc[tk]);
      DoubleVector ac = a.mul(c);
      s1 = s1.add(ac);
      s2 = ac.fma(ac, s2);
      s3 = ac.fma(c, s3);
      s4 = a.fma(DoubleVector.broadcast(S, wp[tk]), s4);
      s5 = a.fma(DoubleVector.broadcast(S, wg[tk]), s5);
      s6 = s6.add(a.mul(DoubleVector.broadcast(S, wn[tk])));
    }
    store(sums, columns, k, s1, s2, s3, s4, s5);
    s6.intoArray(sums, 5 * columns + k);
  }

  /** The five sums of lanes k.. into their places, sums[m·columns + k]. */
  private static void store(double[] sums, int columns, int k, DoubleVector s1, DoubleVector s2, DoubleVector s3,
      DoubleVector s4, DoubleVector s5) {
    s1.intoArray(sums, k);
    s2.intoArray(sums, columns + k);
    s3.intoArray(sums, 2 * columns + k);
    s4.intoArray(sums, 3 * columns + k);
    s5.intoArray(sums, 4 * columns + k);
  }

  @Override
  void weightedRows(double[] dst, int d, double[] src, int width, int[] rowOf, double[] weight, int from, int to) {
    for (int k = 0; k < width; k += S.length()) {
      DoubleVector acc = DoubleVector.zero(S);
      for (int r = from; r < to; r++) {
        acc = DoubleVector.fromArray(S, src, rowOf[r] * width + k).fma(DoubleVector.broadcast(S, weight[r]), acc);
      }
      acc.intoArray(dst, d + k);
    }
  }
}
