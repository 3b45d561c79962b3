package klbench.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;
import klbench.core.Chunking;
import klbench.grid.Grid;
import klbench.distributions.TripleSpec;

/**
 * Cuts the work of a grid into tasks of about equal cost ({@link CostModel}). Pure planning, on
 * the driver, with no Spark in it.
 *
 * <p>A triple with batch sizes B₁…B_k and R batches has max_B chunkCount(B, R) {@link WorkUnit}s;
 * unit c holds chunk c of every B that has one. A triple is one {@link Piece} (whole: the task
 * that builds it also finishes it, so nothing of it leaves the task but its rows) unless it costs
 * more than {@value #SPLIT_SHARE_PERCENT}% of an average task and has one row (a model of
 * responses is never split); then its units are cut into
 * consecutive ranges of about that cost, each a piece that builds the triple again, and one
 * finishing task per split triple folds their chunk statistics. Pieces are spread over the tasks by
 * longest processing time first, and each task runs its pieces costliest first.
 */
public final class WorkPlan {
  /** A triple is split when it costs more than this share of an average task. */
  static final int SPLIT_SHARE_PERCENT = 50;

  private final List<List<Piece>> tasks;
  private final List<Integer> splitTriples;
  private final double seconds;

  private WorkPlan(List<List<Piece>> tasks, List<Integer> splitTriples, double seconds) {
    this.tasks = tasks;
    this.splitTriples = splitTriples;
    this.seconds = seconds;
  }

  /** Which (triple, batch size) pairs still need computing (all of them, without --resume). */
  @FunctionalInterface
  public interface Needed {
    boolean test(int tripleIndex, int batchSize);

    Needed ALL = (t, b) -> true;
  }

  /**
   * The size of one model (a triple, or responses of {@code horizon} tokens over {@code rows} rows),
   * in the cost model's terms. A model of several rows is never split: its Monte Carlo statistics
   * are finished row by row from every chunk at once ({@code klbench.core.SequenceEvaluation}).
   */
  public record TripleSize(int vocabulary, int rows, int horizon, int buildPasses) {
    static TripleSize of(TripleSpec t) {
      return new TripleSize(t.vocabSize(), (int) Math.min(Integer.MAX_VALUE, t.rows()), t.horizon(),
          (int) Math.min(Integer.MAX_VALUE, t.buildPasses()));
    }

    boolean splittable() {
      return rows == 1;
    }
  }

  /**
   * The lists of a grid's part that multiply its models: batch sizes, batch count, lanes (every
   * (estimator, discount) pair) and baselines.
   */
  public record PartSize(List<Integer> batchSizes, int batches, int estimators, int baselines) {
    static PartSize of(Grid.Part part) {
      return new PartSize(part.batchSizes(), part.batches(), part.lanes(), part.baselines().size());
    }
  }

  /**
   * What the plan needs of a grid: its models' sizes and, per model, the sizes of its part's lists
   * ({@code parts.get(t)} for triple t).
   */
  public record Work(List<TripleSize> triples, List<PartSize> parts) {
    public static Work of(Grid grid) {
      List<PartSize> sizes = grid.parts().stream().map(PartSize::of).toList();
      List<PartSize> byTriple = new ArrayList<>(grid.triples().size());
      for (int t = 0; t < grid.triples().size(); t++) byTriple.add(sizes.get(grid.partIndex(t)));
      return new Work(grid.triples().stream().map(TripleSize::of).toList(), List.copyOf(byTriple));
    }

    /** Core-seconds of every needed (triple, batch size), each triple built once. */
    public double seconds(Needed needed) {
      double sum = 0;
      for (int t = 0; t < triples.size(); t++) {
        List<WorkUnit> units = units(t, needed);
        if (!units.isEmpty()) sum += wholeSeconds(t, units);
      }
      return sum;
    }

    /** The units of triple {@code t}'s needed pairs, in chunk order. */
    List<WorkUnit> units(int t, Needed needed) {
      TripleSize size = triples.get(t);
      PartSize part = parts.get(t);
      List<WorkUnit> units = new ArrayList<>();
      for (int chunk = 0; ; chunk++) {
        List<Integer> sizes = new ArrayList<>();
        double seconds = 0;
        for (int b : part.batchSizes()) {
          if (needed.test(t, b) && chunk < Chunking.chunkCount(b, part.batches(), size.horizon())) {
            sizes.add(b);
            seconds += CostModel.simulateSeconds(size.vocabulary(), size.rows(), size.horizon(), b,
                Chunking.batchesIn(b, part.batches(), chunk, size.horizon()), part.estimators(), part.baselines());
          }
        }
        if (sizes.isEmpty()) return units;
        units.add(new WorkUnit(t, chunk, List.copyOf(sizes), seconds));
      }
    }

