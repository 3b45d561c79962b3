package klbench.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import klbench.core.Chunking;
import klbench.core.Metrics;
import klbench.core.PartialStats;
import klbench.core.Triple;
import klbench.core.SequenceEvaluation;
import klbench.distributions.Distributions;
import klbench.distributions.TripleSpec;
import klbench.grid.Configuration;
import klbench.grid.Grid;
import klbench.results.Column;
import klbench.results.ResultRow;
import klbench.results.Rows;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The {@code run} job: a validated grid in, its rows appended to {@code <out>/results}.
 *
 * <ol>
 *   <li>With --resume, find the configurations already in the results; a (triple, batch size) is
 *       skipped only when all of its configurations are there.
 *   <li>Cut the rest into {@link WorkUnit}s (one triple, one chunk index) and spread them over
 *       partitions by cost ({@link WorkPlan}).
 *   <li>Map: each executor builds a unit's triple once and simulates its chunks for every batch
 *       size, estimator and baseline; it folds the chunks it holds from chunk 0 on, and finishes
 *       a batch size whose chunks it holds all ({@link SimulateUnits}).
 *   <li>Reduce, per triple: fold what the map tasks left, left in chunk order, then turn it into
 *       rows ({@link FinishTriple}). Chunks draw from streams fixed by (seed, triple, batch size,
 *       chunk) and are always folded left from chunk 0, wherever that happens, so the numbers are
 *       bit-identical whatever the master, executors, partitions or task retries.
 *   <li>Commit the new rows to the results in one rename ({@link ResultStore#commit}).
 * </ol>
 *
 * <p>The session is the caller's; this class never creates or stops one.
 */
public final class RunJob {
  private RunJob() {}

  /**
   * @param out the output folder (any Hadoop file system)
   * @param resume skip configurations whose config_id is already in {@code <out>/results}
   * @param partitions map partitions (at most; never more than units), or 0 for three per core
   * @param progress where the live progress line goes, or null for none
   */
  public record Options(String out, boolean resume, int partitions, PrintStream progress) {}

  /**
   * What a run did.
   *
   * @param rows the rows committed, in grid order
   * @param skipped configurations found in the results already (--resume)
   * @param wallMillis the whole of {@link #run}, of which {@code simulationMillis} the Spark job
   *     that computes the rows and {@code writeMillis} writing and committing them
   * @param coreMillis executor time (wall clock in tasks) of the rows written, summed: building
   *     triples, simulating, merging and finishing
   * @param coreCpuMillis the CPU time of that work, all of it (also for rows --resume drops)
   */
  public record Outcome(
      String runId, String master, int configurations, int skipped, List<ResultRow> rows,
      long wallMillis, long simulationMillis, long writeMillis, double coreMillis, long coreCpuMillis) {}

  public static Outcome run(SparkSession spark, Grid grid, Options options) throws IOException {
    long start = System.nanoTime();
    String runId = newRunId();
    ResultStore store = ResultStore.at(spark, options.out());
    Todo todo = Todo.of(grid, options.resume() ? store.configIds() : Set.of());
    List<List<WorkUnit>> bins = WorkPlan.balance(
        WorkPlan.units(grid.triples(), grid.batchSizes(), grid.batches(), grid.estimators().size(), todo::needed),
        options.partitions() > 0 ? options.partitions() : 3 * spark.sparkContext().defaultParallelism());

    RunRecord record = new RunRecord(RunRecord.klbenchVersion(), runId, grid.name(), grid.source(),
        spark.sparkContext().master(), bins.size(), options.resume(), Instant.now(), null, "running",
        todo.configurations, todo.skipped, null, null);
    store.writeRunFile(runId, "grid.yaml", grid.rawText().getBytes(StandardCharsets.UTF_8));
    store.writeRunFile(runId, "run.json", record.json());

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // The grid (file inputs included, read once on the driver) and what is done, once per executor.
    Broadcast<Job> job = jsc.broadcast(new Job(grid, runId, todo.done));
    JavaRDD<ResultRow> newRows = null;
    try (Progress progress = new Progress(spark.sparkContext(), todo.tokens, todo.computed, options.progress())) {
      long simulationStart = System.nanoTime();
      newRows = simulate(jsc, job, bins, todo, progress).persist(StorageLevel.MEMORY_AND_DISK());
      jsc.setJobDescription("klbench run " + runId + ": " + todo.triples + " triples in " + bins.size() + " partitions");
      List<ResultRow> rows = inGridOrder(grid, newRows.collect());
      progress.close();
      long coreCpuMillis = progress.coreCpuNanos.value() / 1_000_000;

      long writeStart = System.nanoTime();
      jsc.setJobDescription("klbench run " + runId + ": writing " + rows.size() + " rows");
      if (!rows.isEmpty()) {
        // From the cached partitions: no task carries the rows from the driver.
        store.commit(runId, spark.createDataFrame(newRows.map(ResultSchema::toRow), ResultSchema.schema()));
      }
      store.writeRunFile(runId, "run.json", record.succeeded(rows.size()).json());
      long end = System.nanoTime();
      return new Outcome(runId, spark.sparkContext().master(), todo.configurations, todo.skipped, rows,
          (end - start) / 1_000_000, (writeStart - simulationStart) / 1_000_000, (end - writeStart) / 1_000_000,
          coreMillis(rows), coreCpuMillis);
    } catch (Throwable e) { // SparkException is checked but thrown undeclared, from Scala
      store.abandon(runId);
      store.writeRunFile(runId, "run.json", record.failed(e).json());
      throw e;
    } finally {
      jsc.setJobDescription(null);
      if (newRows != null) newRows.unpersist(false);
      job.destroy();
    }
  }

  /** What every task needs, broadcast: the grid and the config_ids already in the results. */
  private record Job(Grid grid, String runId, HashSet<String> done) implements java.io.Serializable {}

  /**
   * The Spark job, lazily: units → per triple, folded chunks or finished rows → the rows of the
   * configurations not done yet.
   */
  private static JavaRDD<ResultRow> simulate(
      JavaSparkContext jsc, Broadcast<Job> job, List<List<WorkUnit>> bins, Todo todo, Progress progress) {
    return jsc.parallelize(bins, Math.max(1, bins.size()))
        .flatMapToPair(new SimulateUnits(job, progress.tokens, progress.configurations, progress.coreCpuNanos))
        // One reduce task per triple: finishing a large vocabulary is seconds of work.
        .groupByKey(Math.max(1, todo.triples))
        .flatMap(new FinishTriple(job, progress.configurations, progress.coreCpuNanos));
  }

  /** What a map task sends to a triple's reducer: chunks of one batch size, or finished rows. */
  private sealed interface TripleOutput extends java.io.Serializable permits Chunks, Finished {}

  /**
   * The partial statistics of some consecutive chunks of one batch size, folded left in chunk
   * order, with the executor time they took.
   */
  private record Chunks(PartialStats stats, long nanos) implements TripleOutput {
    int batchSize() { return stats.batchSize(); }

    int first() { return stats.firstChunk(); }

    int end() { return stats.endChunk(); }

    /** These chunks followed by the next ones: the left fold, continued. */
    Chunks then(Chunks next) {
      return new Chunks(stats.merge(next.stats), nanos + next.nanos);
    }
  }

  /** The rows of a batch size whose chunks were all in one map task. */
  private record Finished(List<ResultRow> rows) implements TripleOutput {}

  /**
   * Map side: for each unit, take its triple's tables (built once per executor), simulate the
   * unit's chunk for each of its batch sizes, and fold chunks from 0 on as they come: a batch size
   * whose chunks are all in this task is finished here and sends only its rows; the others send
   * their folded prefix and lone chunks to the triple's reducer. Output keyed by triple index.
   */
  private static final class SimulateUnits implements PairFlatMapFunction<List<WorkUnit>, Integer, TripleOutput> {
    private final Broadcast<Job> job;
    private final LongAccumulator tokens;
    private final LongAccumulator configurations;
    private final LongAccumulator cpuNanos;

    SimulateUnits(Broadcast<Job> job, LongAccumulator tokens, LongAccumulator configurations, LongAccumulator cpuNanos) {
      this.job = job;
      this.tokens = tokens;
      this.configurations = configurations;
      this.cpuNanos = cpuNanos;
    }

    @Override
    public Iterator<Tuple2<Integer, TripleOutput>> call(List<WorkUnit> units) {
      FaultInjection.maybeFailFirstAttempt("simulate"); // test only: a no-op unless the test key is set
      long cpu = threadCpuNanos();
      Job j = job.value();
      Grid g = j.grid();
      List<Tuple2<Integer, TripleOutput>> out = new ArrayList<>();
      Map<List<Integer>, Chunks> prefixes = new LinkedHashMap<>(); // (triple, B) → chunks [0, end) so far
      for (WorkUnit u : units) {
        long t0 = System.nanoTime();
        SequenceEvaluation eval = Evaluations.of(job, u.tripleIndex());
        long setupShare = (System.nanoTime() - t0) / u.batchSizes().size();
        for (int b : u.batchSizes()) {
          long t1 = System.nanoTime();
          PartialStats stats = eval.simulateChunk(b, g.batches(), u.chunk(), g.seed(), u.triple().key());
          Chunks chunk = new Chunks(stats, System.nanoTime() - t1 + setupShare);
          tokens.add((long) b * Chunking.batchesIn(b, g.batches(), u.chunk()));

          List<Integer> key = List.of(u.tripleIndex(), b);
          Chunks prefix = prefixes.get(key);
          if (prefix != null && prefix.end() == chunk.first()) prefixes.put(key, prefix.then(chunk));
          else if (chunk.first() == 0) prefixes.put(key, chunk);
          else out.add(new Tuple2<>(u.tripleIndex(), chunk)); // not after a prefix here: the reducer folds it
          prefix = prefixes.get(key);
          if (prefix != null && prefix.end() == Chunking.chunkCount(b, g.batches())) {
            prefixes.remove(key);
            out.add(new Tuple2<>(u.tripleIndex(), new Finished(rows(j, u.tripleIndex(), eval, prefix, configurations))));
          }
        }
      }
      prefixes.forEach((key, prefix) -> out.add(new Tuple2<>(key.get(0), prefix)));
      cpuNanos.add(threadCpuNanos() - cpu);
      return out.iterator();
    }
  }

  /**
   * Reduce side, one triple: pass finished rows on; for a batch size whose chunks were spread over
   * tasks, fold them left in chunk order (the fold is not associative in floating point, so this
   * order is what makes the results independent of the cluster) and finish.
   */
  private static final class FinishTriple implements FlatMapFunction<Tuple2<Integer, Iterable<TripleOutput>>, ResultRow> {
    private final Broadcast<Job> job;
    private final LongAccumulator configurations;
    private final LongAccumulator cpuNanos;

    FinishTriple(Broadcast<Job> job, LongAccumulator configurations, LongAccumulator cpuNanos) {
      this.job = job;
      this.configurations = configurations;
      this.cpuNanos = cpuNanos;
    }

    @Override
    public Iterator<ResultRow> call(Tuple2<Integer, Iterable<TripleOutput>> triple) {
      FaultInjection.maybeFailFirstAttempt("finish"); // test only: a no-op unless the test key is set
      long cpu = threadCpuNanos();
      Job j = job.value();
      List<ResultRow> rows = new ArrayList<>();
      Map<Integer, List<Chunks>> byBatchSize = new TreeMap<>();
      for (TripleOutput o : triple._2()) {
        if (o instanceof Finished f) rows.addAll(f.rows());
        else if (o instanceof Chunks c) byBatchSize.computeIfAbsent(c.batchSize(), k -> new ArrayList<>()).add(c);
      }
      if (!byBatchSize.isEmpty()) {
        long t0 = System.nanoTime();
        SequenceEvaluation eval = Evaluations.of(job, triple._1());
        long setupShare = (System.nanoTime() - t0) / byBatchSize.size();
        for (Map.Entry<Integer, List<Chunks>> e : byBatchSize.entrySet()) {
          List<PartialStats> parts = new ArrayList<>();
          long nanos = setupShare;
          for (Chunks c : e.getValue()) {
            parts.add(c.stats());
            nanos += c.nanos();
          }
          PartialStats all = PartialStats.foldInChunkOrder(parts, Chunking.chunkCount(e.getKey(), j.grid().batches()));
          rows.addAll(rows(j, triple._1(), eval, new Chunks(all, nanos), configurations));
        }
      }
      cpuNanos.add(threadCpuNanos() - cpu);
      return rows.iterator();
    }
  }

  /**
   * The rows of one (triple, batch size) from all its chunks, as eval makes them: a row's time is
   * its share of the group's, its samples per second are over that share. Configurations already
   * in the results (--resume) are left out.
   */
  private static List<ResultRow> rows(
      Job j, int tripleIndex, SequenceEvaluation eval, Chunks all, LongAccumulator configurations) {
    Grid g = j.grid();
    long t0 = System.nanoTime();
    List<Metrics> metrics = eval.finish(all.batchSize(), g.batches(), all.stats());
    double groupMs = (all.nanos() + System.nanoTime() - t0) / 1e6;
    List<Configuration> configs = g.configurations(g.triples().get(tripleIndex), all.batchSize());
    List<ResultRow> rows = Rows.ofGroup(j.runId(), g.name(), configs, eval.truth(), metrics, groupMs,
        c -> !j.done().contains(c.configId()));
    configurations.add(configs.size());
    return rows;
  }

  /**
   * The prepared triples of this executor JVM: a triple whose units, or units and finish, run in
   * one executor is built once (in local mode, all of them). Building is deterministic, so
   * reusing changes no number. Soft references: under memory pressure the GC drops them and the
   * next task rebuilds. Entries belong to one run (run ids are unique, broadcast ids are not
   * across the Spark contexts one JVM may see); a task of another run clears them.
   */
  private static final class Evaluations {
    private static final Map<Integer, SoftReference<SequenceEvaluation>> BY_TRIPLE = new ConcurrentHashMap<>();
    private static String runId;

    static SequenceEvaluation of(Broadcast<Job> job, int tripleIndex) {
      Job j = job.value();
      synchronized (Evaluations.class) {
        if (!j.runId().equals(runId)) {
          BY_TRIPLE.clear();
          runId = j.runId();
        }
      }
      SoftReference<SequenceEvaluation> ref = BY_TRIPLE.get(tripleIndex);
      SequenceEvaluation eval = ref == null ? null : ref.get();
      if (eval == null) {
        Grid g = j.grid();
        Triple triple = Distributions.build(g.triples().get(tripleIndex), g.seed(), g.files());
        eval = SequenceEvaluation.prepare(triple, g.estimators(), g.baselines());
        BY_TRIPLE.put(tripleIndex, new SoftReference<>(eval));
      }
      return eval;
    }
  }

  /** What is left to do: the (triple, batch size) pairs with a configuration not in the results. */
  private static final class Todo {
    final HashSet<String> done;
    final boolean[][] needed;
    final int configurations;
    int skipped;
    int computed;
    int triples;
    long tokens;
    private final List<Integer> batchSizes;

    private Todo(Grid grid, Set<String> done) {
      this.done = new HashSet<>(done);
      batchSizes = grid.batchSizes();
      needed = new boolean[grid.triples().size()][batchSizes.size()];
      configurations = grid.configurationCount();
    }

    static Todo of(Grid grid, Set<String> done) {
      Todo todo = new Todo(grid, done);
      int perPair = grid.estimators().size() * grid.baselines().size();
      for (int t = 0; t < grid.triples().size(); t++) {
        boolean any = false;
        for (int k = 0; k < todo.batchSizes.size(); k++) {
          int b = todo.batchSizes.get(k);
          int present = 0;
          for (Configuration c : grid.configurations(grid.triples().get(t), b)) {
            if (done.contains(c.configId())) present++;
          }
          todo.skipped += present;
          if (present < perPair) {
            todo.needed[t][k] = true;
            todo.computed += perPair;
            todo.tokens += (long) b * grid.batches();
            any = true;
          }
        }
        if (any) todo.triples++;
      }
      return todo;
    }

    boolean needed(int tripleIndex, int batchSize) {
      return needed[tripleIndex][batchSizes.indexOf(batchSize)];
    }
  }

  private static long threadCpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** Rows sorted into grid order (triple, batch size, estimator, baseline). */
  private static List<ResultRow> inGridOrder(Grid grid, List<ResultRow> rows) {
    Map<String, Integer> order = new HashMap<>();
    for (Configuration c : grid.configurations()) order.putIfAbsent(c.configId(), order.size());
    List<ResultRow> out = new ArrayList<>(rows);
    out.sort(Comparator.comparingInt(r -> order.get((String) r.get(Column.CONFIG_ID))));
    return out;
  }

  /** Executor time of the rows: each row carries its share of its (triple, batch size)'s time. */
  private static double coreMillis(List<ResultRow> rows) {
    double sum = 0;
    for (ResultRow r : rows) sum += (Double) r.get(Column.ELAPSED_MS);
    return sum;
  }

  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new run id: UTC start time and 24 random bits, e.g. {@code 20261126-150336-3fa2c1}. */
  static String newRunId() {
    return RUN_TIME.format(Instant.now()) + "-" + String.format("%06x", RANDOM.nextInt(1 << 24));
  }
}
