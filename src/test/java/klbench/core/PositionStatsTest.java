package klbench.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Merging chunks' entries ({@link PositionStats#mergeInOrder}, {@link PositionStats#merge}): keys
 * in order, counts added, and every sum of a key added in chunk order (the bits of a left fold),
 * against a tally written here.
 */
class PositionStatsTest {
  private static final int LANES = 3;
  private static final int MERGED = 2;

  /** A chunk's entries: distinct sorted keys from [0, range), random counts and sums. */
  private static PositionStats random(SplittableRandom r, int range, boolean withRho) {
    long[] keys = r.longs(r.nextInt(0, 40), 0, range).distinct().sorted().toArray();
    int n = keys.length;
    long[] counts = new long[n];
    double[] loo = new double[n * LANES];
    double[] merged = new double[n * MERGED];
    double[] rho = withRho ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      counts[i] = r.nextInt(1, 9);
      for (int l = 0; l < LANES; l++) loo[i * LANES + l] = r.nextGaussian();
      for (int m = 0; m < MERGED; m++) merged[i * MERGED + m] = r.nextGaussian() * 1e3;
      if (rho != null) rho[i] = r.nextDouble();
    }
    return new PositionStats(keys, counts, loo, merged, rho, LANES, MERGED);
  }

  /** Per key, in chunk order: count, then the loo, merged and rho sums, each begun at its first chunk. */
  private static TreeMap<Long, double[]> tally(List<PositionStats> parts) {
    TreeMap<Long, double[]> out = new TreeMap<>();
    for (PositionStats p : parts) {
      for (int i = 0; i < p.size(); i++) {
        double[] row = new double[1 + LANES + MERGED + 1];
        row[0] = p.counts[i];
        for (int l = 0; l < LANES; l++) row[1 + l] = p.loo[i * LANES + l];
        for (int m = 0; m < MERGED; m++) row[1 + LANES + m] = p.merged[i * MERGED + m];
        row[row.length - 1] = p.rho == null ? 0 : p.rho[i];
        double[] sum = out.get(p.keys[i]);
        if (sum == null) {
          out.put(p.keys[i], row);
        } else {
          for (int x = 0; x < row.length; x++) sum[x] = sum[x] + row[x];
        }
      }
    }
    return out;
  }

  @Test
  void manyChunksMergeInOnePassWithTheBitsOfTheirLeftFold() {
    SplittableRandom r = new SplittableRandom(11);
    int cases = 0;
    for (int trial = 0; trial < 300; trial++) {
      int k = r.nextInt(1, 12);
      boolean withRho = trial % 2 == 0;
      List<PositionStats> parts = new ArrayList<>();
      for (int c = 0; c < k; c++) parts.add(random(r, trial % 3 == 0 ? 30 : 200, withRho));
      PositionStats once = PositionStats.mergeInOrder(parts);
      TreeMap<Long, double[]> want = tally(parts);
      assertArrayEquals(want.keySet().stream().mapToLong(Long::longValue).toArray(), once.keys);
      int i = 0;
      for (double[] row : want.values()) {
        assertEquals((long) row[0], once.counts[i]);
        for (int l = 0; l < LANES; l++) assertEquals(row[1 + l], once.loo[i * LANES + l], 0.0);
        for (int m = 0; m < MERGED; m++) assertEquals(row[1 + LANES + m], once.merged[i * MERGED + m], 0.0);
        if (withRho) assertEquals(row[row.length - 1], once.rho[i], 0.0);
        i++;
      }
      // two at a time, as the Spark job folds partials, comes to the same
      PositionStats fold = parts.get(0);
      for (int c = 1; c < k; c++) fold = fold.merge(parts.get(c));
      assertEquals(once, fold);
      cases++;
    }
    assertEquals(300, cases);
  }

  @Test
  void chunksOfDifferentConfigurationsDoNotMerge() {
    SplittableRandom r = new SplittableRandom(3);
    List<PositionStats> parts = List.of(random(r, 50, true), random(r, 50, false));
    assertThrows(IllegalArgumentException.class, () -> PositionStats.mergeInOrder(parts));
    assertThrows(IllegalArgumentException.class, () -> PositionStats.mergeInOrder(List.of()));
  }
}
