package klbench.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import klbench.core.*;

/** Scratch: per-row cost of the exact pass, one row vs a sequence model's rows. Args: V T N reps. */
public final class ExactProbe {
  public static void main(String[] a) {
    int v = Integer.parseInt(a[0]), t = Integer.parseInt(a[1]);
    long n = Long.parseLong(a[2]);
    int reps = Integer.parseInt(a[3]);
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
    SequenceModel one = SequenceModel.of(v, 1, Contexts.ONE, src);
    SequenceModel seq = SequenceModel.of(v, t, n == 0 ? Contexts.tree() : new Contexts(n), src);
    SequenceEvaluation e1 = SequenceEvaluation.prepare(one, ests, List.of(1.0), List.of(Baseline.NONE));
    SequenceEvaluation es = SequenceEvaluation.prepare(seq, ests, List.of(1.0), List.of(Baseline.NONE));
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) SequenceEvaluation.prepare(one, ests, List.of(1.0), List.of(Baseline.NONE)).truth();
      long t1 = System.nanoTime();
      es.truth();
      long t2 = System.nanoTime();
      double perOne = (t1 - t0) / 1e6 / reps;
      double perRow = (t2 - t1) / 1e6 / seq.rowCount();
      System.out.printf("one row %.3f ms; sequence %d rows %.1f ms = %.3f ms per row: ratio %.2f%n", perOne, seq.rowCount(), (t2 - t1) / 1e6, perRow, perRow / perOne);
    }
  }
}
