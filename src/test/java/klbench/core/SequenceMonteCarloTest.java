package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scratch: Monte Carlo against exact on responses; kept and rebuilt rows give the same bits. */
class SequenceMonteCarloTest {
  @ParameterizedTest
  @CsvSource({"3,3,2,0.0", "4,3,0,0.3", "3,4,1,0.4", "5,2,3,0.0"})
  void monteCarloAgreesWithExact(int v, int horizon, long n, double behaviour) throws Exception {
    Contexts ctx = n == 0 ? Contexts.tree() : new Contexts(n);
    SequenceModel model = TestModels.random(v, horizon, ctx, 0.7, behaviour, 13, true);
    SequenceEvaluation ev = SequenceEvaluation.prepare(model, SequenceIdentitiesTest.ests(), List.of(1.0, 0.8),
        List.of(Baseline.NONE, Baseline.constant(0.4), Baseline.ORACLE, Baseline.LOO));
    SequenceEvaluation.Result r = ev.evaluate(List.of(2, 8), 3000, 5L, "mc-test");
    int bad = 0;
    for (Metrics m : r.metrics()) {
      assertTrue(m.problem == null, m.problem);
      if (!m.consistent) {
        bad++;
        System.out.println("inconsistent: " + m.estimator.name() + " γ=" + m.discount + " " + m.baseline + " B=" + m.batchSize
            + " value_z=" + m.valueZ + " grad_mse_z=" + m.gradMseZ + " exact=" + m.gradMseExact + " mc=" + m.gradMseMc + "±" + m.gradMseSe);
      }
    }
    assertTrue(bad <= 2, bad + " inconsistent of " + r.metrics().size());
    SequenceEvaluation rebuilt = SequenceEvaluation.prepare(TestModels.random(v, horizon, ctx, 0.7, behaviour, 13, false),
        SequenceIdentitiesTest.ests(), List.of(1.0, 0.8), List.of(Baseline.NONE, Baseline.constant(0.4), Baseline.ORACLE, Baseline.LOO));
    SequenceEvaluation.Result r2 = rebuilt.evaluate(List.of(2, 8), 3000, 5L, "mc-test");
    for (int i = 0; i < r.metrics().size(); i++) {
      for (Field f : Metrics.class.getFields()) assertEquals(f.get(r.metrics().get(i)), f.get(r2.metrics().get(i)), f.getName());
    }
  }
}
