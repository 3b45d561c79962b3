package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import klbench.core.Chunking;
import klbench.grid.Grid;
import org.junit.jupiter.api.Test;

class WorkPlanTest {
  private final Grid grid = TestGrids.tiny(); // batch sizes 2, 64, 4096; 150 batches: 4096 takes 3 chunks

  @Test
  void aUnitIsOneChunkOfOneTripleWithEveryBatchSizeThatHasIt() {
    List<WorkUnit> units = WorkPlan.units(grid.triples(), grid.batchSizes(), grid.batches(), 3, (t, b) -> true);
    assertEquals(3, Chunking.chunkCount(4096, 150));
    assertEquals(grid.triples().size() * 3, units.size());
    WorkUnit first = units.get(0);
    assertEquals(List.of(2, 64, 4096), first.batchSizes());
    assertEquals(List.of(4096), units.get(1).batchSizes()); // the smaller batch sizes have dropped out
    assertEquals(2, units.get(2).chunk());
    long tokens = 2 * 150 + 64 * 150 + 4096L * Chunking.batchesIn(4096, 150, 0);
    assertEquals(first.triple().vocabSize() + tokens * 3, first.cost());
  }

  @Test
  void onlyTheNeededPairsGetUnits() {
    List<WorkUnit> units = WorkPlan.units(grid.triples(), grid.batchSizes(), grid.batches(), 3,
        (t, b) -> t == 1 && b == 64);
    assertEquals(1, units.size());
    assertEquals(1, units.get(0).tripleIndex());
    assertEquals(List.of(64), units.get(0).batchSizes());
  }

  @Test
  void binsAreBalancedDeterministicAndHoldEveryUnitOnce() {
    List<WorkUnit> units = WorkPlan.units(grid.triples(), grid.batchSizes(), grid.batches(), 3, (t, b) -> true);
    List<List<WorkUnit>> bins = WorkPlan.balance(units, 7);
    assertEquals(7, bins.size());
    assertEquals(bins, WorkPlan.balance(units, 7));
    List<WorkUnit> all = new ArrayList<>();
    bins.forEach(all::addAll);
    assertEquals(units.size(), all.size());
    assertTrue(all.containsAll(units));
    // Longest processing time first: no bin exceeds the average by more than the largest unit.
    long largest = Collections.max(units, (a, b) -> Long.compare(a.cost(), b.cost())).cost();
    long total = units.stream().mapToLong(WorkUnit::cost).sum();
    for (List<WorkUnit> bin : bins) {
      assertTrue(bin.stream().mapToLong(WorkUnit::cost).sum() <= total / 7 + largest);
    }
    assertEquals(units.size(), WorkPlan.balance(units, 1000).size()); // never an empty bin
    assertEquals(List.of(), WorkPlan.balance(List.of(), 4));
  }

  @Test
  void aSmallTripleStaysWholeInOneBinInChunkOrderAndALargeOneIsSpread() {
    List<klbench.distributions.TripleSpec> sixteen = new ArrayList<>(grid.triples());
    sixteen.addAll(grid.triples());
    List<WorkUnit> units = WorkPlan.units(sixteen, grid.batchSizes(), grid.batches(), 3, (t, b) -> true);
    // 16 triples of about equal cost: on 2 bins each is about 1/8 of a bin, small enough to stay whole.
    for (List<WorkUnit> bin : WorkPlan.balance(units, 2)) {
      for (int i = 0; i < bin.size(); i += 3) {
        assertEquals(List.of(0, 1, 2), bin.subList(i, i + 3).stream().map(WorkUnit::chunk).toList());
        assertEquals(1, bin.subList(i, i + 3).stream().map(WorkUnit::tripleIndex).distinct().count());
      }
    }
    // On 7 bins a triple is more than a quarter of a bin: its chunks are spread.
    long split = WorkPlan.balance(units, 7).stream()
        .filter(bin -> bin.stream().map(WorkUnit::tripleIndex).distinct().count() == bin.size()).count();
    assertTrue(split > 0);
  }
}
