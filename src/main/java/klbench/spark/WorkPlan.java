package klbench.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import klbench.core.Chunking;
import klbench.distributions.TripleSpec;

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
   * A triple is kept whole in one bin when it costs at most this share of an average bin, so that
   * LPT's imbalance stays within it; a costlier triple is spread chunk by chunk.
   */
  static final int WHOLE_TRIPLE_SHARE = 4;

  /**
   * Spreads units over at most {@code partitions} bins, none empty, by longest processing time
   * first: the costliest piece goes to the least loaded bin, ties broken by plan order, so the same
   * plan always gives the same bins. A piece is a whole triple (its units in chunk order) when the
   * triple is small next to a bin, else one unit. A bin that holds a triple's chunks from 0 on can
   * fold them itself, and finish the triple when it holds them all: less to shuffle.
   */
  public static List<List<WorkUnit>> balance(List<WorkUnit> units, int partitions) {
    int n = Math.max(1, Math.min(partitions, units.size()));
    long total = units.stream().mapToLong(WorkUnit::cost).sum();
    List<List<WorkUnit>> pieces = new ArrayList<>();
    for (List<WorkUnit> triple : byTriple(units)) {
      long cost = triple.stream().mapToLong(WorkUnit::cost).sum();
      if (cost * n * WHOLE_TRIPLE_SHARE <= total) pieces.add(triple);
      else for (WorkUnit u : triple) pieces.add(List.of(u));
    }
    List<List<WorkUnit>> bins = new ArrayList<>();
    for (int i = 0; i < n; i++) bins.add(new ArrayList<>());
    long[] load = new long[n];
    PriorityQueue<Integer> lightest =
        new PriorityQueue<>(Comparator.<Integer>comparingLong(i -> load[i]).thenComparingInt(i -> i));
    for (int i = 0; i < n; i++) lightest.add(i);
    pieces.sort(Comparator.comparingLong(WorkPlan::cost).reversed()); // stable: plan order on ties
    for (List<WorkUnit> piece : pieces) {
      int bin = lightest.poll();
      bins.get(bin).addAll(piece);
      load[bin] += cost(piece);
      lightest.add(bin);
    }
    bins.removeIf(List::isEmpty);
    return bins;
  }

  /** The units of each triple, in plan (chunk) order; {@link #units} lists them triple by triple. */
  private static List<List<WorkUnit>> byTriple(List<WorkUnit> units) {
    List<List<WorkUnit>> out = new ArrayList<>();
    for (WorkUnit u : units) {
      if (out.isEmpty() || out.get(out.size() - 1).get(0).tripleIndex() != u.tripleIndex()) out.add(new ArrayList<>());
      out.get(out.size() - 1).add(u);
    }
    return out;
  }

  private static long cost(List<WorkUnit> piece) {
    return piece.stream().mapToLong(WorkUnit::cost).sum();
  }
}
