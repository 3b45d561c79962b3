package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import klbench.oracle.OracleEstimator.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * At T = 1 the oracle's enumeration must reproduce the single-token closed forms of ESTIMATORS.md,
 * written out here: the coefficient table, {@code E[ĝ]_j = μ_j a_j − p_j Σ μ a}, {@code E‖ĝ‖² = Σ μ
 * a² (1 − 2p + ‖p‖²)}, {@code grad_var = tr Cov / B}, {@code G = p (ℓ − KL)}, {@code G_fwd = p − q},
 * and for loo (B = 2) the double sum over the two tokens. Relative 1e-12.
 */
class SingleTokenClosedFormTest {
  private static final double REL = 1e-12;

  /** The closed-form metrics of one (estimator, baseline, B) on one token distribution. */
  private record Closed(double[] mean, double var, double mse, double bias, double valueMean, double valueStd) {}

  /** One token row: p, q, μ, ℓ, w. */
  private record Row(double[] p, double[] q, double[] mu, double[] l, double[] w) {
    static Row of(ResponseSpace s) {
      double[] p = s.p(1, 0);
      double[] q = s.q(1, 0);
      double[] mu = s.mu(1, 0);
      double[] l = new double[p.length];
      double[] w = new double[p.length];
      for (int x = 0; x < p.length; x++) {
        l[x] = s.logP(1, 0)[x] - s.logQ(1, 0)[x];
        w[x] = Math.exp(s.logP(1, 0)[x] - s.logMu(1, 0)[x]);
      }
      return new Row(p, q, mu, l, w);
    }

    double kl() {
      double s = 0;
      for (int x = 0; x < p.length; x++) s += p[x] * l[x];
      return s;
    }

    double[] grad() {
      double kl = kl();
      double[] g = new double[p.length];
      for (int j = 0; j < p.length; j++) g[j] = p[j] * (l[j] - kl);
      return g;
    }

    double pSquared() { return Vectors.dot(p, p); }
  }

  /** ESTIMATORS.md's coefficient table at one token; at T = 1 every reward rule is the single-token reward. */
  private static double weight(OracleEstimator e, Row r, int x) { return e.rule().tokenRule() ? 1.0 : r.w[x]; }

  private static double target(OracleEstimator e, Row r, int x) {
    double l = r.l[x];
    double w = r.w[x];
    double f = e.f(l);
    double fp = e.fPrime(l);
    return switch (e.rule()) {
      case LOSS -> fp;
      case LOSS_RATIO -> w * (f + fp);
      case LOSS_RATIO_DETACHED -> w * fp;
      case LOSS_SCORE -> f + fp;
      case STRAIGHT_THROUGH -> l;
      case STRAIGHT_THROUGH_RATIO -> Math.min(w, e.ratioClip()) * l;
      case REWARD, REWARD_TOKEN, REWARD_TOTAL, REWARD_IS -> f;
    };
  }

