package klbench.report.ranking;

/**
 * One leaderboard entry: an (estimator, baseline) at one KL level, sampling and batch size, with
 * the means over its replicated configurations (see {@code klbench.report.data.Leaderboard}).
 * {@code unbiasedIsh}, {@code aGradient} and {@code biasWithinNoise} are the ranking policy's
 * rules ({@link Ranking}), computed where the aggregate is, so that the page and the SQL view
 * {@code leaderboard} read one definition.
 */
public record Entry(double klLevel, boolean onPolicy, int batchSize, String estimator, String baseline,
    Double relRmse, Double relBias, Double biasShare, Double varShare, Double cosG, Double cosFwd,
    Double relRmseExact, Double relRmseMc, Double relRmseMcSe, long configs, long inconsistent,
    Double maxAbsZ, long minBatches, boolean preset, boolean unbiasedIsh, boolean aGradient,
    boolean biasWithinNoise) {

  public Board board() {
    return new Board(klLevel, onPolicy, batchSize);
  }

  /** "estimator + baseline", or the estimator alone for baseline none. */
  public String name() {
    return estimator + (baseline == null || baseline.equals("none") ? "" : " + " + baseline);
  }
}
