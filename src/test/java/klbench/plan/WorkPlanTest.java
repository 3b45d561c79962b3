package klbench.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import klbench.core.Chunking;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.grid.PartsText;
import klbench.spark.TestGrids;
import org.junit.jupiter.api.Test;

class WorkPlanTest {
  private final Grid grid = TestGrids.tiny(); // batch sizes 2, 64, 4096; 150 batches: 4096 takes 3 chunks

  static Grid defaultGrid() {
    return GridFile.load(Path.of(System.getProperty("klbench.home", "."), "conf", "grid.yaml"));
  }

  /** The default grid's first part alone: its single tokens, the grid issue 11's profile measured. */
  static Grid defaultSingleTokens() {
    Grid g = defaultGrid();
    assertTrue(g.parts().get(0).horizons().equals(List.of(1)), "the default grid's first part is single tokens");
    return new Grid(g.name(), g.description(), g.seed(), List.of(g.parts().get(0)), g.source(), g.rawText(), g.files());
  }

  /** Every unit of every piece, as (triple, chunk) pairs. */
  private static List<List<Integer>> unitsOf(WorkPlan plan) {
    List<List<Integer>> out = new ArrayList<>();
    for (List<Piece> task : plan.tasks()) {
      for (Piece p : task) for (WorkUnit u : p.units()) out.add(List.of(u.tripleIndex(), u.chunk()));
    }
    return out;
  }

  @Test
  void aUnitIsOneChunkOfOneTripleWithEveryBatchSizeThatHasIt() {
    WorkPlan.Work work = WorkPlan.Work.of(grid);
    List<WorkUnit> units = work.units(0, WorkPlan.Needed.ALL);
    assertEquals(3, Chunking.chunkCount(4096, 150));
    assertEquals(3, units.size());
    assertEquals(List.of(2, 64, 4096), units.get(0).batchSizes());
    assertEquals(List.of(4096), units.get(1).batchSizes()); // the smaller batch sizes have dropped out
    assertEquals(2, units.get(2).chunk());
    int v = grid.triples().get(0).vocabSize();
    double expected = CostModel.simulateSeconds(v, 1, 2, 150, 3, 2) + CostModel.simulateSeconds(v, 1, 64, 150, 3, 2)
        + CostModel.simulateSeconds(v, 1, 4096, Chunking.batchesIn(4096, 150, 0), 3, 2);
    assertEquals(expected, units.get(0).seconds(), 1e-15);
  }

  @Test
  void onlyTheNeededPairsGetUnits() {
    WorkPlan plan = WorkPlan.of(WorkPlan.Work.of(grid), (t, b) -> t == 1 && b == 64, 4);
    assertEquals(1, plan.tasks().size());
    Piece only = plan.tasks().get(0).get(0);
    assertEquals(1, only.tripleIndex());
    assertTrue(only.whole());
    assertEquals(List.of(64), only.units().get(0).batchSizes());
    assertEquals(List.of(), WorkPlan.of(WorkPlan.Work.of(grid), (t, b) -> false, 4).tasks());
  }

  @Test
  void everyUnitIsInExactlyOnePieceAndSplitPiecesAreConsecutiveChunks() {
    WorkPlan.Work work = WorkPlan.Work.of(grid);
    Set<List<Integer>> all = new HashSet<>();
    for (int t = 0; t < grid.triples().size(); t++) {
      for (WorkUnit u : work.units(t, WorkPlan.Needed.ALL)) all.add(List.of(t, u.chunk()));
    }
    for (int partitions : List.of(1, 2, 5, 7, 24, 1000)) {
      WorkPlan plan = WorkPlan.of(work, WorkPlan.Needed.ALL, partitions);
      List<List<Integer>> units = unitsOf(plan);
      assertEquals(all.size(), units.size(), partitions + " partitions");
      assertEquals(all, new HashSet<>(units), partitions + " partitions");
      assertEquals(plan.tasks(), WorkPlan.of(work, WorkPlan.Needed.ALL, partitions).tasks(), "deterministic");
      assertTrue(plan.tasks().size() <= partitions && plan.tasks().stream().noneMatch(List::isEmpty));
      Set<Integer> split = new HashSet<>();
      for (List<Piece> task : plan.tasks()) {
        for (Piece p : task) {
          for (int i = 1; i < p.units().size(); i++) assertEquals(p.units().get(i - 1).chunk() + 1, p.units().get(i).chunk());
          if (!p.whole()) split.add(p.tripleIndex());
          else assertEquals(work.units(p.tripleIndex(), WorkPlan.Needed.ALL).size(), p.units().size());
        }
      }
      assertEquals(new ArrayList<>(new java.util.TreeSet<>(split)), plan.splitTriples());
    }
    // One task keeps every triple whole; 7 tasks for 8 triples of about equal cost split some.
    assertEquals(List.of(), WorkPlan.of(work, WorkPlan.Needed.ALL, 1).splitTriples());
    assertTrue(!WorkPlan.of(work, WorkPlan.Needed.ALL, 7).splitTriples().isEmpty());
  }

