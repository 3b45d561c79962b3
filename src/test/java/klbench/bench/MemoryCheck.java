package klbench.bench;

import java.util.ArrayList;
import java.util.List;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.Metrics;
import klbench.core.Triple;
import klbench.core.TripleEvaluation;
import klbench.core.ValueFunction;

/**
 * The memory target: V = 1,048,576 with every (value, rule) pair and baselines none and loo, one
 * full chunk of B = 1024, in a 1 GiB heap. Run it with {@code -Xmx1g} (submit/bench does); it
 * prints the peak heap used and fails with OutOfMemoryError otherwise.
 */
public final class MemoryCheck {
  private MemoryCheck() {}

  public static void main(String[] args) {
    int v = 1 << 20;
    List<Estimator> all = new ArrayList<>();
    for (ValueFunction f : ValueFunction.values()) {
      for (GradientRule r : GradientRule.values()) all.add(Estimator.of(f, r));
    }
    long start = System.nanoTime();
    Triple t = CoreBenchmark.triple(v, 5);
    TripleEvaluation ev = TripleEvaluation.prepare(t, all, List.of(Baseline.NONE, Baseline.LOO));
    List<Metrics> rows = ev.evaluate(1024, 512, 1L, "memory");
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    long peak = 0;
    for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
    }
    int consistent = 0;
    for (Metrics m : rows) if (m.consistent) consistent++;
    System.out.printf("memory check: V=%d, %d estimators x 2 baselines, 512 batches of 1024: %d rows (%d consistent) in %d ms;"
        + " max heap %d MiB, peak heap used %d MiB%n", v, all.size(), rows.size(), consistent, elapsed,
        Runtime.getRuntime().maxMemory() >> 20, peak >> 20);
  }
}
