package klbench.oracle;

import java.util.SplittableRandom;

/**
 * A small sequence model of SEQUENCES.md as plain arrays: the input of {@link SequenceOracle}, and
 * (through {@link #onPolicy} and {@link #offPolicy}) the random models that oracle and engine tests
 * share.
 *
 * <p>Indexing is {@code [t − 1][c][y]}: position {@code t = 1 … T}, context {@code c = 0 … H_t − 1}
 * with {@code H_t = min(N, V^{t−1})} ({@code V^{t−1}} for {@link #TREE}), token {@code y}. The
 * context chain is {@code c_1 = 0}, {@code c_{t+1} = (c_t·V + y_t) mod N} (tree: {@code c_t·V +
 * y_t}, the prefix read as a base-V number). Each row is a vector of logits: the oracle
 * log-normalises every row on use, so rows need not be normalised (a test may add {@code h} to one
 * logit and hand the model back, as the finite-difference tests do). {@code logMu == null} means
 * on-policy, {@code μ = p}.
 *
 * <p>The arrays are not copied: a caller that changes them after construction changes the model.
 *
 * @param vocab V ≥ 1
 * @param horizon T ≥ 1
 * @param contexts N ≥ 1, or {@link #TREE} (every prefix its own context)
 * @param logP the policy's logits (the parameters of every gradient)
 * @param logQ the reference's logits
 * @param logMu the behaviour's logits, or null for on-policy
 */
public record Model(int vocab, int horizon, int contexts, double[][][] logP, double[][][] logQ, double[][][] logMu) {
  /** The {@code contexts} value of {@code contexts: tree}: N = ∞. */
  public static final int TREE = 0;

  public Model {
    if (vocab < 1) throw new IllegalArgumentException("vocab must be >= 1, got " + vocab);
    if (horizon < 1) throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
    if (contexts < 0) throw new IllegalArgumentException("contexts must be >= 1 or TREE (0), got " + contexts);
    checkShape("logP", logP, vocab, horizon, contexts);
    checkShape("logQ", logQ, vocab, horizon, contexts);
    if (logMu != null) checkShape("logMu", logMu, vocab, horizon, contexts);
  }

  /** Whether the behaviour differs from the policy (an explicit {@code logMu} was given). */
  public boolean offPolicy() { return logMu != null; }

  /** {@code H_t}, the number of contexts at position {@code t} (1-based). */
  public int contextsAt(int t) { return contextsAt(vocab, contexts, t); }

  /** {@code next(c, y)}: the context of the position after one in context {@code c} that drew {@code y}. */
  public int next(int c, int y) {
    long n = (long) c * vocab + y;
    return contexts == TREE ? Math.toIntExact(n) : (int) (n % contexts);
  }

  /** "tree" or the number N, as the {@code contexts} result column writes it. */
  public String contextsLabel() { return contexts == TREE ? "tree" : Integer.toString(contexts); }

  /** The same model on-policy: the behaviour dropped, {@code μ = p}. */
  public Model withoutBehaviour() { return new Model(vocab, horizon, contexts, logP, logQ, null); }

  /** A deep copy, for tests that perturb logits. */
  public Model copy() { return new Model(vocab, horizon, contexts, deepCopy(logP), deepCopy(logQ), deepCopy(logMu)); }

  /**
   * A random on-policy model: row {@code (t, c)} draws logits {@code θ ~ N(0, σ²)} per entry,
   * {@code q = softmax(θ + δ_row·ε)} with {@code ε ~ N(0, 1)} per entry and {@code δ_row = δ·exp(s·z −
   * s²/2)}, {@code z ~ N(0, 1)} per row ({@code s} the spread; 0 makes every row's δ equal). Rows are
   * drawn in order (t, c) from one {@link SplittableRandom}; the behaviour's draws are made and
   * dropped, so that {@code onPolicy(…, seed)} has the very p and q of {@code offPolicy(…, seed)}.
   */
  public static Model onPolicy(int vocab, int horizon, int contexts, double sigma, double delta, double spread,
      long seed) {
    return random(vocab, horizon, contexts, sigma, delta, 0.0, spread, seed).withoutBehaviour();
  }

