package klbench.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The partial statistics of a run of consecutive batches (a chunk) of one (triple, batch size), for
 * every estimator and baseline at once; mergeable, in the spirit of Commons Statistics' {@code
 * combine}. What it keeps is all the final metrics need, and nothing V-long per batch:
 *
 * <ul>
 *   <li>the token counts N_x over all batches, sparse (the distinct tokens, sorted): the value
 *       metrics and, for token-only coefficients, the mean batch gradient follow from them;
 *   <li>for {@code loo}, T_{e,x} = Σ_b s_{b,e} n_{b,x}, the batch-dependent part of the mean batch
 *       gradient (s_b is the leave-one-out shift of batch b);
 *   <li>per (estimator, baseline), the running mean and sum of squared deviations (Welford/Chan)
 *       of d_b = ‖ĝ_b − G‖², the squared error of each batch gradient.
 * </ul>
 *
 * <p>{@link #merge} is deterministic: merging chunk partials in chunk order gives the same bits
 * whoever computed the chunks. It is not associative in floating point, so it only appends the
 * next chunks ({@code later} must start where this one ends), and {@link #foldInChunkOrder} is the
 * one left fold every caller uses.
 */
public final class PartialStats implements Serializable {
  private static final long serialVersionUID = 1L;

  final int batchSize;
  /** The chunks summarised: [firstChunk, endChunk). */
  final int firstChunk;
  final int endChunk;
  final int estimators;
  final int baselines;
  /** Number of batches summarised. */
  final long batches;
  /** Distinct tokens seen, ascending. */
  final int[] tokens;
  /** N_x for each entry of {@link #tokens}. */
  final long[] counts;
  /** T_{e,x} at [t * estimators + e] for token tokens[t]; null when no baseline is loo. */
  final double[] looShift;
  /** Mean of d_b per [e * baselines + j]. */
  final double[] errMean;
  /** Σ (d_b − mean)² per [e * baselines + j]. */
  final double[] errM2;

  PartialStats(int batchSize, int chunk, int estimators, int baselines, long batches, int[] tokens, long[] counts,
      double[] looShift, double[] errMean, double[] errM2) {
    this(batchSize, chunk, chunk + 1, estimators, baselines, batches, tokens, counts, looShift, errMean, errM2);
  }

  private PartialStats(int batchSize, int firstChunk, int endChunk, int estimators, int baselines, long batches,
      int[] tokens, long[] counts, double[] looShift, double[] errMean, double[] errM2) {
    this.batchSize = batchSize;
    this.firstChunk = firstChunk;
    this.endChunk = endChunk;
    this.estimators = estimators;
    this.baselines = baselines;
    this.batches = batches;
    this.tokens = tokens;
    this.counts = counts;
    this.looShift = looShift;
    this.errMean = errMean;
    this.errM2 = errM2;
  }

  /** Statistics of batches that drew no tokens: those of an infeasible triple, or no batches at all. */
  static PartialStats withoutTokens(int batchSize, int chunk, int estimators, int baselines, long batches, boolean loo) {
    return new PartialStats(batchSize, chunk, estimators, baselines, batches, new int[0], new long[0],
        loo ? new double[0] : null, new double[estimators * baselines], new double[estimators * baselines]);
  }

  /**
   * The accept side of the accumulator: one chunk's batches, in order. Each batch brings its
   * squared errors d_b per (estimator, baseline), folded into the running mean and sum of squared
   * deviations by Welford's update, and, with loo, its shifts and distinct tokens; {@link #result}
   * then takes the chunk's token counts. {@link #merge} is the combine side.
   */
  static final class Accumulator {
    private final int batchSize;
    private final int chunk;
    private final int estimators;
    private final int baselines;
    private final LooLog looLog;
    private final double[] errMean;
    private final double[] errM2;
    private long batches;

    /** @param looLog the chunk's log of loo shifts, or null when no baseline is loo */
    Accumulator(int batchSize, int chunk, int estimators, int baselines, LooLog looLog) {
      this.batchSize = batchSize;
      this.chunk = chunk;
      this.estimators = estimators;
      this.baselines = baselines;
      this.looLog = looLog;
      this.errMean = new double[estimators * baselines];
      this.errM2 = new double[estimators * baselines];
    }

    /**
     * The next batch: its d_b per [e * baselines + j], and for loo its shift per estimator and
     * its n distinct tokens with their counts.
     */
    void accept(double[] batchErrors, double[] looShift, int[] tokens, double[] counts, int n) {
      long seen = ++batches;
      for (int idx = 0; idx < errMean.length; idx++) {
        double err = batchErrors[idx];
        double delta = err - errMean[idx];
        errMean[idx] += delta / seen;
        errM2[idx] += delta * (err - errMean[idx]);
      }
      if (looLog != null) looLog.addBatch(looShift, tokens, counts, n);
    }

    /**
     * The chunk's statistics, given its distinct tokens (ascending) and their counts over every
     * batch, from a vocabulary of {@code vocab} tokens.
     */
    PartialStats result(int[] tokens, long[] counts, int vocab) {
      double[] loo = looLog == null ? null : looLog.rows(tokens, vocab);
      return new PartialStats(batchSize, chunk, estimators, baselines, batches, tokens, counts, loo, errMean, errM2);
    }
  }

  public long batches() { return batches; }

  public int batchSize() { return batchSize; }

  /** The first chunk summarised. */
  public int firstChunk() { return firstChunk; }

  /** One past the last chunk summarised. */
  public int endChunk() { return endChunk; }

  /** Number of distinct tokens held (the size on the wire grows with it). */
  public int distinctTokens() { return tokens.length; }

  /**
   * The left fold of a configuration's chunk partials in chunk order, whatever order they arrive in
   * and whoever computed them: the same bits wherever the chunks ran.
   *
   * @param chunkCount the chunks the configuration has; every one must be present exactly once
   * @throws IllegalStateException when a chunk is missing or repeated
   */
  public static PartialStats foldInChunkOrder(Collection<PartialStats> parts, int chunkCount) {
    List<PartialStats> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(PartialStats::firstChunk));
    PartialStats all = null;
    for (PartialStats next : sorted) {
      if ((all == null ? 0 : all.endChunk) != next.firstChunk) {
        throw new IllegalStateException("chunk " + (all == null ? 0 : all.endChunk) + " is missing or repeated");
      }
      all = all == null ? next : all.merge(next);
    }
    if (all == null || all.endChunk != chunkCount) {
      throw new IllegalStateException("chunks [0, " + (all == null ? 0 : all.endChunk) + ") of " + chunkCount);
    }
    return all;
  }

  /**
   * These chunks followed by {@code later}, the chunks right after them: counts and loo shifts
   * add, the error moments combine by Chan et al.'s parallel formula.
   */
  public PartialStats merge(PartialStats later) {
    if (later.batchSize != batchSize || later.estimators != estimators || later.baselines != baselines
        || (later.looShift == null) != (looShift == null)) {
      throw new IllegalArgumentException("cannot merge partial statistics of different configurations");
    }
    if (later.firstChunk != endChunk) {
      throw new IllegalArgumentException("chunks [" + later.firstChunk + ", " + later.endChunk
          + ") do not follow chunks [" + firstChunk + ", " + endChunk + "): partials fold left in chunk order");
    }
    int e = estimators;
    int n = 0;
    int[] tok = new int[tokens.length + later.tokens.length];
    long[] cnt = new long[tok.length];
    double[] loo = looShift == null ? null : new double[tok.length * e];
    int i = 0;
    int k = 0;
    while (i < tokens.length || k < later.tokens.length) {
      int x;
      if (k >= later.tokens.length || (i < tokens.length && tokens[i] < later.tokens[k])) {
        x = tokens[i];
        cnt[n] = counts[i];
        if (loo != null) System.arraycopy(looShift, i * e, loo, n * e, e);
        i++;
      } else if (i >= tokens.length || later.tokens[k] < tokens[i]) {
        x = later.tokens[k];
        cnt[n] = later.counts[k];
        if (loo != null) System.arraycopy(later.looShift, k * e, loo, n * e, e);
        k++;
      } else {
        x = tokens[i];
        cnt[n] = counts[i] + later.counts[k];
        if (loo != null) {
          for (int j = 0; j < e; j++) loo[n * e + j] = looShift[i * e + j] + later.looShift[k * e + j];
        }
        i++;
        k++;
      }
      tok[n++] = x;
    }
    double[] mean = new double[errMean.length];
    double[] m2 = new double[errM2.length];
    long na = batches;
    long nb = later.batches;
    long total = na + nb;
    for (int j = 0; j < mean.length; j++) {
      if (nb == 0) {
        mean[j] = errMean[j];
        m2[j] = errM2[j];
      } else if (na == 0) {
        mean[j] = later.errMean[j];
        m2[j] = later.errM2[j];
      } else {
        double delta = later.errMean[j] - errMean[j];
        mean[j] = errMean[j] + delta * ((double) nb / total);
        m2[j] = errM2[j] + later.errM2[j] + delta * delta * ((double) na * nb / total);
      }
    }
    return new PartialStats(batchSize, firstChunk, later.endChunk, estimators, baselines, total,
        Arrays.copyOf(tok, n), Arrays.copyOf(cnt, n), loo == null ? null : Arrays.copyOf(loo, n * e), mean, m2);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PartialStats p)) return false;
    return batchSize == p.batchSize && firstChunk == p.firstChunk && endChunk == p.endChunk && estimators == p.estimators && baselines == p.baselines
        && batches == p.batches && Arrays.equals(tokens, p.tokens) && Arrays.equals(counts, p.counts)
        && Arrays.equals(looShift, p.looShift) && Arrays.equals(errMean, p.errMean)
        && Arrays.equals(errM2, p.errM2);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(errMean) * 31 + Arrays.hashCode(counts);
  }
}
