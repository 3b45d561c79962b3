package klbench.plan;

import klbench.core.SequenceModel;

/**
 * klbench's one cost model: the seconds of one core that a piece of work takes, as a function of
 * named inputs. {@link WorkPlan} balances tasks with it and {@code run}'s cost guard turns a grid's
 * total into hours with it, so the two never disagree.
 *
 * <p>The work of one triple, as the core does it:
 *
 * <ul>
 *   <li><b>build</b>, once per task that holds the triple: {@code buildPasses} O(V) passes to make
 *       p, q and μ (what each family costs is the family's own answer: {@code
 *       TripleSpec.buildPasses()}), then one O(V) pass per estimator for its per-token columns;
 *   <li><b>simulate</b>, per batch: B tokens drawn and counted, then per estimator a few sums over
 *       the batch's distinct tokens, which read the per-token tables at random: their cost per
 *       distinct token grows as the tables (V × (estimators + 4) doubles) outgrow the caches; and
 *       per (estimator, baseline) one batch squared error;
 *   <li><b>finish</b>, per batch size: the exact moments and metrics, O(V) per (estimator,
 *       baseline).
 * </ul>
 *
 * Every V-long term is multiplied by {@code rows}, the distributions a model holds (1 for single
 * tokens; one per (position, context) for responses), whose Monte Carlo costs per token drawn, in
 * proportion to the lanes (the PER_RESPONSE_* terms).
 *
 * <p>Calibrated by least squares on the measured time of each (triple, batch size) of the default
 * grid ({@code eval}, one thread, 2-core AMD EPYC, 1 MiB L2, 32 MiB shared L3): per triple the
 * model is within 30% (median) of what was measured, and it gets the spread right that matters for
 * balancing (V = 152,064 triples cost 10–40× the V = 16 ones). It does not know a distribution's
 * shape: it counts distinct tokens as if μ were uniform, so a zipf policy, whose batches repeat its
 * head tokens, costs up to half what it predicts at large V.
 */
public final class CostModel {
  private CostModel() {}

  /** Per vocabulary entry and O(V) pass of building (a target_kl solve is many passes). */
  static final double BUILD_PER_ENTRY_PASS = 3.0e-9;
  /** Per token drawn: the alias draw, the tally, the batch bookkeeping. */
  static final double PER_TOKEN = 8.5e-9;
  /** Per batch and (estimator, baseline): the batch's squared error and its moments. */
  static final double PER_BATCH_PAIR = 27e-9;
  /** Per distinct token of a batch and estimator, tables in L2; more beyond L2, more beyond L3. */
  static final double PER_DISTINCT_TOKEN = 1.4e-9;
  static final double PER_DISTINCT_TOKEN_BEYOND_L2 = 2.8e-9;
  static final double PER_DISTINCT_TOKEN_BEYOND_L3 = 6.7e-9;
  /** Per vocabulary entry and (estimator, baseline), per batch size: exact moments and metrics. */
  static final double FINISH_PER_ENTRY_PAIR = 12.9e-9;
  /** Cache sizes of the calibration machine (L3 taken at half: it is shared). */
  static final double L2_BYTES = 1 << 20;
  static final double L3_BYTES = 16 << 20;

  /**
   * Per token of a response and lane: its coefficient, its entry and its row's part of the batch
   * error (responses of several tokens; measured at 15 lanes on the benchmark model).
   */
  static final double PER_RESPONSE_TOKEN = 50e-9;
  static final double PER_RESPONSE_TOKEN_LANE = 30e-9;
  static final double PER_RESPONSE_TOKEN_PAIR = 10e-9;

  /**
   * Building one model and the per-token columns of its lanes: a model too large to keep is built
   * twice, once per pass over its positions.
   */
  public static double buildSeconds(int vocabulary, int rows, int horizon, int buildPasses, int estimators) {
    double builds = rows == 1 || (double) rows * vocabulary <= SequenceModel.CACHE_TOKEN_ROWS ? 1 : 2;
    return builds * BUILD_PER_ENTRY_PASS * vocabulary * (double) rows * (buildPasses + estimators);
  }

  /** Simulating {@code batches} batches of {@code batchSize} responses of {@code horizon} tokens. */
  public static double simulateSeconds(int vocabulary, int rows, int horizon, int batchSize, long batches, int estimators,
      int baselines) {
    if (horizon > 1) {
      double tokens = (double) batches * batchSize * horizon;
      return tokens * (PER_RESPONSE_TOKEN + estimators * (PER_RESPONSE_TOKEN_LANE + baselines * PER_RESPONSE_TOKEN_PAIR));
    }
    return simulateSeconds(vocabulary, rows, batchSize, batches, estimators, baselines);
  }

  /** Simulating {@code batches} batches of {@code batchSize} tokens of one triple. */
  static double simulateSeconds(int vocabulary, int rows, int batchSize, long batches, int estimators, int baselines) {
    double distinct = expectedDistinct(vocabulary, batchSize);
    double tableBytes = (double) vocabulary * rows * (estimators + 4) * Double.BYTES;
    double perDistinct = PER_DISTINCT_TOKEN
        + PER_DISTINCT_TOKEN_BEYOND_L2 * beyond(L2_BYTES, tableBytes)
        + PER_DISTINCT_TOKEN_BEYOND_L3 * beyond(L3_BYTES, tableBytes);
    return batches * (PER_TOKEN * batchSize + PER_BATCH_PAIR * estimators * baselines + perDistinct * distinct * estimators);
  }

  /** The exact moments and metrics of one (triple, batch size). */
  public static double finishSeconds(int vocabulary, int rows, int estimators, int baselines) {
    return FINISH_PER_ENTRY_PAIR * vocabulary * (double) rows * estimators * baselines;
  }

  /** Distinct tokens in B draws from V equally likely ones: V (1 − (1 − 1/V)^B). */
  static double expectedDistinct(int vocabulary, int batchSize) {
    return vocabulary * -Math.expm1(batchSize * Math.log1p(-1.0 / vocabulary));
  }

  /** The share of random reads that miss a cache of {@code cache} bytes, for tables of {@code bytes}. */
  private static double beyond(double cache, double bytes) {
    return bytes <= cache ? 0 : 1 - cache / bytes;
  }
}
