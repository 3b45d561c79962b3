package klbench.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Scratch: the identities of SEQUENCES.md on random models, exact passes. */
class SequenceIdentitiesTest {
  static List<Estimator> ests() {
    List<Estimator> out = new ArrayList<>();
    for (ValueFunction f : new ValueFunction[] {ValueFunction.K1, ValueFunction.K2, ValueFunction.K3}) {
      for (GradientRule r : GradientRule.values()) out.add(Estimator.of(f, r));
    }
    return out;
  }

  static double dist(double[] a, double[] b) { return TestTriples.distance(a, b); }

  @ParameterizedTest
  @CsvSource({"3,3,2", "4,3,0", "2,4,1", "5,2,3"})
  void onPolicyIdentities(int v, int horizon, long n) {
    Contexts ctx = n == 0 ? Contexts.tree() : new Contexts(n);
    SequenceModel model = TestModels.random(v, horizon, ctx, 0.7, 0.0, 11, true);
    List<Estimator> ests = ests();
    SequenceEvaluation ev = SequenceEvaluation.prepare(model, ests, List.of(1.0), List.of(Baseline.NONE, Baseline.constant(0.4), Baseline.ORACLE));
    double[][] g = ev.targetGradients();
    double gn = TestTriples.norm(g[0]);
    double[] posFwd = new double[g[0].length];
    // G_pos_fwd = d (p − q): from G_seq_fwd's rows we cannot get d; compute below from the model
    for (int k = 0; k < ests.size(); k++) {
      Estimator e = ests.get(k);
      for (Baseline b : ev.baselines()) {
        double[] m = ev.expectedGradient(k, b);
        String what = e.name() + " " + b + " V=" + v + " T=" + horizon + " N=" + ctx.id();
        if (e.value() == ValueFunction.K1 && e.rule() == GradientRule.LOSS) {
          assertTrue(TestTriples.norm(m) <= 1e-10 * gn, what + " " + TestTriples.norm(m));
        }
        if (e.value() == ValueFunction.K1 && (e.rule() == GradientRule.REWARD || e.rule() == GradientRule.REWARD_TOTAL || e.rule() == GradientRule.REWARD_IS)) {
          assertTrue(dist(m, g[0]) <= 1e-10 * gn, what + " bias " + dist(m, g[0]) + " vs " + gn);
        }
        if ((e.value() == ValueFunction.K2 && e.rule() == GradientRule.LOSS) || (e.value() == ValueFunction.K1 && e.rule() == GradientRule.REWARD_TOKEN)) {
          if (b.kind() != Baseline.Kind.CONST || e.rule() == GradientRule.REWARD_TOKEN) {
            assertTrue(dist(m, g[2]) <= 1e-10 * gn, what + " vs G_pos " + dist(m, g[2]));
          }
        }
      }
    }
  }
}
