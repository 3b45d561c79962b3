package klbench.bench;

import java.util.List;
import klbench.core.Baseline;
import klbench.core.Contexts;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.LogSpace;
import klbench.core.SequenceEvaluation;
import klbench.core.SequenceModel;
import klbench.core.Triple;
import klbench.core.ValueFunction;
import java.util.ArrayList;
import java.util.SplittableRandom;

/** Scratch timing probe: exact pass and Monte Carlo of a sequence model. Args: V T N B R kept. */
public final class SequenceProbe {
  public static void main(String[] a) {
    int v = Integer.parseInt(a[0]), t = Integer.parseInt(a[1]);
    long n = Long.parseLong(a[2]);
    int b = Integer.parseInt(a[3]), r = Integer.parseInt(a[4]);
    boolean kept = Boolean.parseBoolean(a[5]);
    List<Estimator> ests = new ArrayList<>();
    for (ValueFunction f : new ValueFunction[] {ValueFunction.K1, ValueFunction.K2, ValueFunction.K3}) {
      for (GradientRule g : new GradientRule[] {GradientRule.LOSS, GradientRule.LOSS_RATIO, GradientRule.REWARD, GradientRule.REWARD_TOTAL, GradientRule.REWARD_IS}) ests.add(Estimator.of(f, g));
    }
    SequenceModel.RowSource src = (pos, c) -> {
      SplittableRandom rnd = new SplittableRandom(pos * 1_000_003L + c);
      double[] th = new double[v], tq = new double[v], tm = new double[v];
      for (int i = 0; i < v; i++) {
        th[i] = 2 * (rnd.nextDouble() - 0.5) * 3;
        tq[i] = th[i] + 0.3 * (rnd.nextDouble() - 0.5);
        tm[i] = th[i] + 0.2 * (rnd.nextDouble() - 0.5);
      }
      return Triple.of(LogSpace.logSoftmax(th), LogSpace.logSoftmax(tq), LogSpace.logSoftmax(tm));
    };
    Contexts ctx = n == 0 ? Contexts.tree() : new Contexts(n);
    SequenceModel model = kept ? SequenceModel.of(v, t, ctx, src) : SequenceModel.rebuilt(v, t, ctx, src);
    SequenceEvaluation ev = SequenceEvaluation.prepare(model, ests, List.of(1.0), List.of(Baseline.NONE));
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int rep = 0; rep < 3; rep++) {
      long t0 = mx.getCurrentThreadCpuTime();
      ev.truth();
      long t1 = mx.getCurrentThreadCpuTime();
      SequenceEvaluation.Result res = ev.evaluate(List.of(b), r, 1L, "probe");
      long t2 = mx.getCurrentThreadCpuTime();
      double exact = (t1 - t0) / 1e9, all = (t2 - t1) / 1e9;
      long tokens = (long) b * r * t;
      System.out.printf("(CPU) rows=%d exact %.2f s, exact+MC %.2f s, MC %.2f s for %d tokens: %.2f M tokens/s; heap %d MiB%n",
          model.rowCount(), exact, all, all - exact, tokens, tokens / (all - exact) / 1e6,
          (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    }
  }
}
