package klbench.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Merging chunks' entries: {@link PositionStats#mergeInOrder} is the left fold of {@link PositionStats#merge}. */
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

  @Test
  void oneMergeOfManyChunksIsTheirLeftFoldBitForBit() {
    SplittableRandom r = new SplittableRandom(11);
    int cases = 0;
    for (int trial = 0; trial < 300; trial++) {
      int k = r.nextInt(1, 12);
      boolean withRho = trial % 2 == 0;
      List<PositionStats> parts = new ArrayList<>();
      for (int c = 0; c < k; c++) parts.add(random(r, trial % 3 == 0 ? 30 : 200, withRho));
      PositionStats fold = parts.get(0);
      for (int c = 1; c < k; c++) fold = fold.merge(parts.get(c));
      PositionStats once = PositionStats.mergeInOrder(parts);
      assertEquals(fold, once, "trial " + trial);
      assertArrayEquals(fold.merged, once.merged);
      // and, counted independently, each key's total count
      TreeMap<Long, Long> tally = new TreeMap<>();
      for (PositionStats p : parts) for (int i = 0; i < p.size(); i++) tally.merge(p.keys[i], p.counts[i], Long::sum);
      assertArrayEquals(tally.keySet().stream().mapToLong(Long::longValue).toArray(), once.keys);
      assertArrayEquals(tally.values().stream().mapToLong(Long::longValue).toArray(), once.counts);
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
