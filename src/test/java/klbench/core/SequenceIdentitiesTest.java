package klbench.core;

import static klbench.core.GradientRule.LOSS;
import static klbench.core.GradientRule.REWARD;
import static klbench.core.GradientRule.REWARD_IS;
import static klbench.core.GradientRule.REWARD_TOKEN;
import static klbench.core.GradientRule.REWARD_TOTAL;
import static klbench.core.ValueFunction.K1;
import static klbench.core.ValueFunction.K2;
import static klbench.core.ValueFunction.K3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The identities of SEQUENCES.md ("What the numbers must show"), exactly (relative 1e-10), on
 * random models larger than the oracle enumerates (up to V = 8, T = 6, and a tree of 40 rows):
 * E[ĝ] from the lanes' backward sums against G_seq, G_pos, G_pos_fwd from the targets' own pass.
 */
class SequenceIdentitiesTest {
  private static final double TOL = 1e-10;
  private static final List<Estimator> ESTIMATORS = List.of(
      Estimator.of(K1, LOSS), Estimator.of(K2, LOSS), Estimator.of(K3, LOSS), Estimator.of(K1, REWARD),
      Estimator.of(K1, REWARD_TOKEN), Estimator.of(K1, REWARD_TOTAL), Estimator.of(K1, REWARD_IS),
      Estimator.of(K3, REWARD), Estimator.of(K2, REWARD_TOTAL));
  private static final List<Baseline> BASELINES = List.of(Baseline.NONE, Baseline.constant(-0.7), Baseline.ORACLE);

  private static SequenceModel model(int v, int horizon, String contexts, double behaviour, long seed) {
    Contexts c = contexts.equals("tree") ? Contexts.tree() : new Contexts(Long.parseLong(contexts));
    return TestModels.random(v, horizon, c, 0.9, behaviour, seed, true);
  }

