package klbench.oracle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every response of a model, enumerated: the {@code V^T} sequences in {0..V−1}^T, each with its
 * contexts and its probabilities under P, Q and M, from the log-normalised rows of the model. Also
 * the layout of the parameter vector: rows flattened in order (t, c), V entries each.
 *
 * <p>Cost: O(V^T · T) time and memory. {@link #MAX_RESPONSES} bounds V^T, which bounds the ordered
 * pairs of a batch of 2 at 4096.
 */
public final class ResponseSpace {
  /** The most responses enumerated: 64, so that a batch of 2 has at most 4096 ordered pairs. */
  public static final int MAX_RESPONSES = 64;

  private final Model model;
  private final int[] rowStart;
  private final int dimension;
  private final double[][][] logp;
  private final double[][][] logq;
  private final double[][][] logmu;
  private final double[][][] pRows;
  private final List<Response> responses;

  /** Enumerates every response of {@code model}; refuses a model with more than {@link #MAX_RESPONSES}. */
  public ResponseSpace(Model model) {
    this.model = model;
    int v = model.vocab();
    int horizon = model.horizon();
    long count = 1;
    for (int t = 0; t < horizon; t++) {
      count *= v;
      if (count > MAX_RESPONSES) {
        throw new IllegalArgumentException("V^T = " + v + "^" + horizon + " exceeds " + MAX_RESPONSES + " responses");
      }
    }
    rowStart = new int[horizon + 1];
    for (int t = 1; t <= horizon; t++) rowStart[t] = rowStart[t - 1] + model.contextsAt(t);
    dimension = rowStart[horizon] * v;
    logp = normalised(model.logP());
    logq = normalised(model.logQ());
    logmu = model.offPolicy() ? normalised(model.logMu()) : logp;
    pRows = new double[horizon][][];
    for (int t = 0; t < horizon; t++) {
      pRows[t] = new double[logp[t].length][];
      for (int c = 0; c < logp[t].length; c++) pRows[t][c] = exp(logp[t][c]);
    }
    List<Response> all = new ArrayList<>();
    for (int index = 0; index < count; index++) all.add(response(index, (int) count));
    responses = Collections.unmodifiableList(all);
  }

  public Model model() { return model; }

  /** All responses, in order of {@link Response#index}. */
  public List<Response> responses() { return responses; }

  /** The length of a parameter (gradient) vector: V · Σ_t H_t. */
  public int dimension() { return dimension; }

  /** The offset in a parameter vector of row (t, c), position {@code t} 1-based; its V entries follow. */
  public int rowOffset(int t, int c) { return (rowStart[t - 1] + c) * model.vocab(); }

  /** log p_{t,c}, normalised (do not modify). Likewise {@link #logQ}, {@link #logMu}. */
  public double[] logP(int t, int c) { return logp[t - 1][c]; }

  public double[] logQ(int t, int c) { return logq[t - 1][c]; }

  public double[] logMu(int t, int c) { return logmu[t - 1][c]; }

  /** p_{t,c} as probabilities. */
  public double[] p(int t, int c) { return pRows[t - 1][c].clone(); }

  /** q_{t,c} as probabilities. */
  public double[] q(int t, int c) { return exp(logq[t - 1][c]); }

  /** μ_{t,c} as probabilities. */
  public double[] mu(int t, int c) { return exp(logmu[t - 1][c]); }

  /**
   * The full score of a response, {@code S(y) = ∇ log P(y) = Σ_t s_t}, {@code s_t = e_{y_t} −
   * p_{t,c_t}} on row (t, c_t): the one place the oracle writes a score.
   */
  public double[] score(Response y) {
    double[] out = new double[dimension];
    for (int t = 1; t <= model.horizon(); t++) addScore(out, y, t, 1.0);
    return out;
  }

  /** Adds {@code coefficient · s_t(y)} to {@code out}. */
  public void addScore(double[] out, Response y, int t, double coefficient) {
    int c = y.contexts()[t - 1];
    int off = rowOffset(t, c);
    double[] p = pRows[t - 1][c];
    for (int j = 0; j < p.length; j++) out[off + j] -= coefficient * p[j];
    out[off + y.tokens()[t - 1]] += coefficient;
  }

  private Response response(int index, int count) {
    int v = model.vocab();
    int horizon = model.horizon();
    int[] tokens = new int[horizon];
    int rest = index;
    int place = count;
    for (int t = 0; t < horizon; t++) {
      place /= v;
      tokens[t] = rest / place;
      rest %= place;
    }
    int[] contexts = new int[horizon];
    double[] logRatio = new double[horizon];
    double[] importance = new double[horizon];
    double lp = 0;
    double lq = 0;
    double lm = 0;
    int c = 0;
    for (int t = 0; t < horizon; t++) {
      contexts[t] = c;
      int y = tokens[t];
      lp += logp[t][c][y];
      lq += logq[t][c][y];
      lm += logmu[t][c][y];
      logRatio[t] = logp[t][c][y] - logq[t][c][y];
      importance[t] = Math.exp(logp[t][c][y] - logmu[t][c][y]);
      c = model.next(c, y);
    }
    return new Response(index, tokens, contexts, logRatio, importance, lp, lq, lm, Math.exp(lp), Math.exp(lq),
        Math.exp(lm));
  }

  private static double[][][] normalised(double[][][] logits) {
    double[][][] out = new double[logits.length][][];
    for (int t = 0; t < logits.length; t++) {
      out[t] = new double[logits[t].length][];
      for (int c = 0; c < logits[t].length; c++) out[t][c] = LogRows.logSoftmax(logits[t][c]);
    }
    return out;
  }

  private static double[] exp(double[] logs) {
    double[] out = new double[logs.length];
    for (int i = 0; i < logs.length; i++) out[i] = Math.exp(logs[i]);
    return out;
  }
}
