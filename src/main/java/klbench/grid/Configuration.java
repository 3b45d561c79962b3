package klbench.grid;

import java.io.Serializable;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.Metrics;
import klbench.core.Streams;
import klbench.distributions.TripleSpec;

/**
 * One row of results: an estimator with a baseline, at one batch size and batch count, on one
 * distribution triple, under the grid seed.
 */
public record Configuration(
    TripleSpec triple, Estimator estimator, Baseline baseline, int batchSize, int batches, long seed)
    implements Serializable {

  /**
   * Everything that defines the configuration, as text: the seed, the triple, the estimator by its
   * name and its full definition (so a preset whose definition changes gets new ids), the
   * baseline, the batch size and count. The leading version changes if this text ever has to.
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
    return new Metrics.Key(estimator, baseline, batchSize);
  }

  /** batch_size × batches, the samples column. */
  public long samples() {
    return (long) batchSize * batches;
  }
}