  @Test
  void eachTripleIsPlannedWithItsPartsLists() {
    String top = "name: two\nseed: 3\n";
    Grid both = GridFile.parse(PartsText.of(top, TestGrids.TOKENS_PART, TestGrids.RESPONSES_PART), Path.of("two.yaml"));
    WorkPlan.Work tokens = WorkPlan.Work.of(GridFile.parse(top + TestGrids.TOKENS_PART, Path.of("tokens.yaml")));
    WorkPlan.Work responses = WorkPlan.Work.of(GridFile.parse(top + TestGrids.RESPONSES_PART, Path.of("responses.yaml")));
    WorkPlan.Work work = WorkPlan.Work.of(both);
    int na = tokens.triples().size();
    assertEquals(na + responses.triples().size(), work.triples().size());
    assertEquals(new WorkPlan.PartSize(List.of(2, 4096), 150, 2, 2), work.parts().get(0));
    assertEquals(new WorkPlan.PartSize(List.of(4, 16), 60, 3 * 2, 3), work.parts().get(na));
    int checked = 0;
    for (int t = 0; t < work.triples().size(); t++) {
      WorkPlan.Work alone = t < na ? tokens : responses;
      int i = t < na ? t : t - na;
      List<WorkUnit> units = work.units(t, WorkPlan.Needed.ALL);
      List<WorkUnit> unitsAlone = alone.units(i, WorkPlan.Needed.ALL);
      assertEquals(unitsAlone.stream().map(u -> List.of(u.chunk(), u.batchSizes(), u.seconds())).toList(),
          units.stream().map(u -> List.of(u.chunk(), u.batchSizes(), u.seconds())).toList(), "triple " + t);
      assertEquals(alone.wholeSeconds(i, unitsAlone), work.wholeSeconds(t, units), "triple " + t);
      checked++;
    }
    assertEquals(work.triples().size(), checked);
    double sum = tokens.seconds(WorkPlan.Needed.ALL) + responses.seconds(WorkPlan.Needed.ALL);
    assertEquals(sum, work.seconds(WorkPlan.Needed.ALL), 1e-12 * sum);
  }

  @Test
  void theDefaultGridStaysWholeAndBalancedOnTwoToSixTasks() {
    WorkPlan.Work work = WorkPlan.Work.of(defaultGrid());
    for (int partitions : List.of(2, 4, 6)) {
      WorkPlan plan = WorkPlan.of(work, WorkPlan.Needed.ALL, partitions);
      assertEquals(List.of(), plan.splitTriples(), partitions + " tasks: no triple is split, nothing is shuffled");
      double[] load = plan.taskSeconds();
      double max = 0;
      double min = Double.MAX_VALUE;
      for (double l : load) {
        max = Math.max(max, l);
        min = Math.min(min, l);
      }
      // 64 pieces, the costliest a quarter of a task at most: longest-first leaves no long tail.
      assertTrue(max / min < 1.05, partitions + " tasks: " + java.util.Arrays.toString(load));
      assertEquals(work.seconds(WorkPlan.Needed.ALL), plan.seconds(), 1e-9 * plan.seconds());
    }
  }
}