  private static Closed closed(Row r, OracleEstimator e, OracleBaseline b, int batch) {
    int v = r.p.length;
    double[] omega = new double[v];
    double[] z = new double[v];
    double zBar = 0;
    double num = 0;
    double den = 0;
    for (int x = 0; x < v; x++) {
      omega[x] = weight(e, r, x);
      z[x] = target(e, r, x);
      zBar += r.mu[x] * z[x];
      num += r.mu[x] * omega[x] * z[x];
      den += r.mu[x] * omega[x];
    }
    double pp = r.pSquared();
    double[] g = r.grad();
    double[] mean = new double[v];
    double second;
    if (b.kind() == OracleBaseline.Kind.LOO) {
      // E[ĝ_B] = E[ω_x (z_x − z_y) s_x] over independent x, y: the oracle form with b = E_μ[z].
      double[] a = new double[v];
      double sumMuA = 0;
      for (int x = 0; x < v; x++) {
        a[x] = omega[x] * (z[x] - zBar);
        sumMuA += r.mu[x] * a[x];
      }
      for (int j = 0; j < v; j++) mean[j] = r.mu[j] * a[j] - r.p[j] * sumMuA;
      // E‖(a_xy s_x + a_yx s_y)/2‖², a_xy = ω_x (z_x − z_y), s_x·s_y = [x = y] − p_x − p_y + ‖p‖².
      second = 0;
      for (int x = 0; x < v; x++) {
        for (int y = 0; y < v; y++) {
          double axy = omega[x] * (z[x] - z[y]);
          double ayx = omega[y] * (z[y] - z[x]);
          double sxx = 1 - 2 * r.p[x] + pp;
          double syy = 1 - 2 * r.p[y] + pp;
          double sxy = (x == y ? 1 : 0) - r.p[x] - r.p[y] + pp;
          second += r.mu[x] * r.mu[y] * (axy * axy * sxx + ayx * ayx * syy + 2 * axy * ayx * sxy) / 4;
        }
      }
    } else {
      double base = switch (b.kind()) {
        case NONE -> 0.0;
        case CONST -> -b.constant();
        case ORACLE -> num / den;
        case LOO -> throw new AssertionError();
      };
      double[] a = new double[v];
      double sumMuA = 0;
      double single = 0;
      for (int x = 0; x < v; x++) {
        a[x] = omega[x] * (z[x] - base);
        sumMuA += r.mu[x] * a[x];
        single += r.mu[x] * a[x] * a[x] * (1 - 2 * r.p[x] + pp);
      }
      for (int j = 0; j < v; j++) mean[j] = r.mu[j] * a[j] - r.p[j] * sumMuA;
      double traceCov = single - Vectors.dot(mean, mean);
      second = traceCov / batch + Vectors.dot(mean, mean);
    }
    double var = second - Vectors.dot(mean, mean);
    double bias = Vectors.distance(mean, g);
    double valueMean = 0;
    for (int x = 0; x < v; x++) valueMean += r.mu[x] * e.f(r.l[x]);
    double valueVar = 0;
    for (int x = 0; x < v; x++) valueVar += r.mu[x] * Math.pow(e.f(r.l[x]) - valueMean, 2);
    return new Closed(mean, var, bias * bias + var, bias, valueMean, Math.sqrt(valueVar));
  }

  private static List<OracleEstimator> estimators() {
    List<OracleEstimator> out = new ArrayList<>(OracleFixtures.allPairs());
    out.addAll(OracleFixtures.clamped());
    return out;
  }

  @ParameterizedTest(name = "V={0} offPolicy={1}")
  @CsvSource({"2,false", "2,true", "3,false", "3,true", "4,false", "4,true", "6,true"})
  void everyMetricEqualsTheSingleTokenClosedForm(int v, boolean offPolicy) {
    Model m = offPolicy ? Model.offPolicy(v, 1, 1, 1.0, 0.9, 0.7, 0.0, 50 + v) : Model.onPolicy(v, 1, 1, 1.0, 0.9, 0.0, 50 + v);
    SequenceOracle oracle = new SequenceOracle(m);
    Row r = Row.of(oracle.space());
    int checked = 0;
    for (OracleEstimator e : estimators()) {
      for (int batch = 1; batch <= 2; batch++) {
        List<OracleBaseline> baselines = new ArrayList<>(OracleFixtures.SINGLE);
        if (batch == 2) baselines.add(OracleBaseline.LOO);
        for (OracleBaseline b : baselines) {
          String what = e + " " + b + " B=" + batch + " V=" + v + (offPolicy ? " off" : " on");
          Closed c = closed(r, e, b, batch);
          BatchEvaluation o = oracle.evaluate(e, b, 1.0, batch);
          double scale = Math.max(Math.sqrt(o.gradSecondMoment()), Vectors.norm(r.grad()));
          Close.vectors(c.mean, o.meanGradient(), REL, scale, what + " E[g]");
          Close.scalars(c.var, o.gradVar(), REL, scale * scale, what + " grad_var");
          Close.scalars(c.mse, o.gradMse(), REL, 0.0, what + " grad_mse");
          Close.scalars(c.bias, o.gradBiasNorm(), REL, scale, what + " grad_bias_norm");
          Close.scalars(c.valueMean, o.valueMean(), REL, c.valueStd, what + " value_mean");
          Close.scalars(c.valueStd, o.valueStd(), REL, 0.0, what + " value_std");
          Close.scalars(c.valueMean - r.kl(), o.valueBias(), REL, c.valueStd, what + " value_bias");
          double gNorm = Vectors.norm(r.grad());
          Close.scalars(c.bias, o.gradRelBias() * gNorm, REL, scale, what + " grad_rel_bias");
          Close.nullableScalars(Math.sqrt(c.mse) / gNorm, o.gradRelRmse(), REL, what + " grad_rel_rmse");
          checked++;
        }
      }
    }
    assertEquals(estimators().size() * 7, checked);
  }