    double buildSeconds(int t) {
      TripleSize s = triples.get(t);
      return CostModel.buildSeconds(s.vocabulary(), s.rows(), s.horizon(), s.buildPasses(), parts.get(t).estimators());
    }

    /** Finishing every batch size of triple {@code t} that its units hold. */
    double finishSeconds(int t, List<WorkUnit> units) {
      TripleSize s = triples.get(t);
      PartSize part = parts.get(t);
      return units.get(0).batchSizes().size() * CostModel.finishSeconds(s.vocabulary(), s.rows(), part.estimators(), part.baselines());
    }

    double wholeSeconds(int t, List<WorkUnit> units) {
      return buildSeconds(t) + sum(units) + finishSeconds(t, units);
    }
  }

  /**
   * The plan for the {@code needed} pairs of {@code work} on at most {@code partitions} tasks (never
   * an empty one). The same inputs always give the same plan.
   */
  public static WorkPlan of(Work work, Needed needed, int partitions) {
    List<List<WorkUnit>> byTriple = new ArrayList<>();
    double total = 0;
    int unitCount = 0;
    for (int t = 0; t < work.triples().size(); t++) {
      List<WorkUnit> units = work.units(t, needed);
      if (units.isEmpty()) continue;
      byTriple.add(units);
      total += work.wholeSeconds(t, units);
      unitCount += units.size();
    }
    int n = Math.max(1, Math.min(partitions, unitCount));
    double splitAbove = total / n * SPLIT_SHARE_PERCENT / 100;

    List<Piece> pieces = new ArrayList<>();
    TreeSet<Integer> split = new TreeSet<>();
    double seconds = 0;
    for (List<WorkUnit> units : byTriple) {
      int t = units.get(0).tripleIndex();
      double whole = work.wholeSeconds(t, units);
      if (whole <= splitAbove || units.size() == 1 || !work.triples().get(t).splittable()) {
        pieces.add(new Piece(t, units, true, whole));
        seconds += whole;
        continue;
      }
      split.add(t);
      double build = work.buildSeconds(t);
      int ranges = (int) Math.min(units.size(), Math.ceil(whole / splitAbove));
      double perRange = sum(units) / ranges;
      List<WorkUnit> range = new ArrayList<>();
      double rangeSeconds = 0;
      for (WorkUnit u : units) {
        range.add(u);
        rangeSeconds += u.seconds();
        if (rangeSeconds >= perRange) {
          pieces.add(new Piece(t, List.copyOf(range), false, build + rangeSeconds));
          seconds += build + rangeSeconds;
          range.clear();
          rangeSeconds = 0;
        }
      }
      if (!range.isEmpty()) {
        pieces.add(new Piece(t, List.copyOf(range), false, build + rangeSeconds));
        seconds += build + rangeSeconds;
      }
      seconds += work.buildSeconds(t) + work.finishSeconds(t, units); // the finishing task
    }
    return new WorkPlan(balance(pieces, Math.min(n, pieces.size())), List.copyOf(split), seconds);
  }

  /**
   * Longest processing time first: the costliest piece goes to the least loaded task, ties broken
   * by plan order, so the same pieces always give the same tasks.
   */
  static List<List<Piece>> balance(List<Piece> pieces, int n) {
    List<List<Piece>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) tasks.add(new ArrayList<>());
    double[] load = new double[n];
    PriorityQueue<Integer> lightest =
        new PriorityQueue<>(Comparator.<Integer>comparingDouble(i -> load[i]).thenComparingInt(i -> i));
    for (int i = 0; i < n; i++) lightest.add(i);
    List<Piece> sorted = new ArrayList<>(pieces);
    sorted.sort(Comparator.comparingDouble(Piece::seconds).reversed()); // stable: plan order on ties
    for (Piece p : sorted) {
      int task = lightest.poll();
      tasks.get(task).add(p);
      load[task] += p.seconds();
      lightest.add(task);
    }
    tasks.removeIf(List::isEmpty);
    return tasks;
  }

  private static double sum(List<WorkUnit> units) {
    double s = 0;
    for (WorkUnit u : units) s += u.seconds();
    return s;
  }

  /** The simulation tasks, each a list of pieces in the order it runs them. */
  public List<List<Piece>> tasks() {
    return tasks;
  }

  /** The triples split over several tasks, ascending: each gets one finishing task. */
  public List<Integer> splitTriples() {
    return splitTriples;
  }

  /** Core-seconds of the plan by the cost model, the extra builds of split triples included. */
  public double seconds() {
    return seconds;
  }

  /** The cost of each simulation task, in task order. */
  public double[] taskSeconds() {
    return tasks.stream().mapToDouble(t -> t.stream().mapToDouble(Piece::seconds).sum()).toArray();
  }
}
