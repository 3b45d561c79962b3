package klbench.core;

/**
 * {@link Kernel} in plain Java. Estimators go two at a time, so each token's weights are loaded
 * once for two estimators and ten independent sums are in flight rather than five: an addition
 * waits for the previous one into the same sum, and five chains alone leave the core idle half the
 * time. Each sum still runs over the tokens in batch order, so the bits do not depend on the
 * pairing (and equal {@link VectorKernel}'s).
 */
final class ScalarKernel extends Kernel {
  static final ScalarKernel INSTANCE = new ScalarKernel();

  private ScalarKernel() {}

  @Override
  String name() { return "scalar"; }

  @Override
  int lanes() { return 2; }

  @Override
  void batchSums(int from, int to, boolean repeats, double[] rows, int[] rowAt, int base, double[] wc, double[] wp,
      double[] wg, double[] wn, int columns, double[] sums) {
    for (int k = 0; k < columns; k += 2) {
      if (wn != null) {
        double a6 = 0, b6 = 0;
        for (int tk = from; tk < to; tk++) {
          int r = rowAt[tk] + base + k;
          a6 += rows[r] * wn[tk];
          b6 += rows[r + 1] * wn[tk];
        }
        sums[5 * columns + k] = a6;
        sums[5 * columns + k + 1] = b6;
      }
      double a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
      double b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0;
      if (!repeats) {
        for (int tk = from; tk < to; tk++) {
          int r = rowAt[tk] + base + k;
          double a = rows[r];
          double b = rows[r + 1];
          double p = wp[tk];
          double g = wg[tk];
          a1 += a;
          a2 = Math.fma(a, a, a2);
          a4 = Math.fma(a, p, a4);
          a5 = Math.fma(a, g, a5);
          b1 += b;
          b2 = Math.fma(b, b, b2);
          b4 = Math.fma(b, p, b4);
          b5 = Math.fma(b, g, b5);
        }
        a3 = a1;
        b3 = b1;
      } else {
        for (int tk = from; tk < to; tk++) {
          int r = rowAt[tk] + base + k;
          double c = wc[tk];
          double p = wp[tk];
          double g = wg[tk];
          double a = rows[r];
          double ac = a * c;
          a1 += ac;
          a2 = Math.fma(ac, ac, a2);
          a3 = Math.fma(ac, c, a3);
          a4 = Math.fma(a, p, a4);
          a5 = Math.fma(a, g, a5);
          double b = rows[r + 1];
          double bc = b * c;
          b1 += bc;
          b2 = Math.fma(bc, bc, b2);
          b3 = Math.fma(bc, c, b3);
          b4 = Math.fma(b, p, b4);
          b5 = Math.fma(b, g, b5);
        }
      }
      sums[k] = a1;
      sums[columns + k] = a2;
      sums[2 * columns + k] = a3;
      sums[3 * columns + k] = a4;
      sums[4 * columns + k] = a5;
      sums[k + 1] = b1;
      sums[columns + k + 1] = b2;
      sums[2 * columns + k + 1] = b3;
      sums[3 * columns + k + 1] = b4;
      sums[4 * columns + k + 1] = b5;
    }
  }

  @Override
  void weightedRows(double[] dst, int d, double[] src, int width, int[] rowOf, double[] weight, int from, int to) {
    for (int k = 0; k < width; k++) {
      double acc = 0;
      for (int r = from; r < to; r++) acc = Math.fma(src[rowOf[r] * width + k], weight[r], acc);
      dst[d + k] = acc;
    }
  }
}
