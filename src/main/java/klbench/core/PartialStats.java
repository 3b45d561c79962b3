package klbench.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The partial statistics of a run of consecutive chunks of one (model, batch size), for every lane
 * and baseline at once; mergeable, in the spirit of Commons Statistics' {@code combine}. What it
 * keeps is all the final metrics need, and nothing V-long per batch:
 *
 * <ul>
 *   <li>per (lane, baseline), the running mean and sum of squared deviations (Welford/Chan) of
 *       d_b = ‖ĝ_b − G‖², the squared error of each batch gradient;
 *   <li>per position, what was drawn there ({@link PositionStats}): the mean batch gradient and the
 *       value's mean follow from it;
 *   <li>for responses of several tokens, each response's value Σ_t f_t per value key, in draw order
 *       (its variance needs them; one token's follows from the counts).
 * </ul>
 *
 * <p>{@link #merge} is deterministic: merging chunk partials in chunk order gives the same bits
 * whoever computed the chunks. It is not associative in floating point, so it only appends the
 * next chunks ({@code later} must start where this one ends), and {@link #foldInChunkOrder} is the
 * one left fold every caller uses.
 */
public final class PartialStats implements java.io.Serializable {
  private static final long serialVersionUID = 2L;

  final int batchSize;
  /** The chunks summarised: [firstChunk, endChunk). */
  final int firstChunk;
  final int endChunk;
  final int lanes;
  final int baselines;
  /** Number of batches summarised. */
  final long batches;
  /** Mean of d_b per [lane * baselines + j]. */
  final double[] errMean;
  /** Σ (d_b − mean)² per [lane * baselines + j]. */
  final double[] errM2;
  /** Per position (index t − 1): what was drawn there; null once the caller has taken it. */
  final PositionStats[] positions;
  /** Per value key: each response's value, or null for one-token responses. */
  final double[][] values;

  PartialStats(int batchSize, int firstChunk, int endChunk, int lanes, int baselines, long batches, double[] errMean,
      double[] errM2, PositionStats[] positions, double[][] values) {
    this.batchSize = batchSize;
    this.firstChunk = firstChunk;
    this.endChunk = endChunk;
    this.lanes = lanes;
    this.baselines = baselines;
    this.batches = batches;
    this.errMean = errMean;
    this.errM2 = errM2;
    this.positions = positions;
    this.values = values;
  }

  public long batches() { return batches; }

  public int batchSize() { return batchSize; }

  /** The first chunk summarised. */
  public int firstChunk() { return firstChunk; }

  /** One past the last chunk summarised. */
  public int endChunk() { return endChunk; }

  /** Number of distinct (context, token) entries held over all positions (the size grows with it). */
  public int distinctTokens() {
    int n = 0;
    for (PositionStats p : positions) if (p != null) n += p.size();
    return n;
  }

  /**
   * The accept side of the accumulator: one chunk's batches, in order, each bringing its squared
   * errors d_b per (lane, baseline), folded into the running mean and sum of squared deviations by
   * Welford's update. {@link #merge} is the combine side.
   */
  static final class Accumulator {
    private final double[] errMean;
    private final double[] errM2;
    private long batches;

    Accumulator(int lanes, int baselines) {
      this.errMean = new double[lanes * baselines];
      this.errM2 = new double[lanes * baselines];
    }

    /** The next batch's d_b per [lane * baselines + j]. */
    void accept(double[] batchErrors) {
      long seen = ++batches;
      for (int idx = 0; idx < errMean.length; idx++) {
        double err = batchErrors[idx];
        double delta = err - errMean[idx];
        errMean[idx] += delta / seen;
        errM2[idx] += delta * (err - errMean[idx]);
      }
    }

    long batches() { return batches; }

    double[] mean() { return errMean; }

    double[] m2() { return errM2; }
  }

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
   * These chunks followed by {@code later}, the chunks right after them: the error moments combine
   * by Chan et al.'s parallel formula, each position's entries merge, response values append.
   */
  public PartialStats merge(PartialStats later) {
    if (later.batchSize != batchSize || later.lanes != lanes || later.baselines != baselines
        || later.positions.length != positions.length || (later.values == null) != (values == null)) {
      throw new IllegalArgumentException("cannot merge partial statistics of different configurations");
    }
    if (later.firstChunk != endChunk) {
      throw new IllegalArgumentException("chunks [" + later.firstChunk + ", " + later.endChunk
          + ") do not follow chunks [" + firstChunk + ", " + endChunk + "): partials fold left in chunk order");
    }
    PositionStats[] pos = new PositionStats[positions.length];
    for (int t = 0; t < pos.length; t++) {
      if (positions[t] != null && later.positions[t] != null) pos[t] = positions[t].merge(later.positions[t]);
      else if (positions[t] != null || later.positions[t] != null) throw new IllegalStateException("position " + (t + 1) + " was taken from one side only");
    }
    double[][] vals = null;
    if (values != null) {
      vals = new double[values.length][];
      for (int k = 0; k < values.length; k++) {
        vals[k] = Arrays.copyOf(values[k], values[k].length + later.values[k].length);
        System.arraycopy(later.values[k], 0, vals[k], values[k].length, later.values[k].length);
      }
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
    return new PartialStats(batchSize, firstChunk, later.endChunk, lanes, baselines, total, mean, m2, pos, vals);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PartialStats p)) return false;
    return batchSize == p.batchSize && firstChunk == p.firstChunk && endChunk == p.endChunk && lanes == p.lanes
        && baselines == p.baselines && batches == p.batches && Arrays.equals(errMean, p.errMean)
        && Arrays.equals(errM2, p.errM2) && Arrays.equals(positions, p.positions) && Arrays.deepEquals(values, p.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(errMean) * 31 + Arrays.hashCode(positions);
  }
}
