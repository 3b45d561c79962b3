package klbench.report.ranking;

import java.math.BigDecimal;

/**
 * One leaderboard entry: an (estimator, discount, baseline) at one KL level, sampling, horizon and
 * batch size, with the means over its replicated configurations (see {@code
 * klbench.report.data.Leaderboard}).
 * {@code unbiasedIsh}, {@code aGradient} and {@code biasWithinNoise} are the ranking policy's
 * rules ({@link Ranking}), computed where the aggregate is, so that the page and the SQL view
 * {@code leaderboard} read one definition.
 */
public record Entry(double klLevel, boolean onPolicy, int horizon, int batchSize, String estimator, double discount,
    String baseline, Double relRmse, Double relBias, Double biasShare, Double varShare, Double cosG, Double cosFwd,
    Double relRmseExact, Double relRmseMc, Double relRmseMcSe, long configs, long inconsistent,
    Double maxAbsZ, long minBatches, boolean preset, boolean unbiasedIsh, boolean aGradient,
    boolean biasWithinNoise) {

  public Board board() {
    return new Board(klLevel, onPolicy, horizon, batchSize);
  }

  /**
   * "estimator + baseline", or the estimator alone for baseline none; with "(γ = 0.9)" after the
   * estimator when its discount is not 1 (see {@code klbench.report.data.Leaderboard#DISCOUNT}).
   */
  public String name() {
    return estimatorName() + (baseline == null || baseline.equals("none") ? "" : " + " + baseline);
  }

  /** The estimator, with "(γ = 0.9)" when its discount is not 1. */
  public String estimatorName() {
    return estimator
        + (discount == 1.0 ? "" : " (γ = " + BigDecimal.valueOf(discount).stripTrailingZeros().toPlainString() + ")");
  }
}
