package klbench.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.Metrics;
import klbench.core.Triple;
import klbench.core.SequenceEvaluation;
import klbench.core.ValueFunction;

/**
 * The memory target: V = 1,048,576 with every (value, rule) pair and baselines none and loo, one
 * full chunk of B = 1024, in a 1 GiB heap. Run it with {@code -Xmx1g} (submit/bench does); it
 * fails with OutOfMemoryError when the heap is too small, and prints the largest heap still in use
 * right after a garbage collection: what the run needed live, garbage aside. (The pools' peak
 * usages would overstate it: each peaks at its own moment, garbage included.)
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("sequence")) {
      sequence();
      return;
    }
    AtomicLong liveAfterGc = watchHeapAfterCollections();
    int v = 1 << 20;
    List<Estimator> all = new ArrayList<>();
    for (ValueFunction f : ValueFunction.values()) {
      for (GradientRule r : GradientRule.values()) all.add(Estimator.of(f, r));
    }
    long start = System.nanoTime();
    Triple t = CoreBenchmark.triple(v, 5);
    SequenceEvaluation ev = SequenceEvaluation.prepare(t, all, List.of(Baseline.NONE, Baseline.LOO));
    List<Metrics> rows = ev.evaluate(1024, 512, 1L, "memory");
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    int consistent = 0;
    for (Metrics m : rows) if (m.consistent) consistent++;
    System.out.printf("memory check: V=%d, %d estimators x 2 baselines, 512 batches of 1024: %d rows (%d consistent) in %d ms;"
        + " max heap %d MiB, largest heap in use after a collection %d MiB%n", v, all.size(), rows.size(), consistent,
        elapsed, Runtime.getRuntime().maxMemory() >> 20, liveAfterGc.get() >> 20);
  }

  /**
   * The sequence target: V = 32,768, horizon 64, 64 contexts (4,033 rows, never all held), the 15
   * pairs of {@link SequenceBenchmark}, baseline none, 64 batches of B = 64, in a 1 GiB heap.
   */
  static void sequence() {
    AtomicLong liveAfterGc = watchHeapAfterCollections();
    long start = System.nanoTime();
    klbench.core.SequenceEvaluation ev = klbench.core.SequenceEvaluation.prepare(SequenceBenchmark.sequenceModel(),
        SequenceBenchmark.pairs(), List.of(1.0), List.of(Baseline.NONE));
    List<Metrics> rows = ev.evaluate(List.of(SequenceBenchmark.BATCH), 64, 1L, "memory").metrics();
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    int consistent = 0;
    for (Metrics m : rows) if (m.consistent) consistent++;
    System.out.printf("memory check (responses): V=%d, T=%d, %d contexts, %d lanes: %d rows (%d consistent) in %d ms;"
        + " max heap %d MiB, largest heap in use after a collection %d MiB%n", SequenceBenchmark.V, SequenceBenchmark.HORIZON,
        SequenceBenchmark.CONTEXTS, SequenceBenchmark.pairs().size(), rows.size(), consistent, elapsed,
        Runtime.getRuntime().maxMemory() >> 20, liveAfterGc.get() >> 20);
  }

  /** The largest total heap in use just after any garbage collection, updated as they happen. */
  private static AtomicLong watchHeapAfterCollections() {
    AtomicLong max = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) used += u.getUsed();
        max.accumulateAndGet(used, Math::max);
      }, null, null);
    }
    return max;
  }
}
