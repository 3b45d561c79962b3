package klbench.core;

/**
 * A model of responses (SEQUENCES.md): V tokens, horizon T, and a row (t, c) — its own p, q and μ
 * — for every position t and context c ({@link Contexts}). With T = 1 it is one triple.
 *
 * <p>Rows come from a {@link RowSource}, which builds row (t, c) from its own random streams, so a
 * row can be rebuilt at will with the same bits. A model whose rows fit in {@link #CACHE_TOKEN_ROWS}
 * (rows × V) keeps them; a larger one is never held whole: {@link #position} rebuilds the rows of
 * one position each time it is asked, and the evaluation asks for each position once per pass
 * (forward, then backward), through a {@link Pass} that builds them into the arrays of the position
 * before. Either way the numbers are the same bits.
 */
public final class SequenceModel {
  /** The most rows (positions × contexts) a model may have. */
  public static final long MAX_ROWS = 1L << 22;
  /** The most horizon a model may have. */
  public static final int MAX_HORIZON = 4096;
  /**
   * Models of at most this many rows × V are kept in memory (about 100 bytes per entry); a single
   * row always is.
   */
  public static final long CACHE_TOKEN_ROWS = 1L << 21;

  /** Builds the rows of a model, in log space; the same (t, c) always gives the same bits. */
  @FunctionalInterface
  public interface RowSource {
    /** Row (t, c), t in 1..T, c in 0..H_t − 1. */
    Triple row(int position, int context);
  }

  private final int vocab;
  private final int horizon;
  private final Contexts contexts;
  private final int[] rowsAt;
  private final int[] firstRow;
  private final int rowCount;
  private final RowSource source;
  /** Every row, when the model is kept; else null. */
  private final Triple[] cache;

  private SequenceModel(int vocab, int horizon, Contexts contexts, RowSource source, boolean keep) {
    if (vocab < 1) throw new IllegalArgumentException("vocabulary must have at least one token");
    if (horizon < 1 || horizon > MAX_HORIZON) {
      throw new IllegalArgumentException("horizon must be in 1.." + MAX_HORIZON + ", got " + horizon);
    }
    long rows = rows(vocab, horizon, contexts);
    if (rows > MAX_ROWS) {
      throw new IllegalArgumentException("a model of " + rows + " rows is more than the limit of " + MAX_ROWS);
    }
    this.vocab = vocab;
    this.horizon = horizon;
    this.contexts = contexts;
    this.source = source;
    this.rowsAt = new int[horizon];
    this.firstRow = new int[horizon];
    int r = 0;
    for (int t = 1; t <= horizon; t++) {
      rowsAt[t - 1] = (int) contexts.at(vocab, t);
      firstRow[t - 1] = r;
      r += rowsAt[t - 1];
    }
    this.rowCount = r;
    if (keep) {
      cache = new Triple[rowCount];
      for (int t = 1; t <= horizon; t++) {
        for (int c = 0; c < rowsAt[t - 1]; c++) cache[firstRow[t - 1] + c] = source.row(t, c);
      }
    } else {
      cache = null;
    }
  }

  /** A model whose rows come from {@code source}: kept when small enough, else rebuilt per pass. */
  public static SequenceModel of(int vocab, int horizon, Contexts contexts, RowSource source) {
    long rows = rows(vocab, horizon, contexts);
    return new SequenceModel(vocab, horizon, contexts, source, rows == 1 || rows * vocab <= CACHE_TOKEN_ROWS);
  }

  /** The same, never kept: every pass rebuilds its rows (tests compare the two). */
  public static SequenceModel rebuilt(int vocab, int horizon, Contexts contexts, RowSource source) {
    return new SequenceModel(vocab, horizon, contexts, source, false);
  }

  /** The one-token model of a triple. */
  public static SequenceModel of(Triple triple) {
    return of(triple.vocabSize(), 1, Contexts.ONE, (t, c) -> triple);
  }

  /** The number of rows of a model, Σ_t H_t, saturating at Long.MAX_VALUE. */
  public static long rows(int vocab, int horizon, Contexts contexts) {
    long rows = 0;
    for (int t = 1; t <= horizon; t++) {
      long h = contexts.at(vocab, t);
      if (h > Long.MAX_VALUE - rows) return Long.MAX_VALUE;
      rows += h;
    }
    return rows;
  }

  public int vocabSize() { return vocab; }

  public int horizon() { return horizon; }

  public Contexts contexts() { return contexts; }

  /** H_t, the contexts of position t (1-based). */
  public int rowsAt(int position) { return rowsAt[position - 1]; }

  /** The index of row (t, 0) among all rows, in position-major order. */
  public int firstRow(int position) { return firstRow[position - 1]; }

  public int rowCount() { return rowCount; }

  /** True when the rows are held in memory. */
  public boolean kept() { return cache != null; }

  /** The context that follows context c at a position where token y was drawn. */
  public int next(int context, int token) {
    return contexts.next(context, token, vocab);
  }

  /** The rows of position t, kept or freshly built. */
  public Triple[] position(int t) {
    Triple[] out = new Triple[rowsAt[t - 1]];
    for (int c = 0; c < out.length; c++) out[c] = cache != null ? cache[firstRow[t - 1] + c] : source.row(t, c);
    return out;
  }

  /** A pass over the positions, in any order, that holds one position's rows at a time. */
  Pass pass() {
    return new Pass();
  }

  /**
   * The evaluation's passes: each {@link #position} call hands back the rows of a position and
   * ends the rows it handed back before, whose arrays the next rows are built into ({@link
   * RowArrays}), so a pass over a model too large to keep allocates no rows to keep after its
   * first position. The same bits as {@link SequenceModel#position}.
   */
  final class Pass {
    private final RowArrays arrays = new RowArrays(vocab);
    private Triple[] current;

    /** The rows of position t; those of the previous call must not be read again. */
    Triple[] position(int t) {
      if (cache != null) return SequenceModel.this.position(t);
      if (current != null) for (Triple row : current) row.releaseTo(arrays);
      current = null; // not read while the rows of t are built into its arrays
      Triple[] out = new Triple[rowsAt[t - 1]];
      for (int c = 0; c < out.length; c++) out[c] = source.row(t, c).copyInto(arrays);
      current = out;
      return out;
    }
  }
}
