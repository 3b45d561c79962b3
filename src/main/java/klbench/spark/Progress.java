package klbench.spark;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The live progress line of a run, on stderr: configurations finished out of the total, the share
 * of simulated tokens, the elapsed time. Executors add to two accumulators, which the driver sees
 * as tasks finish; a daemon thread prints them, rewriting one line on a terminal and a new line
 * now and then otherwise. Quiet runs (tests) pass no stream.
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

  Progress(SparkContext sc, long totalTokens, long totalConfigurations, PrintStream out) {
    this.tokens = sc.longAccumulator("klbench tokens simulated");
    this.configurations = sc.longAccumulator("klbench configurations finished");
    this.totalTokens = Math.max(1, totalTokens);
    this.totalConfigurations = totalConfigurations;
    this.out = out;
    this.terminal = System.console() != null;
    this.printer = out == null ? null : new Thread(this::loop, "klbench-progress");
    if (printer != null) {
      printer.setDaemon(true);
      printer.start();
    }
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
        before, configurations.value(), totalConfigurations,
        100.0 * Math.min(tokens.value(), totalTokens) / totalTokens, seconds, after);
    out.flush();
    printed = true;
  }

  /** Stops the line (idempotent); on a terminal, leaves its last state on screen. */
  @Override
  public void close() {
    if (printer == null || closed) return;
    closed = true;
    printer.interrupt();
    try {
      printer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (printed && terminal) print("\r", "\n");
  }
}
