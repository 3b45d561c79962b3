package klbench.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Horizon 1 is a model of one row: its table-driven loop (every coefficient a function of the
 * token, read from tables built once) and the response-by-response path of longer models compute
 * the same quantities. Their sums run in different orders, so they agree to a relative 1e-12, not
 * bit for bit; the exact columns, which share one pass, agree exactly.
 */
class OneTokenPathsTest {
  @ParameterizedTest(name = "V={0} off-policy={1} B={2}")
  @CsvSource({"50,false,8", "300,true,4", "7,true,2"})
  void theTwoMonteCarloPathsAgree(int v, boolean offPolicy, int batch) throws Exception {
    Triple t = offPolicy ? TestTriples.offPolicy(v, 0.6, 0.4, 31) : TestTriples.onPolicy(v, 0.6, 31);
    List<Estimator> ests = new ArrayList<>(TestTriples.allPairs());
    ests.add(new Estimator("verl.low_var_kl", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null));
    List<Baseline> baselines = List.of(Baseline.NONE, Baseline.constant(-0.3), Baseline.ORACLE, Baseline.LOO);
    SequenceEvaluation table = SequenceEvaluation.prepare(t, ests, baselines);
    SequenceEvaluation responses = SequenceEvaluation.prepare(t, ests, baselines);
    responses.throughResponses = true;
    List<Metrics> a = table.evaluate(List.of(batch), 700, 4L, "paths").metrics();
    List<Metrics> b = responses.evaluate(List.of(batch), 700, 4L, "paths").metrics();
    assertEquals(a.size(), b.size());
    int compared = 0;
    for (int i = 0; i < a.size(); i++) {
      for (Field f : Metrics.class.getFields()) {
        Object x = f.get(a.get(i));
        Object y = f.get(b.get(i));
        String what = a.get(i).estimator.name() + " " + a.get(i).baseline + " " + f.getName();
        if (x instanceof Double dx && y instanceof Double dy) {
          double tol = f.getName().endsWith("Exact") ? 0.0 : 1e-12 * Math.max(Math.abs(dx), 1e-300) + 1e-300;
          if (f.getName().equals("gradBiasNormMc") || f.getName().endsWith("Z")) tol = Math.max(tol, 1e-9 * Math.max(Math.abs(dx), 1.0));
          assertEquals(dx, dy, tol, what);
          compared++;
        } else {
          assertEquals(x, y, what);
        }
      }
    }
    assertTrue(compared > a.size() * 10, "compared " + compared + " numbers");
  }
}
