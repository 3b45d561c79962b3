package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import klbench.oracle.OracleEstimator.Rule;
import klbench.oracle.OracleEstimator.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SEQUENCES.md "What the numbers must show" and the claims of its "Targets", "Rules" and "Baselines"
 * sections, by enumeration on models with V ∈ {2, 3, 4}, T ∈ {1, 2, 3}, contexts 1, 2 and tree,
 * on- and off-policy, discount 1 and 0.9. Equalities to 1e-10 relative (to ‖G_seq‖ or the typical
 * ‖ĝ‖ where the vectors vanish); a bias is "clearly present" above 1e-6 ‖G_seq‖, 10⁴ times the
 * equality tolerance.
 */
class SequenceIdentitiesTest {
  private static final double REL = 1e-10;
  private static final double CLEAR = 1e-6;

  /** Every baseline, with the batch it needs: none, const(0.7), oracle at B = 1; loo at B = 2. */
  private static List<BatchEvaluation> underEveryBaseline(SequenceOracle o, OracleEstimator e, double discount) {
    List<BatchEvaluation> out = new ArrayList<>();
    for (OracleBaseline b : OracleFixtures.SINGLE) out.add(o.evaluate(e, b, discount, 1));
    out.add(o.evaluate(e, OracleBaseline.LOO, discount, 2));
    return out;
  }

  private static double scale(SequenceOracle o, BatchEvaluation ev) {
    return Math.max(o.truth().gradNorm(), Math.sqrt(ev.gradSecondMoment()));
  }

  private static String what(BatchEvaluation ev, Model m) {
    return ev.estimator() + " " + ev.baseline() + " B=" + ev.batch() + " γ=" + ev.discount() + " " + OracleFixtures.name(m);
  }

  private static OracleEstimator k(Value v, Rule r) { return OracleEstimator.of(v, r); }

  /** On-policy, γ = 1: the five checks of khanhptnk/kl-penalty-in-grpo, at every size. */
  @Test
  void onPolicyIdentities() {
    int biased = 0;
    for (Model m : OracleFixtures.models(false)) {
      SequenceOracle o = new SequenceOracle(m);
      SequenceTruth t = o.truth();
      for (BatchEvaluation ev : underEveryBaseline(o, k(Value.K1, Rule.LOSS), 1.0)) {
        Close.vectors(new double[t.gradSeq().length], ev.meanGradient(), REL, scale(o, ev), what(ev, m) + ": E[g] = 0");
      }
      for (Rule r : List.of(Rule.REWARD, Rule.REWARD_TOTAL, Rule.REWARD_IS)) {
        for (BatchEvaluation ev : underEveryBaseline(o, k(Value.K1, r), 1.0)) {
          Close.vectors(t.gradSeq(), ev.meanGradient(), REL, scale(o, ev), what(ev, m) + ": E[g] = G_seq");
        }
      }
      BatchEvaluation k3 = o.evaluate(k(Value.K3, Rule.LOSS), OracleBaseline.NONE, 1.0, 1);
      Close.vectors(t.gradPosFwd(), k3.meanGradient(), REL, scale(o, k3), what(k3, m) + ": E[g] = G_pos_fwd");
      double fwdGap = Vectors.distance(t.gradPosFwd(), t.gradSeqFwd());
      if (OracleFixtures.futureMatters(m)) {
        assertTrue(fwdGap > CLEAR * t.gradFwdNorm(), OracleFixtures.name(m) + ": G_pos_fwd is not G_seq_fwd, " + fwdGap);
      } else {
        assertTrue(fwdGap <= REL * t.gradFwdNorm(), OracleFixtures.name(m) + ": one context: G_pos_fwd = G_seq_fwd");
      }
      for (OracleEstimator e : List.of(k(Value.K2, Rule.LOSS), k(Value.K1, Rule.REWARD_TOKEN))) {
        BatchEvaluation ev = o.evaluate(e, OracleBaseline.NONE, 1.0, 1);
        Close.vectors(t.gradPos(), ev.meanGradient(), REL, scale(o, ev), what(ev, m) + ": E[g] = G_pos");
        Close.scalars(Vectors.distance(t.gradSeq(), t.gradPos()), ev.gradBiasNorm(), REL, t.gradNorm(),
            what(ev, m) + ": bias = |G_seq − G_pos|");
      }
      if (OracleFixtures.futureMatters(m)) {
        assertTrue(t.gradFutureShare() > 1e-3, OracleFixtures.name(m) + ": future share " + t.gradFutureShare());
        biased++;
      } else {
        Close.vectors(t.gradSeq(), t.gradPos(), REL, 0, OracleFixtures.name(m) + ": G_seq = G_pos");
        assertTrue(t.gradFutureShare() <= REL, OracleFixtures.name(m) + ": future share " + t.gradFutureShare());
      }
    }
    assertEquals(8, biased, "models where the future depends on the present token");
  }

