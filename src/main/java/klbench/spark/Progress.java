package klbench.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The live progress line of a run, on stderr: configurations finished out of the total, the share
 * of simulated tokens, the elapsed time. Executors add to two accumulators; the driver's value of
 * an accumulator holds the tasks that have ended, and the executors' heartbeats carry the values
 * of the running ones (a task holds many triples, so ended tasks alone would say nothing for most
 * of a run). A daemon thread prints their sum, rewriting one line on a terminal and a new line now
 * and then otherwise. Quiet runs (tests) pass no stream.
 */
final class Progress implements AutoCloseable {
  private static final long FIRST_AFTER_MS = 2_000;
  private static final long TERMINAL_EVERY_MS = 1_000;
  private static final long LOG_EVERY_MS = 15_000;

  final LongAccumulator tokens;
  final LongAccumulator configurations;
  private final long totalTokens;
  private final long totalConfigurations;
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private final Thread printer;
  private volatile boolean printed;
  private boolean closed;
  private final SparkContext sc;
  /** Task id → {tokens, configurations} so far, from the last heartbeat, while the task runs. */
  private final Map<Long, long[]> running = new ConcurrentHashMap<>();
  private final SparkListener heartbeats = new SparkListener() {
    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
      for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task : JavaConverters.seqAsJavaList(update.accumUpdates())) {
        long[] values = {-1, -1};
        for (AccumulableInfo a : JavaConverters.seqAsJavaList(task._4())) {
          if (!a.update().isDefined() || !(a.update().get() instanceof Number n)) continue;
          if (a.id() == tokens.id()) values[0] = n.longValue();
          if (a.id() == configurations.id()) values[1] = n.longValue();
        }
        if (values[0] >= 0 || values[1] >= 0) running.put((Long) task._1(), values);
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      running.remove(end.taskInfo().taskId()); // its final values are in the accumulators now
    }
  };

  Progress(SparkContext sc, long totalTokens, long totalConfigurations, PrintStream out) {
    this.sc = sc;
    this.tokens = sc.longAccumulator("klbench tokens simulated");
    this.configurations = sc.longAccumulator("klbench configurations finished");
    this.totalTokens = Math.max(1, totalTokens);
    this.totalConfigurations = totalConfigurations;
    this.out = out;
    this.terminal = System.console() != null;
    this.printer = out == null ? null : new Thread(this::loop, "klbench-progress");
    if (printer != null) {
      sc.addSparkListener(heartbeats);
      printer.setDaemon(true);
      printer.start();
    }
  }

  /** Ended tasks' value of accumulator {@code which} (0: tokens, 1: configurations) plus running ones'. */
  private long value(int which) {
    long sum = which == 0 ? tokens.value() : configurations.value();
    for (long[] v : running.values()) sum += Math.max(0, v[which]);
    return sum;
  }

  private void loop() {
    try {
      Thread.sleep(FIRST_AFTER_MS);
      while (true) {
        print(terminal ? "\r" : "", terminal ? "" : "\n");
        Thread.sleep(terminal ? TERMINAL_EVERY_MS : LOG_EVERY_MS);
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private void print(String before, String after) {
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "%sklbench: %d/%d configurations, %.0f%% of tokens simulated, %.0f s%s",
        before, Math.min(value(1), totalConfigurations), totalConfigurations,
        100.0 * Math.min(value(0), totalTokens) / totalTokens, seconds, after);
    out.flush();
    printed = true;
  }

  /** Stops the line (idempotent); on a terminal, leaves its last state on screen. */
  @Override
  public void close() {
    if (printer == null || closed) return;
    closed = true;
    sc.removeSparkListener(heartbeats);
    printer.interrupt();
    try {
      printer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (printed && terminal) print("\r", "\n");
  }
}