  @ParameterizedTest(name = "V={0} offPolicy={1}")
  @CsvSource({"2,true", "3,false", "4,true", "5,true"})
  void truthEqualsTheSingleTokenTargets(int v, boolean offPolicy) {
    Model m = offPolicy ? Model.offPolicy(v, 1, 2, 1.2, 0.7, 0.5, 0.0, 70 + v) : Model.onPolicy(v, 1, 2, 1.2, 0.7, 0.0, 70 + v);
    SequenceOracle oracle = new SequenceOracle(m);
    Row r = Row.of(oracle.space());
    SequenceTruth t = oracle.truth();
    double kl = r.kl();
    double klFwd = 0;
    double klBehaviour = 0;
    double entropy = 0;
    double[] gFwd = new double[v];
    for (int x = 0; x < v; x++) {
      klFwd -= r.q[x] * r.l[x];
      klBehaviour += r.mu[x] * Math.log(r.mu[x] / r.p[x]);
      entropy -= r.p[x] * Math.log(r.p[x]);
      gFwd[x] = r.p[x] - r.q[x];
    }
    Close.scalars(kl, t.klSeq(), REL, 0, "kl");
    Close.scalars(klFwd, t.klSeqFwd(), REL, 0, "kl_fwd");
    Close.scalars(klBehaviour, t.klBehaviour(), 1e-11, offPolicy ? 0 : 1e-16, "kl_behaviour");
    Close.scalars(entropy, t.entropy(), REL, 0, "entropy");
    Close.vectors(r.grad(), t.gradSeq(), REL, 0, "G");
    Close.vectors(r.grad(), t.gradPos(), REL, 0, "G_pos");
    Close.vectors(gFwd, t.gradSeqFwd(), REL, 0, "G_fwd");
    Close.vectors(gFwd, t.gradPosFwd(), REL, 0, "G_pos_fwd");
    Close.scalars(Vectors.norm(r.grad()), t.gradNorm(), REL, 0, "grad_norm");
    Close.scalars(Vectors.norm(gFwd), t.gradFwdNorm(), REL, 0, "grad_fwd_norm");
    assertTrue(t.gradFutureShare() <= 1e-15, "grad_future_share is 0 at T = 1: " + t.gradFutureShare());
    // cosines of a reward estimator against the closed-form targets
    OracleEstimator e = OracleEstimator.of(OracleEstimator.Value.K3, Rule.LOSS);
    BatchEvaluation o = oracle.evaluate(e, OracleBaseline.NONE, 1.0, 1);
    Closed c = closed(r, e, OracleBaseline.NONE, 1);
    Close.nullableScalars(Vectors.cosine(c.mean, r.grad()), o.gradCos(), REL, "grad_cos");
    Close.nullableScalars(Vectors.cosine(c.mean, gFwd), o.gradCosFwd(), REL, "grad_cos_fwd");
    Close.nullableScalars(Vectors.cosine(c.mean, r.grad()), o.gradCosPos(), REL, "grad_cos_pos");
  }

  @Test
  void k1LossHasNoCosine() {
    SequenceOracle oracle = new SequenceOracle(Model.onPolicy(4, 1, 1, 1.0, 0.9, 0.0, 3));
    BatchEvaluation o = oracle.evaluate(OracleEstimator.of(OracleEstimator.Value.K1, Rule.LOSS), OracleBaseline.NONE, 1.0, 1);
    assertTrue(Vectors.norm(o.meanGradient()) <= 1e-15, "k1/loss E[g] = 0");
    assertNull(o.gradCos());
    assertNull(o.gradCosFwd());
    assertNull(o.gradCosPos());
  }

  /** The comparison can fail: the on-policy closed form is far from the off-policy enumeration. */
  @Test
  void theComparisonDetectsAWrongBehaviour() {
    Model off = Model.offPolicy(3, 1, 1, 1.0, 0.9, 0.7, 0.0, 53);
    Row wrong = Row.of(new ResponseSpace(off.withoutBehaviour()));
    OracleEstimator e = OracleEstimator.of(OracleEstimator.Value.K2, Rule.LOSS);
    BatchEvaluation o = new SequenceOracle(off).evaluate(e, OracleBaseline.NONE, 1.0, 1);
    Closed c = closed(wrong, e, OracleBaseline.NONE, 1);
    double d = Vectors.distance(c.mean, o.meanGradient());
    assertTrue(d > 1e-3 * Vectors.norm(c.mean), "on- and off-policy E[g] of k2/loss differ: " + d);
  }
}
