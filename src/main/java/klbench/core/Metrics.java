package klbench.core;

import java.io.Serializable;

/**
 * Everything measured about one (estimator, baseline, batch size) on one triple: the value and
 * gradient metrics of ESTIMATORS.md ("Metrics"), each exact ({@code …Exact}) where it exists and by
 * Monte Carlo ({@code …Mc}) with its standard error. Null means "does not exist" (no exact value
 * for {@code loo}, no cosine of a zero vector, no relative error when the truth is 0).
 *
 * <p>Field names are the result columns in camelCase.
 */
public final class Metrics implements Serializable {
  /** Which configuration of the evaluation these are: estimator, discount, baseline and batch size. */
  public final Estimator estimator;
  public final double discount;
  public final Baseline baseline;
  public final int batchSize;
  public final long batches;

  public Double valueMeanExact;
  public Double valueStdExact;
  public Double valueMeanMc;
  public Double valueMeanSe;
  public Double valueStdMc;
  public Double valueBias;
  public Double valueRelBias;
  public Double valueRelStd;

  public Double gradBiasNormExact;
  public Double gradCosExact;
  public Double gradCosFwdExact;
  public Double gradVarExact;
  public Double gradMseExact;
  public Double gradBiasNormMc;
  public Double gradCosMc;
  public Double gradCosFwdMc;
  public Double gradVarMc;
  public Double gradMseMc;
  public Double gradMseSe;
  public Double gradRelBias;
  public Double gradRelRmse;
  /** cos(E[ĝ_B], G_pos), the per-position gradient (SEQUENCES.md): exact and Monte Carlo. */
  public Double gradCosPosExact;
  public Double gradCosPosMc;
  /** cos(E[ĝ_B], G_pos_fwd), exact only: G_pos_fwd on row (t,c) is d_t(c) (p − q). */
  public Double gradCosPosFwdExact;

  public Double valueZ;
  public Double gradMseZ;
  public boolean consistent;

  /** Why this row has no numbers (an infeasible triple, an estimator that overflows), or null. */
  public String problem;

  /**
   * Null, or, on a row that is not consistent, why Monte Carlo cannot be expected to agree with
   * exact: more than {@link Consistency#TAIL_SHARE} of an exact variance comes from tokens
   * expected fewer than once in the run's samples (μ(x)·B·R &lt; 1), so a finite run almost never
   * sees what dominates it.
   */
  public String mcNote;

  public Metrics(Estimator estimator, double discount, Baseline baseline, int batchSize, long batches) {
    this.estimator = estimator;
    this.discount = discount;
    this.baseline = baseline;
    this.batchSize = batchSize;
    this.batches = batches;
  }

  /** The identity these metrics answer for; a configuration is paired with its metrics by it. */
  public Key key() {
    return new Key(estimator, discount, baseline, batchSize);
  }

  /** What identifies the metrics of one evaluation: estimator, discount, baseline, batch size. */
  public record Key(Estimator estimator, double discount, Baseline baseline, int batchSize) implements Serializable {}
}