  /** k3 + k3′ = ℓ: k3/loss_ratio and k1/reward_token give the same ĝ(y) on every response; on-policy k3/loss_score too. */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void k3LossRatioIsK1RewardTokenPerResponse(boolean offPolicy) {
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      List<ResponseTerms> ratio = o.terms(k(Value.K3, Rule.LOSS_RATIO), OracleBaseline.NONE, 1.0);
      List<ResponseTerms> score = o.terms(k(Value.K3, Rule.LOSS_SCORE), OracleBaseline.NONE, 1.0);
      List<ResponseTerms> reward = o.terms(k(Value.K1, Rule.REWARD_TOKEN), OracleBaseline.NONE, 1.0);
      for (int i = 0; i < ratio.size(); i++) {
        String what = OracleFixtures.name(m) + " y=" + i;
        Close.vectors(reward.get(i).gradient(), ratio.get(i).gradient(), REL, 1.0, what + " k3/loss_ratio");
        if (!offPolicy) Close.vectors(reward.get(i).gradient(), score.get(i).gradient(), REL, 1.0, what + " k3/loss_score");
      }
    }
  }

  /** Off-policy, γ = 1: reward_is unbiased; reward and reward_total biased exactly when the future depends on the present. */
  @Test
  void offPolicyIdentities() {
    int biased = 0;
    for (Model m : OracleFixtures.models(true)) {
      SequenceOracle o = new SequenceOracle(m);
      SequenceTruth t = o.truth();
      for (BatchEvaluation ev : underEveryBaseline(o, k(Value.K1, Rule.REWARD_IS), 1.0)) {
        Close.vectors(t.gradSeq(), ev.meanGradient(), REL, scale(o, ev), what(ev, m) + ": E[g] = G_seq");
      }
      for (Rule r : List.of(Rule.REWARD, Rule.REWARD_TOTAL)) {
        for (BatchEvaluation ev : underEveryBaseline(o, k(Value.K1, r), 1.0)) {
          if (OracleFixtures.futureMatters(m)) {
            assertTrue(ev.gradBiasNorm() > CLEAR * t.gradNorm(), what(ev, m) + ": biased, |bias| = " + ev.gradBiasNorm());
            biased++;
          } else {
            Close.vectors(t.gradSeq(), ev.meanGradient(), REL, scale(o, ev), what(ev, m) + ": unbiased");
          }
        }
      }
    }
    assertEquals(8 * 2 * 4, biased);
  }

  /** Reward rules: E[ĝ] is the same under every baseline, on- and off-policy, any value and discount. */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void rewardRulesIgnoreTheBaseline(boolean offPolicy) {
    List<OracleEstimator> estimators = new ArrayList<>();
    for (Value v : Value.values()) estimators.addAll(OracleFixtures.rewardRules(v));
    estimators.add(k(Value.K3, Rule.REWARD_IS).clamped(0.3, 0.04));
    int checked = 0;
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      for (OracleEstimator e : estimators) {
        double discount = checked % 2 == 0 ? 1.0 : 0.9;
        List<BatchEvaluation> all = underEveryBaseline(o, e, discount);
        for (BatchEvaluation ev : all.subList(1, all.size())) {
          Close.vectors(all.get(0).meanGradient(), ev.meanGradient(), REL, scale(o, ev), what(ev, m) + " vs none");
        }
        checked++;
      }
    }
    assertEquals(OracleFixtures.SHAPES.length * 17, checked);
  }

  /** reward_is off-policy has the on-policy E[ĝ] of reward, every value function, discount and baseline. */
  @Test
  void rewardIsOffPolicyIsRewardOnPolicy() {
    List<OracleEstimator> values = new ArrayList<>();
    for (Value v : Value.values()) values.add(k(v, Rule.REWARD_IS));
    values.add(k(Value.K3, Rule.REWARD_IS).clamped(0.3, 0.04));
    int checked = 0;
    for (Model m : OracleFixtures.models(true)) {
      SequenceOracle off = new SequenceOracle(m);
      SequenceOracle on = new SequenceOracle(m.withoutBehaviour());
      for (OracleEstimator e : values) {
        OracleEstimator reward = new OracleEstimator(e.value(), e.clampLogRatio(), e.clampValue(), Rule.REWARD, e.ratioClip());
        for (double discount : new double[] {1.0, 0.9}) {
          List<BatchEvaluation> offs = underEveryBaseline(off, e, discount);
          List<BatchEvaluation> ons = underEveryBaseline(on, reward, discount);
          for (int i = 0; i < offs.size(); i++) {
            Close.vectors(ons.get(i).meanGradient(), offs.get(i).meanGradient(), REL, scale(off, offs.get(i)),
                what(offs.get(i), m) + " vs on-policy reward");
            checked++;
          }
        }
      }
    }
    assertEquals(OracleFixtures.SHAPES.length * 5 * 2 * 4, checked);
  }

  /** Token rules off-policy: loo shifts E[ĝ] on row (t, c) by −Ā_t d^M_t(c) (μ − p), Ā_t = E_M[z_t]. */
  @Test
  void looShiftsTokenRulesOffPolicy() {
    int checked = 0;
    for (Model m : OracleFixtures.models(true)) {
      SequenceOracle o = new SequenceOracle(m);
      ResponseSpace s = o.space();
      for (OracleEstimator e : OracleFixtures.allPairs()) {
        if (!e.rule().tokenRule()) continue;
        List<ResponseTerms> terms = o.terms(e, OracleBaseline.NONE, 1.0);
        double[] aBar = new double[m.horizon()];
        for (ResponseTerms rt : terms) {
          for (int pos = 0; pos < m.horizon(); pos++) aBar[pos] += rt.response().probM() * rt.target()[pos];
        }
        double[] expected = o.evaluate(e, OracleBaseline.NONE, 1.0, 1).meanGradient().clone();
        for (int pos = 1; pos <= m.horizon(); pos++) {
          for (int c = 0; c < m.contextsAt(pos); c++) {
            double[] mu = s.mu(pos, c);
            double[] p = s.p(pos, c);
            double dM = o.truth().occupancyM()[pos - 1][c];
            for (int j = 0; j < m.vocab(); j++) expected[s.rowOffset(pos, c) + j] -= aBar[pos - 1] * dM * (mu[j] - p[j]);
          }
        }
        BatchEvaluation loo = o.evaluate(e, OracleBaseline.LOO, 1.0, 2);
        Close.vectors(expected, loo.meanGradient(), REL, scale(o, loo), what(loo, m) + ": loo shift");
        checked++;
      }
    }
    assertEquals(OracleFixtures.SHAPES.length * 4 * 6, checked);
  }

  /**
   * γ = 0.9: E[ĝ] of reward_total at position t is γ^{t−1} times that of reward (on- and
   * off-policy); at contexts 1 k1/reward and k1/reward_is stay unbiased with every baseline; where
   * the future depends on the present, both are biased (the targets are undiscounted).
   */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void discountedRules(boolean offPolicy) {
    double gamma = 0.9;
    int biased = 0;
    int unbiased = 0;
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      SequenceTruth t = o.truth();
      for (Value v : Value.values()) {
        BatchEvaluation total = o.evaluate(k(v, Rule.REWARD_TOTAL), OracleBaseline.NONE, gamma, 1);
        BatchEvaluation toGo = o.evaluate(k(v, Rule.REWARD), OracleBaseline.NONE, gamma, 1);
        for (int pos = 1; pos <= m.horizon(); pos++) {
          double[] expected = Close.position(o.space(), toGo.meanGradient(), pos);
          for (int i = 0; i < expected.length; i++) expected[i] *= Math.pow(gamma, pos - 1);
          Close.vectors(expected, Close.position(o.space(), total.meanGradient(), pos), REL, scale(o, total),
              what(total, m) + " t=" + pos + ": γ^(t−1) × reward");
        }
      }
      for (Rule r : List.of(Rule.REWARD, Rule.REWARD_IS)) {
        if (m.contexts() == 1) {
          for (BatchEvaluation ev : underEveryBaseline(o, k(Value.K1, r), gamma)) {
            Close.vectors(t.gradSeq(), ev.meanGradient(), REL, scale(o, ev), what(ev, m) + ": unbiased at contexts 1");
            unbiased++;
          }
        } else if (OracleFixtures.futureMatters(m)) {
          BatchEvaluation ev = o.evaluate(k(Value.K1, r), OracleBaseline.NONE, gamma, 1);
          assertTrue(ev.gradBiasNorm() > CLEAR * t.gradNorm(), what(ev, m) + ": biased with γ < 1, " + ev.gradBiasNorm());
          biased++;
        }
      }
    }
    assertEquals(4 * 2 * 4, unbiased, "models with one context × rules × baselines");
    assertEquals(8 * 2, biased, "models where the future depends on the present × rules");
  }
}
