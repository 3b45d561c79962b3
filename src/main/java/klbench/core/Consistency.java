package klbench.core;

import java.util.Locale;

/**
 * ESTIMATORS.md, "Consistency": whether Monte Carlo agrees with the exact values, and, where it
 * does not, why that can be expected. value_z = (value_mean_mc − value_mean_exact) / value_mean_se,
 * likewise grad_mse_z; a row is consistent when every |z| ≤ {@value #Z_LIMIT} (or no exact value
 * exists).
 */
public final class Consistency {
  private Consistency() {}

  /** A row is consistent when every |z| ≤ 5. */
  public static final double Z_LIMIT = 5.0;
  /** Above this share of a variance held by tokens rarer than 1/samples, a row gets an mc_note. */
  static final double TAIL_SHARE = 0.1;

  /** Sets value_z, grad_mse_z and consistent from the metrics' exact and Monte Carlo columns. */
  static void check(Metrics m) {
    m.valueZ = zScore(m.valueMeanMc, m.valueMeanExact, m.valueMeanSe);
    m.gradMseZ = m.gradMseExact == null ? null : zScore(m.gradMseMc, m.gradMseExact, m.gradMseSe);
    m.consistent = (m.valueZ == null || Math.abs(m.valueZ) <= Z_LIMIT)
        && (m.gradMseZ == null || Math.abs(m.gradMseZ) <= Z_LIMIT);
  }

  /**
   * (mc − exact)/se; with a standard error at rounding level (a constant estimate) 0 when the two
   * agree to a relative 1e-9, else ±∞: never NaN.
   */
  static Double zScore(Double mc, Double exact, Double se) {
    if (mc == null || exact == null || se == null) return null;
    double diff = mc - exact;
    // A standard error at rounding level of the estimate means it is a constant: compare to rounding.
    if (se > 1e-12 * Math.abs(mc)) return diff / se;
    double scale = Math.max(Math.abs(mc), Math.abs(exact));
    return Math.abs(diff) <= 1e-9 * scale ? 0.0 : Math.copySign(Double.POSITIVE_INFINITY, diff);
  }

  /**
   * The mc_note of a model of several rows (responses): the share of the behaviour's draws that fall
   * on (position, context, token) entries expected fewer than once in the run, d^M_t(c)·μ(y)·samples
   * &lt; 1 with samples the run's B·R responses. What those entries carry — a large q/p, an importance
   * weight, a product of them — Monte Carlo almost never sees, so its squared error misses it.
   * Unlike the one-row note this counts draws, not variance: a model's conditional moments are not
   * kept per entry. Null below {@link #TAIL_SHARE}.
   */
  static String rareEntriesNote(double rareShare) {
    if (!(rareShare > TAIL_SHARE)) return null;
    return String.format(Locale.ROOT,
        "heavy tail: %.0f%% of the behaviour's tokens fall on (position, context, token) entries expected fewer than once"
            + " in this run's responses, which it almost never draws", 100 * Math.min(1.0, rareShare));
  }

  /**
   * Row (t, c)'s part of that share's numerator: Σ_y d·μ(y) over the tokens with d·μ(y)·samples &lt; 1,
   * d = d^M_t(c). The shares of all rows sum to T (every position draws one token).
   */
  static double rareMass(double d, double[] mu, double samples) {
    double limit = 1.0 / (d * samples);
    double rare = 0;
    for (double m : mu) {
      if (m < limit) rare += m;
    }
    return d * rare;
  }

  /**
   * The mc_note heuristic: how much of the exact variances sits on tokens with μ(x)·samples &lt; 1,
   * which a run of that many samples almost never draws: for the value, and for E‖ĝ‖² = Σ μ (a + s)²
   * ‖e_x − p‖² as a quadratic in the baseline offset s (sums over all tokens and over the rare ones).
   */
  record TailSums(double valueAll, double valueRare, double[] all, double[] rare) {
    /** A note when either share exceeds {@link #TAIL_SHARE}; s is NaN for loo (no exact gradient). */
    String note(double s) {
      double valueShare = valueAll > 0 ? valueRare / valueAll : 0.0;
      double gradShare = 0.0;
      if (!Double.isNaN(s)) {
        double a = all[0] + 2 * s * all[1] + s * s * all[2];
        double r = rare[0] + 2 * s * rare[1] + s * s * rare[2];
        gradShare = a > 0 ? Math.max(0.0, Math.min(1.0, r / a)) : 0.0;
      }
      if (valueShare <= TAIL_SHARE && gradShare <= TAIL_SHARE) return null;
      return String.format(Locale.ROOT,
          "heavy tail: %.0f%% of the exact value variance and %.0f%% of the exact gradient second moment come"
              + " from tokens with mu(x)*samples < 1, which this run almost never draws", 100 * valueShare, 100 * gradShare);
    }

    /**
     * The sums for one lane of a one-token model: its coefficient column z, with the weight of
     * (z + s)² in E‖ĝ‖² per token ({@code weight}: μ‖e_x − p‖² ω²), its value column f with mean
     * {@code valueMean}, over a run of {@code samples} tokens.
     */
    static TailSums of(Triple t, double[] weight, double valueMean, double samples, double[] column, double[] values) {
      double valueAll = 0, valueRare = 0;
      double[] all = new double[3];
      double[] rare = new double[3];
      for (int x = 0; x < t.size; x++) {
        double mu = t.mu[x];
        if (mu == 0.0) continue;
        double dv = values[x] - valueMean;
        double a = column[x];
        double w = weight[x];
        double v = mu * dv * dv;
        valueAll += v;
        all[0] += w * a * a;
        all[1] += w * a;
        all[2] += w;
        if (mu * samples < 1.0) {
          valueRare += v;
          rare[0] += w * a * a;
          rare[1] += w * a;
          rare[2] += w;
        }
      }
      return new TailSums(valueAll, valueRare, all, rare);
    }
  }
}
