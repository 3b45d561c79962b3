package klbench.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import klbench.core.Chunking;
import klbench.core.PartialStats;
import klbench.core.SequenceEvaluation;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The finishing task of a triple split over several simulation tasks: fold what they sent, per
 * batch size, left in chunk order ({@link PartialStats#foldInChunkOrder}: the fold is not
 * associative in floating point, so this order is what makes the numbers independent of the
 * cluster), finish, write the rows. Partition 0 only passes the simulation tasks' reports on.
 */
final class FinishSplitTriples implements FlatMapFunction<Iterator<Tuple2<Integer, Iterable<TaskOutput>>>, TaskReport> {
  private final Broadcast<RunJob.Job> job;
  private final LongAccumulator configurations;

  FinishSplitTriples(Broadcast<RunJob.Job> job, LongAccumulator configurations) {
    this.job = job;
    this.configurations = configurations;
  }

  @Override
  public Iterator<TaskReport> call(Iterator<Tuple2<Integer, Iterable<TaskOutput>>> partition) throws Exception {
    RunJob.Job j = job.value();
    TaskRows rows = new TaskRows(j, String.format("part-f-%05d.parquet", org.apache.spark.TaskContext.getPartitionId()),
        configurations);
    List<TaskReport> out = new ArrayList<>();
    try {
      boolean finished = false;
      while (partition.hasNext()) {
        Tuple2<Integer, Iterable<TaskOutput>> group = partition.next();
        if (group._1() == SimulatePieces.REPORT) {
          for (TaskOutput o : group._2()) out.add((TaskReport) o);
        } else {
          finish(j, group._1(), group._2(), rows);
          finished = true;
        }
      }
      // Test only (a no-op unless the test key is set): fail with the rows written, not yet published.
      FaultInjection.maybeFailFirstAttempt("finish");
      if (finished) out.add(rows.report());
      return out.iterator();
    } catch (Throwable e) {
      rows.discard();
      throw e;
    }
  }

  private static void finish(RunJob.Job j, int tripleIndex, Iterable<TaskOutput> outputs, TaskRows rows) throws Exception {
    Map<Integer, List<TaskOutput.Chunks>> byBatchSize = new TreeMap<>();
    for (TaskOutput o : outputs) {
      TaskOutput.Chunks c = (TaskOutput.Chunks) o;
      byBatchSize.computeIfAbsent(c.stats().batchSize(), k -> new ArrayList<>()).add(c);
    }
    long t0 = System.nanoTime();
    SequenceEvaluation eval = TaskRows.prepare(j.grid(), tripleIndex);
    long setupShare = (System.nanoTime() - t0) / byBatchSize.size();
    for (Map.Entry<Integer, List<TaskOutput.Chunks>> e : byBatchSize.entrySet()) {
      List<PartialStats> parts = new ArrayList<>();
      long nanos = setupShare;
      for (TaskOutput.Chunks c : e.getValue()) {
        parts.add(c.stats());
        nanos += c.nanos();
      }
      PartialStats all = PartialStats.foldInChunkOrder(parts, Chunking.chunkCount(e.getKey(), j.grid().part(tripleIndex).batches()));
      rows.finish(tripleIndex, eval, all, nanos);
    }
  }

  /** Reports to partition 0; split triple i (ascending) to partition 1 + i. */
  static final class ByTriple extends Partitioner {
    private final int[] triples;

    ByTriple(List<Integer> splitTriples) {
      this.triples = splitTriples.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public int numPartitions() {
      return 1 + triples.length;
    }

    @Override
    public int getPartition(Object key) {
      int k = (Integer) key;
      if (k == SimulatePieces.REPORT) return 0;
      int i = java.util.Arrays.binarySearch(triples, k);
      if (i < 0) throw new IllegalArgumentException("triple " + k + " is not split");
      return 1 + i;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByTriple b && java.util.Arrays.equals(triples, b.triples);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(triples);
    }
  }
}
