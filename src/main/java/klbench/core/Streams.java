package klbench.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Random streams derived from (grid seed, an identity text, a chunk index) alone, never from a
 * thread, partition or order of execution: so any executor that computes a chunk draws the same
 * tokens. SHA-256 of the three spreads neighbouring identities over unrelated seeds;
 * XO_RO_SHI_RO_128_PP is a fast generator with a 2^128 period, plenty for one chunk.
 */
public final class Streams {
  private Streams() {}

  public static UniformRandomProvider derive(long seed, String identity, long index) {
    long[] key = digest(seed + "|" + identity + "|" + index);
    return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {key[0], key[1]});
  }

  /** The stream of chunk {@code chunk} of the batches of size {@code batchSize} of a triple. */
  public static UniformRandomProvider forChunk(long seed, String tripleKey, int batchSize, int chunk) {
    return derive(seed, tripleKey + "|B=" + batchSize, chunk);
  }

  /** The first 16 bytes of SHA-256(text) as two longs. */
  public static long[] digest(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.wrap(h);
      return new long[] {b.getLong(), b.getLong()};
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** A hex SHA-256 of a text (the first 16 bytes), used for stable identifiers. */
  public static String hex(String text) {
    long[] k = digest(text);
    return String.format("%016x%016x", k[0], k[1]);
  }
}
