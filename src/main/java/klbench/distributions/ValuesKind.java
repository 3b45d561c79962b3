package klbench.distributions;

import java.util.Locale;
import klbench.core.LogSpace;

/**
 * What a column of numbers holds: logits (any finite reals), log-probabilities, or probabilities
 * (non-negative, not all zero, normalised here). Each kind is turned into normalised
 * log-probabilities in log space: a probability of 0 becomes −∞, which is how a file or a {@code
 * probs} list makes a reference or behaviour that misses tokens (an infeasible triple).
 */
public enum ValuesKind {
  LOGITS, LOGPROBS, PROBS;

  public String id() { return name().toLowerCase(Locale.ROOT); }

  /** The kind named {@code id} (logits, logprobs, probs), or null. */
  public static ValuesKind byId(String id) {
    for (ValuesKind k : values()) if (k.id().equals(id)) return k;
    return null;
  }

  /** Why {@code values} cannot be of this kind, or null when they can. */
  public String problem(double[] values) {
    boolean anyPositive = false;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (Double.isNaN(v)) return "token " + i + " is NaN";
      if (Double.isInfinite(v)) return "token " + i + " is infinite (" + v + ")";
      if (this == PROBS && v < 0) return "token " + i + " is a negative probability (" + v + ")";
      if (v > 0) anyPositive = true;
    }
    if (this == PROBS && !anyPositive) return "all probabilities are 0";
    return null;
  }

  /** Normalised log-probabilities, a new array; {@code values} must pass {@link #problem}. */
  public double[] toLogProbs(double[] values) {
    if (this != PROBS) return LogSpace.logSoftmax(values);
    double[] logs = new double[values.length];
    for (int i = 0; i < values.length; i++) logs[i] = Math.log(values[i]);
    return LogSpace.logSoftmax(logs);
  }

  /**
   * {@link #toLogProbs(double[])} of values that must number {@code v} and be of this kind;
   * {@code owner} names them in the error.
   */
  double[] toLogProbs(double[] values, int v, String owner) {
    if (values.length != v) {
      throw new IllegalArgumentException(owner + " has " + values.length + " tokens, not V=" + v);
    }
    String problem = problem(values);
    if (problem != null) throw new IllegalArgumentException(owner + ": " + problem);
    return toLogProbs(values);
  }
}
