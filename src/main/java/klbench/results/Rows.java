package klbench.results;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import klbench.core.Estimator;
import klbench.core.Metrics;
import klbench.core.Truth;
import klbench.distributions.TripleSpec;
import klbench.grid.Configuration;

/**
 * Result rows from a configuration, its triple's truth and its metrics: the one place that maps
 * them onto the {@link Column}s, so that {@code eval} prints exactly what {@code run} writes.
 *
 * <p>A number that is not finite is written as null: NaN never reaches a result, and an infinite
 * truth (KL(p‖q) = ∞ of an infeasible reference) is explained by {@code infeasible_reason}.
 */
public final class Rows {
  private Rows() {}

  /**
   * The rows of configurations evaluated together (on one model, at one or more batch sizes), each
   * paired with its metrics by identity ({@link Metrics#key()}), never by position. The group's wall time is
   * split evenly over its configurations, each computed or not; a row's samples per second are
   * its samples over its share.
   *
   * @param keep which configurations get a row (all but those already in the results, for --resume)
   * @throws IllegalArgumentException when a configuration has no metrics or the counts differ
   */
  public static List<ResultRow> ofGroup(String runId, String runName, List<Configuration> configs, Truth truth,
      List<Metrics> metrics, double groupMs, Predicate<Configuration> keep) {
    if (metrics.size() != configs.size()) {
      throw new IllegalArgumentException(metrics.size() + " metrics for " + configs.size() + " configurations");
    }
    Map<Metrics.Key, Metrics> byKey = new HashMap<>();
    for (Metrics m : metrics) byKey.put(m.key(), m);
    double rowMs = groupMs / configs.size();
    List<ResultRow> rows = new ArrayList<>();
    for (Configuration c : configs) {
      if (!keep.test(c)) continue;
      Metrics m = byKey.get(c.metricsKey());
      if (m == null) throw new IllegalArgumentException("no metrics for configuration " + c.canonicalText());
      rows.add(of(runId, runName, c, truth, m, rowMs, c.samples() / (rowMs / 1000.0)));
    }
    return rows;
  }

  /**
   * @param truth the truth of the configuration's model, or null when it could not be computed
   * @param m the metrics of this configuration (its estimator, discount, baseline and batch size
   *     must match)
   * @param elapsedMs wall time attributed to this configuration
   * @param samplesPerSecond simulated tokens per second of wall time
   */
  public static ResultRow of(String runId, String runName, Configuration c, Truth truth, Metrics m,
      double elapsedMs, double samplesPerSecond) {
    if (!m.key().equals(c.metricsKey())) {
      throw new IllegalArgumentException("metrics of " + m.key() + " do not belong to configuration " + c.metricsKey());
    }
    ResultRow r = new ResultRow();
    TripleSpec t = c.triple();
    Estimator e = c.estimator();
    r.set(Column.RUN_ID, runId)
        .set(Column.RUN_NAME, runName)
        .set(Column.CONFIG_ID, c.configId())
        .set(Column.SEED, c.seed())
        .set(Column.VOCAB_SIZE, t.vocabSize())
        .set(Column.POLICY, t.policy().canonical())
        .set(Column.REFERENCE, t.reference().canonical())
        .set(Column.BEHAVIOUR, t.behaviour().canonical())
        .set(Column.ESTIMATOR, e.name())
        .set(Column.VALUE_FN, e.value().id())
        .set(Column.RULE, e.rule().id())
        .set(Column.CLAMP_LOG_RATIO, finite(e.clampLogRatio()))
        .set(Column.CLAMP_VALUE, finite(e.clampValue()))
        .set(Column.RATIO_CLIP, finite(e.ratioClip()))
        .set(Column.BASELINE, c.baseline().toString())
        .set(Column.BATCH_SIZE, c.batchSize())
        .set(Column.BATCHES, c.batches())
        .set(Column.SAMPLES, c.samples())
        .set(Column.HORIZON, t.horizon())
        .set(Column.CONTEXTS, t.contexts().id())
        .set(Column.DISCOUNT, c.discount());
    if (truth != null) {
      r.set(Column.KL, finite(truth.kl()))
          .set(Column.KL_FWD, finite(truth.klFwd()))
          .set(Column.KL_BEHAVIOUR, finite(truth.klBehaviour()))
          .set(Column.ENTROPY, finite(truth.entropy()))
          .set(Column.GRAD_NORM, finite(truth.gradNorm()))
          .set(Column.GRAD_FWD_NORM, finite(truth.gradFwdNorm()))
          .set(Column.GRAD_FUTURE_SHARE, finite(truth.gradFutureShare()));
    }
    r.set(Column.VALUE_MEAN_EXACT, finite(m.valueMeanExact))
        .set(Column.VALUE_STD_EXACT, finite(m.valueStdExact))
        .set(Column.VALUE_MEAN_MC, finite(m.valueMeanMc))
        .set(Column.VALUE_MEAN_SE, finite(m.valueMeanSe))
        .set(Column.VALUE_STD_MC, finite(m.valueStdMc))
        .set(Column.VALUE_BIAS, finite(m.valueBias))
        .set(Column.VALUE_REL_BIAS, finite(m.valueRelBias))
        .set(Column.VALUE_REL_STD, finite(m.valueRelStd))
        .set(Column.GRAD_BIAS_NORM_EXACT, finite(m.gradBiasNormExact))
        .set(Column.GRAD_COS_EXACT, finite(m.gradCosExact))
        .set(Column.GRAD_COS_FWD_EXACT, finite(m.gradCosFwdExact))
        .set(Column.GRAD_VAR_EXACT, finite(m.gradVarExact))
        .set(Column.GRAD_MSE_EXACT, finite(m.gradMseExact))
        .set(Column.GRAD_BIAS_NORM_MC, finite(m.gradBiasNormMc))
        .set(Column.GRAD_COS_MC, finite(m.gradCosMc))
        .set(Column.GRAD_COS_FWD_MC, finite(m.gradCosFwdMc))
        .set(Column.GRAD_VAR_MC, finite(m.gradVarMc))
        .set(Column.GRAD_MSE_MC, finite(m.gradMseMc))
        .set(Column.GRAD_MSE_SE, finite(m.gradMseSe))
        .set(Column.GRAD_REL_BIAS, finite(m.gradRelBias))
        .set(Column.GRAD_REL_RMSE, finite(m.gradRelRmse))
        .set(Column.GRAD_COS_POS_EXACT, finite(m.gradCosPosExact))
        .set(Column.GRAD_COS_POS_MC, finite(m.gradCosPosMc))
        .set(Column.GRAD_COS_POS_FWD_EXACT, finite(m.gradCosPosFwdExact))
        .set(Column.VALUE_Z, finite(m.valueZ))
        .set(Column.GRAD_MSE_Z, finite(m.gradMseZ))
        // A row without numbers is neither consistent nor inconsistent.
        .set(Column.CONSISTENT, m.problem == null ? Boolean.valueOf(m.consistent) : null)
        .set(Column.ELAPSED_MS, finite(elapsedMs))
        .set(Column.SAMPLES_PER_SECOND, finite(samplesPerSecond))
        .set(Column.INFEASIBLE_REASON, m.problem)
        .set(Column.MC_NOTE, m.mcNote);
    return r;
  }

  private static Double finite(Double v) {
    return v != null && Double.isFinite(v) ? v : null;
  }
}
