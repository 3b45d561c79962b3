package klbench.core;

import java.util.Arrays;

/**
 * The batch-dependent part of loo's mean batch gradient over one chunk: T_{e,x} = Σ_b s_{b,e}
 * c_{b,x}, where s_b is the leave-one-out shift of batch b and c_{b,x} the count of token x in it
 * (see {@link PartialStats}).
 *
 * <p>Adding E numbers to token x's row for every batch that holds x would cost a scattered
 * read-modify-write of E doubles per distinct token of every batch, across a table too large for
 * the cache. Instead each batch logs its E shifts once and its (token, count) pairs as sequential
 * writes; {@link #rows} then sorts the log by token (a stable counting sort) and builds each
 * token's row in one go, reading the shifts from a table of E doubles per batch that stays in
 * cache. A row still adds its batches in batch order, with the same operations, so the bits are
 * those of the direct sum.
 */
final class LooLog {
  private final int e;
  /** Row width while gathering: {@link Kernel#columns}(E). */
  private final int width;
  private final Kernel kernel;
  /** s_{b,k} at [b·width + k]. */
  private double[] shifts;
  private int batches;
  private int[] token;
  private int[] batch;
  private double[] count;
  private int size;

  /**
   * @param estimators E
   * @param width the row width while gathering, E or more (zero columns the kernel reads past E)
   * @param expectedBatches, expectedEntries first guesses of the batches and (batch, token) pairs
   *     to come; the log grows past them
   */
  LooLog(int estimators, int width, Kernel kernel, int expectedBatches, int expectedEntries) {
    this.e = estimators;
    this.width = width;
    this.kernel = kernel;
    this.shifts = new double[Math.max(1, expectedBatches) * width];
    int cap = Math.max(16, expectedEntries);
    this.token = new int[cap];
    this.batch = new int[cap];
    this.count = new double[cap];
  }

  /**
   * Logs the next batch: its shifts, the first width entries of {@code batchShift}, and its
   * distinct tokens[0..n) with their counts[0..n).
   */
  void addBatch(double[] batchShift, int[] tokens, double[] counts, int n) {
    if ((batches + 1) * width > shifts.length) shifts = Arrays.copyOf(shifts, 2 * shifts.length);
    System.arraycopy(batchShift, 0, shifts, batches * width, width);
    if (size + n > token.length) {
      int cap = Math.max(2 * token.length, size + n);
      token = Arrays.copyOf(token, cap);
      batch = Arrays.copyOf(batch, cap);
      count = Arrays.copyOf(count, cap);
    }
    System.arraycopy(tokens, 0, token, size, n);
    System.arraycopy(counts, 0, count, size, n);
    Arrays.fill(batch, size, size + n, batches);
    size += n;
    batches++;
  }

  /**
   * T at [i·E + k] for token {@code tokens[i]} (ascending: every token in the log, as the chunk's
   * {@link PartialStats} lists them), over a vocabulary of {@code vocab} tokens.
   */
  double[] rows(int[] tokens, int vocab) {
    int m = tokens.length;
    // A stable counting sort of the log by token: afterwards token x's (batch, count) pairs sit
    // at [end[x−1], end[x]) in batch order.
    int[] end = new int[vocab + 1];
    for (int q = 0; q < size; q++) end[token[q] + 1]++;
    for (int x = 0; x < vocab; x++) end[x + 1] += end[x];
    int[] sortedBatch = new int[size];
    double[] sortedCount = new double[size];
    for (int q = 0; q < size; q++) {
      int r = end[token[q]]++;
      sortedBatch[r] = batch[q];
      sortedCount[r] = count[q];
    }
    if (width == e) {
      double[] out = new double[m * e];
      for (int i = 0; i < m; i++) weightedRow(out, i * e, tokens[i], sortedBatch, sortedCount, end);
      return out;
    }
    // Rows wider than E (the kernel's lanes) go through a small buffer, a block of tokens at a
    // time, rather than a second full-size array.
    double[] out = new double[m * e];
    int block = 1024;
    double[] wide = new double[Math.min(m, block) * width];
    for (int i0 = 0; i0 < m; i0 += block) {
      int i1 = Math.min(m, i0 + block);
      for (int i = i0; i < i1; i++) weightedRow(wide, (i - i0) * width, tokens[i], sortedBatch, sortedCount, end);
      for (int i = i0; i < i1; i++) System.arraycopy(wide, (i - i0) * width, out, i * e, e);
    }
    return out;
  }

  /** Token x's row of T into dst at d: its (batch, count) pairs are at [end[x−1], end[x]). */
  private void weightedRow(double[] dst, int d, int x, int[] sortedBatch, double[] sortedCount, int[] end) {
    kernel.weightedRows(dst, d, shifts, width, sortedBatch, sortedCount, x == 0 ? 0 : end[x - 1], end[x]);
  }
}
