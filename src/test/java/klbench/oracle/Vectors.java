package klbench.oracle;

/** Dense vector arithmetic for the oracle's gradients. */
final class Vectors {
  private Vectors() {}

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
  }

  static double distance(double[] a, double[] b) { return Math.sqrt(squaredDistance(a, b)); }

  /** {@code out += k · x}. */
  static void addScaled(double[] out, double k, double[] x) {
    for (int i = 0; i < out.length; i++) out[i] += k * x[i];
  }

  /** cos(a, b), or null where either vector is 0. */
  static Double cosine(double[] a, double[] b) {
    double na = norm(a);
    double nb = norm(b);
    return na == 0 || nb == 0 ? null : dot(a, b) / (na * nb);
  }
}