  /**
   * A random off-policy model: as {@link #onPolicy}, and {@code μ = softmax(θ + δ_μ,row·ε′)} with its own
   * {@code ε′} and row factor {@code exp(s·z′ − s²/2)}.
   */
  public static Model offPolicy(int vocab, int horizon, int contexts, double sigma, double delta,
      double behaviourDelta, double spread, long seed) {
    return random(vocab, horizon, contexts, sigma, delta, behaviourDelta, spread, seed);
  }

  private static Model random(int vocab, int horizon, int contexts, double sigma, double delta,
      double behaviourDelta, double spread, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][][] p = new double[horizon][][];
    double[][][] q = new double[horizon][][];
    double[][][] mu = new double[horizon][][];
    for (int t = 1; t <= horizon; t++) {
      int h = contextsAt(vocab, contexts, t);
      p[t - 1] = new double[h][];
      q[t - 1] = new double[h][];
      mu[t - 1] = new double[h][];
      for (int c = 0; c < h; c++) {
        double[] theta = gaussians(rng, vocab, sigma);
        double qScale = delta * rowFactor(rng, spread);
        double[] eps = gaussians(rng, vocab, 1.0);
        double muScale = behaviourDelta * rowFactor(rng, spread);
        double[] epsMu = gaussians(rng, vocab, 1.0);
        p[t - 1][c] = LogRows.logSoftmax(theta);
        q[t - 1][c] = LogRows.logSoftmax(shifted(theta, qScale, eps));
        mu[t - 1][c] = LogRows.logSoftmax(shifted(theta, muScale, epsMu));
      }
    }
    return new Model(vocab, horizon, contexts, p, q, mu);
  }

  private static double rowFactor(SplittableRandom rng, double spread) {
    return Math.exp(spread * rng.nextGaussian() - spread * spread / 2);
  }

  private static double[] gaussians(SplittableRandom rng, int n, double scale) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = scale * rng.nextGaussian();
    return out;
  }

  private static double[] shifted(double[] theta, double scale, double[] eps) {
    double[] out = new double[theta.length];
    for (int i = 0; i < out.length; i++) out[i] = theta[i] + scale * eps[i];
    return out;
  }

  private static int contextsAt(int vocab, int contexts, int t) {
    long power = 1;
    for (int k = 1; k < t; k++) {
      power *= vocab;
      if (power > Integer.MAX_VALUE) throw new IllegalArgumentException("V^(t-1) overflows an int at t = " + t);
    }
    return contexts == TREE ? (int) power : (int) Math.min(contexts, power);
  }

  private static void checkShape(String name, double[][][] a, int vocab, int horizon, int contexts) {
    if (a == null) throw new IllegalArgumentException(name + " is null");
    if (a.length != horizon) {
      throw new IllegalArgumentException(name + " has " + a.length + " positions, horizon is " + horizon);
    }
    for (int t = 1; t <= horizon; t++) {
      int h = contextsAt(vocab, contexts, t);
      if (a[t - 1] == null || a[t - 1].length != h) {
        throw new IllegalArgumentException(name + " position " + t + " needs " + h + " contexts");
      }
      for (int c = 0; c < h; c++) {
        double[] row = a[t - 1][c];
        if (row == null || row.length != vocab) {
          throw new IllegalArgumentException(name + " row (" + t + ", " + c + ") needs " + vocab + " logits");
        }
        for (double x : row) {
          if (!Double.isFinite(x)) throw new IllegalArgumentException(name + " row (" + t + ", " + c + ") has " + x);
        }
      }
    }
  }

  private static double[][][] deepCopy(double[][][] a) {
    if (a == null) return null;
    double[][][] out = new double[a.length][][];
    for (int t = 0; t < a.length; t++) {
      out[t] = new double[a[t].length][];
      for (int c = 0; c < a[t].length; c++) out[t][c] = a[t][c].clone();
    }
    return out;
  }
}
