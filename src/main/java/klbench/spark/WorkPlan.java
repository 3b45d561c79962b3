package klbench.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import klbench.core.Chunking;
import klbench.grid.TripleSpec;

/**
 * Cuts a grid into {@link WorkUnit}s and spreads them over partitions. Pure planning, on the
 * driver, with no Spark in it.
 *
 * <p>A triple with batch sizes B₁…B_k and R batches has max_B chunkCount(B, R) units; unit c holds
 * chunk c of every B that has one, so batch sizes with fewer chunks drop out of later units. The
 * triple is built once per unit and the tokens of each chunk are drawn once for all estimators and
 * baselines.
 */
public final class WorkPlan {
  private WorkPlan() {}

  /** Which (triple, batch size) pairs still need computing (all of them, without --resume). */
  @FunctionalInterface
  public interface Needed {
    boolean test(int tripleIndex, int batchSize);
  }

  /** The units of the pairs that are {@code needed}, triple-major then by chunk. */
  public static List<WorkUnit> units(
      List<TripleSpec> triples, List<Integer> batchSizes, int batches, int estimators, Needed needed) {
    List<WorkUnit> units = new ArrayList<>();
    for (int t = 0; t < triples.size(); t++) {
      TripleSpec triple = triples.get(t);
      for (int chunk = 0; ; chunk++) {
        List<Integer> sizes = new ArrayList<>();
        long tokens = 0;
        for (int b : batchSizes) {
          if (needed.test(t, b) && chunk < Chunking.chunkCount(b, batches)) {
            sizes.add(b);
            tokens += (long) b * Chunking.batchesIn(b, batches, chunk);
          }
        }
        if (sizes.isEmpty()) break;
        units.add(new WorkUnit(t, triple, chunk, List.copyOf(sizes), triple.vocabSize() + tokens * estimators));
      }
    }
    return units;
  }

  /**
   * Longest-processing-time-first: the costliest unit goes to the least loaded bin, ties broken by
   * plan order, so the same plan always gives the same bins. At most {@code partitions} bins, none
   * empty.
   */
  public static List<List<WorkUnit>> balance(List<WorkUnit> units, int partitions) {
    int n = Math.max(1, Math.min(partitions, units.size()));
    List<List<WorkUnit>> bins = new ArrayList<>();
    for (int i = 0; i < n; i++) bins.add(new ArrayList<>());
    long[] load = new long[n];
    PriorityQueue<Integer> lightest =
        new PriorityQueue<>(Comparator.<Integer>comparingLong(i -> load[i]).thenComparingInt(i -> i));
    for (int i = 0; i < n; i++) lightest.add(i);
    List<WorkUnit> byCost = new ArrayList<>(units);
    byCost.sort(Comparator.comparingLong(WorkUnit::cost).reversed()); // stable: plan order on ties
    for (WorkUnit u : byCost) {
      int bin = lightest.poll();
      bins.get(bin).add(u);
      load[bin] += u.cost();
      lightest.add(bin);
    }
    bins.removeIf(List::isEmpty);
    return bins;
  }
}
