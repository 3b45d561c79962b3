package klbench.grid;

import java.io.Serializable;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.Metrics;
import klbench.core.Streams;
import klbench.distributions.TripleSpec;

/**
 * One row of results: an estimator with a discount and a baseline, at one batch size and batch
 * count, on one model of responses (a distribution triple, its horizon and contexts), under the
 * grid seed.
 *
 * @param discount γ of the reward rules (SEQUENCES.md); 1 for single tokens
 */
public record Configuration(
    TripleSpec triple, Estimator estimator, double discount, Baseline baseline, int batchSize, int batches, long seed)
    implements Serializable {

  /** A configuration without discount (γ = 1), as every single-token configuration is. */
  public Configuration(TripleSpec triple, Estimator estimator, Baseline baseline, int batchSize, int batches, long seed) {
    this(triple, estimator, 1.0, baseline, batchSize, batches, seed);
  }

  /**
   * Everything that defines the configuration, as text: the seed, the model ({@link
   * TripleSpec#key()}), the estimator by its name and its full definition (so a preset whose
   * definition changes gets new ids), the discount, the baseline, the batch size and count. The
   * discount is written only when it is not 1, so that configurations without one keep the ids they
   * had before discounts existed. The leading version changes if this text ever has to.
   */
  public String canonicalText() {
    return "klbench-config/1"
        + "|seed=" + seed
        + "|" + triple.key()
        + "|estimator=" + estimator.name()
        + "|value=" + estimator.value().id()
        + "|rule=" + estimator.rule().id()
        + "|clamp_log_ratio=" + estimator.clampLogRatio()
        + "|clamp_value=" + estimator.clampValue()
        + "|ratio_clip=" + estimator.ratioClip()
        + (discount == 1.0 ? "" : "|discount=" + discount)
        + "|baseline=" + baseline
        + "|batch_size=" + batchSize
        + "|batches=" + batches;
  }

  /** The config_id column: a stable hash of {@link #canonicalText()}. */
  public String configId() {
    return Streams.hex(canonicalText());
  }

  /** The identity of this configuration's metrics in its evaluation ({@link Metrics#key()}). */
  public Metrics.Key metricsKey() {
    return new Metrics.Key(estimator, discount, baseline, batchSize);
  }

  /** batch_size × batches, the samples column. */
  public long samples() {
    return (long) batchSize * batches;
  }
}
