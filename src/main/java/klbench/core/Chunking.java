package klbench.core;

/**
 * How the R batches of one (triple, batch size) are cut into chunks: a chunk holds about {@link
 * #TOKENS_PER_CHUNK} tokens. It depends on the configuration (B, R) only, never on the cluster, so
 * that the same chunks, with the same random streams, are computed wherever they run; changing it
 * changes every Monte Carlo number, which is why it is a constant and not a setting.
 */
public final class Chunking {
  public static final long TOKENS_PER_CHUNK = 1L << 18;

  private Chunking() {}

  /** Batches per chunk for batch size B. */
  public static int batchesPerChunk(int batchSize) {
    return (int) Math.max(1L, TOKENS_PER_CHUNK / batchSize);
  }

  public static int chunkCount(int batchSize, int batches) {
    int per = batchesPerChunk(batchSize);
    return (batches + per - 1) / per;
  }

  /** Index of the first batch of a chunk. */
  public static int firstBatch(int batchSize, int chunk) {
    return chunk * batchesPerChunk(batchSize);
  }

  /** Number of batches in a chunk (the last one may be short). */
  public static int batchesIn(int batchSize, int batches, int chunk) {
    int first = firstBatch(batchSize, chunk);
    return Math.max(0, Math.min(batches, first + batchesPerChunk(batchSize)) - first);
  }
}