  private static int lane(List<Double> discounts, Estimator e, double gamma) {
    return ESTIMATORS.indexOf(e) * discounts.size() + discounts.indexOf(gamma);
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2}")
  @CsvSource({"5,4,3", "8,6,2", "3,4,tree", "6,5,1", "4,2,tree"})
  void onPolicyIdentities(int v, int horizon, String contexts) {
    SequenceModel m = model(v, horizon, contexts, 0.0, 3);
    List<Double> discounts = List.of(1.0);
    SequenceEvaluation ev = SequenceEvaluation.prepare(m, ESTIMATORS, discounts, BASELINES);
    double[][] g = ev.targetGradients();
    double[] gSeq = g[0], gPos = g[2], gPosFwd = g[3];
    double scale = TestTriples.norm(gSeq);
    assertTrue(scale > 1e-3, "a model with a gradient");
    int checked = 0;
    for (Baseline b : BASELINES) {
      String at = "V=" + v + " T=" + horizon + " contexts=" + contexts + " " + b;
      // k1/loss: E[ĝ] = 0, under every baseline (a constant added to a constant has mean 0 on-policy)
      assertTrue(TestTriples.norm(ev.expectedGradient(lane(discounts, Estimator.of(K1, LOSS), 1.0), b)) <= TOL * scale, at);
      // the reward rules with the value k1 are unbiased for G_seq, every baseline
      for (GradientRule r : List.of(REWARD, REWARD_TOTAL, REWARD_IS)) {
        double[] e = ev.expectedGradient(lane(discounts, Estimator.of(K1, r), 1.0), b);
        assertTrue(TestTriples.distance(e, gSeq) <= TOL * scale, at + " k1/" + r.id() + ": " + TestTriples.distance(e, gSeq));
      }
      // k3/loss follows the forward KL of each position, on P's own contexts
      assertTrue(TestTriples.distance(ev.expectedGradient(lane(discounts, Estimator.of(K3, LOSS), 1.0), b), gPosFwd) <= TOL * scale, at);
      // k2/loss = k1/reward_token = G_pos, missing exactly G_seq − G_pos
      assertTrue(TestTriples.distance(ev.expectedGradient(lane(discounts, Estimator.of(K2, LOSS), 1.0), b), gPos) <= TOL * scale, at);
      assertTrue(TestTriples.distance(ev.expectedGradient(lane(discounts, Estimator.of(K1, REWARD_TOKEN), 1.0), b), gPos) <= TOL * scale, at);
      checked += 6;
    }
    assertEquals(6 * BASELINES.size(), checked);
    // the same, as the result columns say it: cos(E ĝ, G_pos_fwd) = 1 for k3/loss, cos(E ĝ, G_pos) = 1 for k2/loss
    int rows = 0;
    for (Metrics row : ev.evaluate(List.of(4), 20, 1L, "identities").metrics()) {
      if (row.estimator.equals(Estimator.of(K3, LOSS))) {
        assertEquals(1.0, row.gradCosPosFwdExact, TOL, "k3/loss grad_cos_pos_fwd_exact " + row.baseline);
        rows++;
      } else if (row.estimator.equals(Estimator.of(K2, LOSS))) {
        assertEquals(1.0, row.gradCosPosExact, TOL, "k2/loss grad_cos_pos_exact " + row.baseline);
        rows++;
      }
    }
    assertEquals(2 * BASELINES.size(), rows);
    double future = TestTriples.distance(gSeq, gPos);
    Truth truth = ev.truth();
    if (contexts.equals("1")) {
      // the future does not depend on the present token: nothing flows through it
      assertTrue(future <= TOL * scale, "G_seq = G_pos at contexts 1: " + future);
      assertEquals(0.0, truth.gradFutureShare(), TOL);
    } else {
      assertTrue(future > 1e-3 * scale, "the future matters with several contexts: " + future / scale);
      assertEquals(future / scale, truth.gradFutureShare(), TOL);
    }
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2}")
  @CsvSource({"5,4,3", "8,6,2", "3,4,tree", "6,5,1"})
  void offPolicyIdentities(int v, int horizon, String contexts) {
    SequenceModel m = model(v, horizon, contexts, 0.5, 5);
    List<Double> discounts = List.of(1.0);
    SequenceEvaluation ev = SequenceEvaluation.prepare(m, ESTIMATORS, discounts, BASELINES);
    double[] gSeq = ev.targetGradients()[0];
    double scale = TestTriples.norm(gSeq);
    for (Baseline b : BASELINES) {
      String at = "V=" + v + " T=" + horizon + " contexts=" + contexts + " " + b;
      double[] is = ev.expectedGradient(lane(discounts, Estimator.of(K1, REWARD_IS), 1.0), b);
      assertTrue(TestTriples.distance(is, gSeq) <= TOL * scale, at + ": k1/reward_is is unbiased off-policy");
      for (GradientRule r : List.of(REWARD, REWARD_TOTAL)) {
        double bias = TestTriples.distance(ev.expectedGradient(lane(discounts, Estimator.of(K1, r), 1.0), b), gSeq);
        if (contexts.equals("1")) {
          assertTrue(bias <= TOL * scale, at + " k1/" + r.id() + " is unbiased at contexts 1: " + bias);
        } else {
          assertTrue(bias > 1e-4 * scale, at + " k1/" + r.id() + " with the per-token ratio is biased: " + bias / scale);
        }
      }
      // the reward rules' E[ĝ] does not depend on the baseline (it sits inside the ratio)
      for (Estimator e : List.of(Estimator.of(K1, REWARD), Estimator.of(K3, REWARD), Estimator.of(K2, REWARD_TOTAL),
          Estimator.of(K1, REWARD_IS), Estimator.of(K1, REWARD_TOKEN))) {
        double[] none = ev.expectedGradient(lane(discounts, e, 1.0), Baseline.NONE);
        double[] with = ev.expectedGradient(lane(discounts, e, 1.0), b);
        assertTrue(TestTriples.distance(none, with) <= TOL * Math.max(scale, TestTriples.norm(none)), at + " " + e.name());
      }
    }
  }

  /**
   * With γ &lt; 1, k1/reward_total at position t is γ^{t−1} times k1/reward there (it follows
   * ∇ Σ_t γ^{t−1} KL_t), and neither is G_seq any more once the future matters.
   */
  @ParameterizedTest(name = "V={0} T={1} contexts={2}")
  @CsvSource({"5,4,3", "3,4,tree"})
  void discountScalesRewardTotalByPosition(int v, int horizon, String contexts) {
    SequenceModel m = model(v, horizon, contexts, 0.0, 7);
    double gamma = 0.8;
    List<Double> discounts = List.of(1.0, gamma);
    SequenceEvaluation ev = SequenceEvaluation.prepare(m, ESTIMATORS, discounts, List.of(Baseline.NONE));
    double[] total = ev.expectedGradient(lane(discounts, Estimator.of(K1, REWARD_TOTAL), gamma), Baseline.NONE);
    double[] toGo = ev.expectedGradient(lane(discounts, Estimator.of(K1, REWARD), gamma), Baseline.NONE);
    double[] gSeq = ev.targetGradients()[0];
    double scale = TestTriples.norm(toGo);
    int rowsChecked = 0;
    for (int t = 1; t <= horizon; t++) {
      double factor = Math.pow(gamma, t - 1);
      for (int c = 0; c < m.rowsAt(t); c++) {
        int base = (m.firstRow(t) + c) * v;
        for (int y = 0; y < v; y++) assertEquals(factor * toGo[base + y], total[base + y], TOL * scale, "t=" + t);
        rowsChecked++;
      }
    }
    assertEquals(m.rowCount(), rowsChecked);
    assertTrue(TestTriples.distance(toGo, gSeq) > 1e-4 * TestTriples.norm(gSeq), "discounted reward-to-go is biased");
  }
}
