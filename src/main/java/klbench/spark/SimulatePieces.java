package klbench.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import klbench.core.Chunking;
import klbench.core.PartialStats;
import klbench.core.SequenceEvaluation;
import klbench.grid.Grid;
import klbench.plan.Piece;
import klbench.plan.WorkUnit;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * A simulation task: its pieces ({@link Piece}), costliest first. For each piece it builds the
 * triple once and simulates the piece's chunks for every batch size, estimator and baseline,
 * folding each batch size's chunks left from chunk 0 as they come. A batch size whose chunks are
 * all here is finished here and its rows are written to this task's file ({@link TaskRows}); of a
 * split triple, the folded prefix and the other chunks one by one go to the triple's finishing
 * task, keyed by triple index. Last comes this task's {@link TaskReport}, keyed {@link #REPORT}.
 */
final class SimulatePieces implements PairFlatMapFunction<Iterator<List<Piece>>, Integer, TaskOutput> {
  /** The key of task reports (triples are 0, 1, …). */
  static final int REPORT = -1;

  private final Broadcast<RunJob.Job> job;
  private final LongAccumulator tokens;
  private final LongAccumulator configurations;

  SimulatePieces(Broadcast<RunJob.Job> job, LongAccumulator tokens, LongAccumulator configurations) {
    this.job = job;
    this.tokens = tokens;
    this.configurations = configurations;
  }

  @Override
  public Iterator<Tuple2<Integer, TaskOutput>> call(Iterator<List<Piece>> partition) throws Exception {
    RunJob.Job j = job.value();
    TaskRows rows = new TaskRows(j, String.format("part-s-%05d.parquet", org.apache.spark.TaskContext.getPartitionId()),
        configurations);
    List<Tuple2<Integer, TaskOutput>> out = new ArrayList<>();
    try {
      while (partition.hasNext()) {
        for (Piece piece : partition.next()) simulate(j, piece, rows, out);
      }
      // Test only (a no-op unless the test key is set): fail with the rows written, not yet published.
      FaultInjection.maybeFailFirstAttempt("simulate");
      out.add(new Tuple2<>(REPORT, rows.report()));
      return out.iterator();
    } catch (Throwable e) {
      rows.discard();
      throw e;
    }
  }

  private void simulate(RunJob.Job j, Piece piece, TaskRows rows, List<Tuple2<Integer, TaskOutput>> out) throws Exception {
    Grid g = j.grid();
    int t = piece.tripleIndex();
    long t0 = System.nanoTime();
    SequenceEvaluation eval = TaskRows.prepare(g, t);
    String key = g.triples().get(t).key();
    int horizon = g.triples().get(t).horizon();
    int batches = g.part(t).batches();
    if (eval.model().rowCount() > 1) {
      // A model of responses, always whole here: every batch size in one evaluation.
      List<Integer> batchSizes = piece.units().get(0).batchSizes();
      SequenceEvaluation.Result result = eval.evaluate(batchSizes, batches, g.seed(), key);
      for (int b : batchSizes) tokens.add((long) b * batches * horizon);
      rows.finish(t, result, batchSizes, System.nanoTime() - t0);
      return;
    }
    long setupShare = (System.nanoTime() - t0) / piece.units().get(0).batchSizes().size();
    // (batch size) → its chunks folded from chunk 0 on, when this piece starts at chunk 0.
    Map<Integer, TaskOutput.Chunks> prefixes = new LinkedHashMap<>();
    for (WorkUnit u : piece.units()) {
      for (int b : u.batchSizes()) {
        long t1 = System.nanoTime();
        PartialStats stats = eval.simulateChunk(b, batches, u.chunk(), g.seed(), key);
        long nanos = System.nanoTime() - t1;
        tokens.add((long) b * Chunking.batchesIn(b, batches, u.chunk()));
        TaskOutput.Chunks prefix = prefixes.get(b);
        if (prefix != null) {
          prefixes.put(b, new TaskOutput.Chunks(prefix.stats().merge(stats), prefix.nanos() + nanos)); // the left fold, continued
        } else if (u.chunk() == 0) {
          prefixes.put(b, new TaskOutput.Chunks(stats, nanos + setupShare));
        } else {
          out.add(new Tuple2<>(t, new TaskOutput.Chunks(stats, nanos))); // not after a prefix here: its finishing task folds it
        }
      }
    }
    for (Map.Entry<Integer, TaskOutput.Chunks> e : prefixes.entrySet()) {
      TaskOutput.Chunks all = e.getValue();
      if (all.stats().endChunk() == Chunking.chunkCount(e.getKey(), batches)) {
        rows.finish(t, eval, all.stats(), all.nanos());
      } else {
        out.add(new Tuple2<>(t, all));
      }
    }
  }
}
