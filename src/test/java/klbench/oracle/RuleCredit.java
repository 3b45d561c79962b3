package klbench.oracle;

/**
 * A rule's weight {@code ω_t} and baselined quantity {@code z_t} on one response (SEQUENCES.md "Rules
 * over a response"), written as the spec's sums, O(T²) per response; and the per-token values
 * {@code f_t = f(ℓ_t)}.
 *
 * @param value f_t
 * @param weight ω_t
 * @param target z_t
 */
record RuleCredit(double[] value, double[] weight, double[] target) {

  static RuleCredit of(OracleEstimator est, Response y, double discount) {
    int horizon = y.tokens().length;
    double[] l = y.logRatio();
    double[] w = y.importance();
    double[] f = new double[horizon];
    for (int t = 0; t < horizon; t++) f[t] = est.f(l[t]);
    double[] omega = new double[horizon];
    double[] z = new double[horizon];
    for (int t = 0; t < horizon; t++) {
      switch (est.rule()) {
        case REWARD -> {
          omega[t] = w[t];
          for (int u = t; u < horizon; u++) z[t] += Math.pow(discount, u - t) * f[u];
        }
        case REWARD_TOKEN -> {
          omega[t] = w[t];
          z[t] = f[t];
        }
        case REWARD_TOTAL -> {
          omega[t] = w[t];
          for (int u = 0; u < horizon; u++) z[t] += Math.pow(discount, u) * f[u];
        }
        case REWARD_IS -> {
          omega[t] = product(w, 0, t);
          for (int u = t; u < horizon; u++) z[t] += Math.pow(discount, u - t) * product(w, t + 1, u) * f[u];
        }
        default -> {
          omega[t] = 1.0;
          z[t] = est.tokenCoefficient(l[t], w[t]);
        }
      }
    }
    return new RuleCredit(f, omega, z);
  }

  /** {@code Π_{k=from}^{to} w_k} (0-based, inclusive; 1 when empty): the spec's ρ_{from+1:to+1}. */
  private static double product(double[] w, int from, int to) {
    double out = 1.0;
    for (int k = from; k <= to; k++) out *= w[k];
    return out;
  }
}
