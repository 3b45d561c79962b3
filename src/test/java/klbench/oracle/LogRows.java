package klbench.oracle;

/** Log-normalisation of one row of logits, in log space (shifted by the row's maximum). */
final class LogRows {
  private LogRows() {}

  /** {@code log softmax(x)}: {@code x − max − log Σ exp(x − max)}. */
  static double[] logSoftmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) max = Math.max(max, v);
    double sum = 0;
    for (double v : x) sum += Math.exp(v - max);
    double norm = max + Math.log(sum);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = x[i] - norm;
    return out;
  }
}
