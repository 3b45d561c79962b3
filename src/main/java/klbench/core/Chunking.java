package klbench.core;

/**
 * How the R batches of one (model, batch size) are cut into chunks: a chunk holds about {@link
 * #TOKENS_PER_CHUNK} tokens (batches of B responses of T tokens). It depends on the configuration
 * (B, R, T) only, never on the cluster, so that the same chunks, with the same random streams, are
 * computed wherever they run; changing it changes every Monte Carlo number, which is why it is a
 * constant and not a setting.
 */
public final class Chunking {
  public static final long TOKENS_PER_CHUNK = 1L << 18;

  private Chunking() {}

  /** Batches per chunk for batch size B of one-token responses. */
  public static int batchesPerChunk(int batchSize) {
    return batchesPerChunk(batchSize, 1);
  }

  /** Batches per chunk for batch size B of responses of T tokens. */
  public static int batchesPerChunk(int batchSize, int horizon) {
    return (int) Math.max(1L, TOKENS_PER_CHUNK / ((long) batchSize * horizon));
  }

  public static int chunkCount(int batchSize, int batches) {
    return chunkCount(batchSize, batches, 1);
  }

  public static int chunkCount(int batchSize, int batches, int horizon) {
    int per = batchesPerChunk(batchSize, horizon);
    return (batches + per - 1) / per;
  }

  /** Index of the first batch of a chunk. */
  public static int firstBatch(int batchSize, int chunk, int horizon) {
    return chunk * batchesPerChunk(batchSize, horizon);
  }

  /** Number of batches in a chunk (the last one may be short). */
  public static int batchesIn(int batchSize, int batches, int chunk) {
    return batchesIn(batchSize, batches, chunk, 1);
  }

  public static int batchesIn(int batchSize, int batches, int chunk, int horizon) {
    int first = firstBatch(batchSize, chunk, horizon);
    return Math.max(0, Math.min(batches, first + batchesPerChunk(batchSize, horizon)) - first);
  }
}
