package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oracle against itself and against the occupancy forms of SEQUENCES.md: probabilities sum to
 * 1; entropy, KL and the forward gradient by enumeration equal their per-row sums over occupancies;
 * G_seq equals the spec's row form with the future KL W computed by conditioning the enumeration;
 * the spec's exact per-row forms of E[ĝ] and E‖ĝ‖² hold; the metrics decompose (mse = bias² + var);
 * a batch of 2 halves the variance of the one-response baselines and keeps their mean; the oracle
 * baseline zeroes the conditional mean it is defined by. Relative 1e-10.
 */
class OracleIdentitiesTest {
  private static final double REL = 1e-10;

  private static double rowKl(double[] la, double[] lb) {
    double s = 0;
    for (int j = 0; j < la.length; j++) s += Math.exp(la[j]) * (la[j] - lb[j]);
    return s;
  }

  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void probabilitiesAndOccupanciesSumToOne(boolean offPolicy) {
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      double sp = 0;
      double sq = 0;
      double sm = 0;
      for (Response y : o.responses()) {
        sp += y.probP();
        sq += y.probQ();
        sm += y.probM();
      }
      String what = OracleFixtures.name(m);
      assertEquals(1.0, sp, 1e-14, what + " Σ P");
      assertEquals(1.0, sq, 1e-14, what + " Σ Q");
      assertEquals(1.0, sm, 1e-14, what + " Σ M");
      assertEquals((int) Math.pow(m.vocab(), m.horizon()), o.responses().size(), what);
      SequenceTruth t = o.truth();
      for (double[][] d : new double[][][] {t.occupancyP(), t.occupancyQ(), t.occupancyM()}) {
        for (int pos = 0; pos < m.horizon(); pos++) {
          double s = 0;
          for (double x : d[pos]) s += x;
          assertEquals(1.0, s, 1e-14, what + " occupancy at t=" + (pos + 1));
        }
      }
    }
  }

  /**
   * Entropy, KL_seq, KL(M‖P) by enumeration against Σ_t Σ_c d_t(c) (row quantity); G_seq_fwd
   * against d^Q_t(c) (p − q); G_seq against d_t(c) p ⊙ (ℓ + W_{t+1}(next(c, ·)) − W_t(c)) with
   * W_t(c) = E_P[Σ_{t' ≥ t} ℓ_{t'} | c_t = c] by conditioning the enumeration.
   */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void targetsEqualTheirOccupancyForms(boolean offPolicy) {
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      ResponseSpace s = o.space();
      SequenceTruth t = o.truth();
      int horizon = m.horizon();
      // W_t(c) for t = 1 … T + 1 (W_{T+1} = 0), as conditional means over the responses in context c
      double[][] wNum = new double[horizon + 1][];
      double[][] wDen = new double[horizon + 1][];
      for (int pos = 1; pos <= horizon; pos++) {
        wNum[pos - 1] = new double[m.contextsAt(pos)];
        wDen[pos - 1] = new double[m.contextsAt(pos)];
      }
      for (Response y : o.responses()) {
        for (int pos = 1; pos <= horizon; pos++) {
          double future = 0;
          for (int u = pos; u <= horizon; u++) future += y.logRatio()[u - 1];
          wNum[pos - 1][y.contexts()[pos - 1]] += y.probP() * future;
          wDen[pos - 1][y.contexts()[pos - 1]] += y.probP();
        }
      }
      double entropy = 0;
      double kl = 0;
      double klBehaviour = 0;
      double[] gSeq = new double[s.dimension()];
      double[] gFwd = new double[s.dimension()];
      for (int pos = 1; pos <= horizon; pos++) {
        for (int c = 0; c < m.contextsAt(pos); c++) {
          double d = t.occupancyP()[pos - 1][c];
          double[] lp = s.logP(pos, c);
          double[] lq = s.logQ(pos, c);
          double[] p = s.p(pos, c);
          double[] q = s.q(pos, c);
          double h = 0;
          for (int j = 0; j < p.length; j++) h -= p[j] * lp[j];
          entropy += d * h;
          kl += d * rowKl(lp, lq);
          klBehaviour += t.occupancyM()[pos - 1][c] * rowKl(s.logMu(pos, c), lp);
          double wHere = wNum[pos - 1][c] / wDen[pos - 1][c];
          int off = s.rowOffset(pos, c);
          for (int j = 0; j < p.length; j++) {
            double wNext = 0;
            if (pos < horizon) {
              int next = m.next(c, j);
              wNext = wNum[pos][next] / wDen[pos][next];
            }
            gSeq[off + j] = d * p[j] * (lp[j] - lq[j] + wNext - wHere);
            gFwd[off + j] = t.occupancyQ()[pos - 1][c] * (p[j] - q[j]);
          }
        }
      }
      String what = OracleFixtures.name(m);
      Close.scalars(entropy, t.entropy(), REL, 0, what + " entropy");
      Close.scalars(kl, t.klSeq(), REL, 0, what + " KL_seq");
      Close.scalars(klBehaviour, t.klBehaviour(), REL, offPolicy ? 0 : 1e-14, what + " kl_behaviour");
      Close.scalars(wNum[0][0], t.klSeq(), REL, 0, what + " W_1(0) = KL_seq");
      Close.vectors(gSeq, t.gradSeq(), REL, 0, what + " G_seq row form");
      Close.vectors(gFwd, t.gradSeqFwd(), REL, 0, what + " G_seq_fwd row form");
    }
  }

  /**
   * SEQUENCES.md "Exact and Monte Carlo": on row (t, c), E[ĝ] = d^M_t(c) [μ ⊙ ā − p (μ · ā)] and
   * E‖ĝ‖² = Σ_t Σ_c d^M_t(c) Σ_y μ(y) (1 − 2p(y) + ‖p‖²) E[a_t² | c, y], with ā(y) = E[a_t | c_t =
   * c, y_t = y] and a_t = ω_t (z_t − b_t), the conditional moments summed from the enumeration.
   */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void exactRowFormsOfTheSpecHold(boolean offPolicy) {
    int checked = 0;
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      ResponseSpace s = o.space();
      int v = m.vocab();
      for (OracleEstimator e : OracleFixtures.sample()) {
        for (OracleBaseline b : OracleFixtures.SINGLE) {
          double discount = checked % 2 == 0 ? 1.0 : 0.9;
          double[][][] sumA = new double[m.horizon()][][];
          double[][][] sumA2 = new double[m.horizon()][][];
          double[][][] mass = new double[m.horizon()][][];
          for (int pos = 1; pos <= m.horizon(); pos++) {
            sumA[pos - 1] = new double[m.contextsAt(pos)][v];
            sumA2[pos - 1] = new double[m.contextsAt(pos)][v];
            mass[pos - 1] = new double[m.contextsAt(pos)][v];
          }
          for (ResponseTerms rt : o.terms(e, b, discount)) {
            Response y = rt.response();
            for (int pos = 1; pos <= m.horizon(); pos++) {
              int c = y.contexts()[pos - 1];
              int tok = y.tokens()[pos - 1];
              double a = rt.coefficient()[pos - 1];
              sumA[pos - 1][c][tok] += y.probM() * a;
              sumA2[pos - 1][c][tok] += y.probM() * a * a;
              mass[pos - 1][c][tok] += y.probM();
            }
          }
          double[] mean = new double[s.dimension()];
          double second = 0;
          for (int pos = 1; pos <= m.horizon(); pos++) {
            for (int c = 0; c < m.contextsAt(pos); c++) {
              double dM = o.truth().occupancyM()[pos - 1][c];
              double[] mu = s.mu(pos, c);
              double[] p = s.p(pos, c);
              double pp = Vectors.dot(p, p);
              double[] aBar = new double[v];
              for (int j = 0; j < v; j++) aBar[j] = sumA[pos - 1][c][j] / mass[pos - 1][c][j];
              double muA = 0;
              for (int j = 0; j < v; j++) muA += mu[j] * aBar[j];
              int off = s.rowOffset(pos, c);
              for (int j = 0; j < v; j++) {
                mean[off + j] = dM * (mu[j] * aBar[j] - p[j] * muA);
                second += dM * mu[j] * (1 - 2 * p[j] + pp) * sumA2[pos - 1][c][j] / mass[pos - 1][c][j];
              }
            }
          }
          BatchEvaluation ev = o.evaluate(e, b, discount, 1);
          String what = e + " " + b + " γ=" + discount + " " + OracleFixtures.name(m);
          double scale = Math.max(Math.sqrt(ev.gradSecondMoment()), o.truth().gradNorm());
          Close.vectors(mean, ev.meanGradient(), REL, scale, what + " E[g] row form");
          Close.scalars(second, ev.gradSecondMoment(), REL, 0, what + " E|g|² row form");
          checked++;
        }
      }
    }
    assertEquals(OracleFixtures.SHAPES.length * OracleFixtures.sample().size() * OracleFixtures.SINGLE.size(), checked);
  }

  /** grad_mse = grad_bias_norm² + grad_var and E‖ĝ_B‖² = grad_var + ‖E ĝ_B‖², every baseline and batch. */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void metricsDecompose(boolean offPolicy) {
    int checked = 0;
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      for (OracleEstimator e : OracleFixtures.sample()) {
        for (int batch = 1; batch <= 2; batch++) {
          for (OracleBaseline b : batch == 1 ? OracleFixtures.SINGLE : List.of(OracleBaseline.LOO)) {
            BatchEvaluation ev = o.evaluate(e, b, 0.9, batch);
            String what = e + " " + b + " B=" + batch + " " + OracleFixtures.name(m);
            Close.scalars(ev.gradBiasNorm() * ev.gradBiasNorm() + ev.gradVar(), ev.gradMse(), REL, 0, what + " mse");
            double meanSq = Vectors.dot(ev.meanGradient(), ev.meanGradient());
            Close.scalars(ev.gradVar() + meanSq, ev.gradSecondMoment(), REL, 0, what + " second moment");
            checked++;
          }
        }
      }
    }
    assertEquals(OracleFixtures.SHAPES.length * OracleFixtures.sample().size() * 4, checked);
  }

  /** For none, const and oracle a batch of 2 is two independent responses: same mean, half the variance. */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void aBatchOfTwoHalvesTheVariance(boolean offPolicy) {
    int checked = 0;
    for (Model m : OracleFixtures.models(offPolicy)) {
      if (m.vocab() == 4 && m.horizon() == 3) continue; // 4096 pairs: covered by metricsDecompose's loo
      SequenceOracle o = new SequenceOracle(m);
      for (OracleEstimator e : OracleFixtures.sample()) {
        for (OracleBaseline b : OracleFixtures.SINGLE) {
          BatchEvaluation one = o.evaluate(e, b, 1.0, 1);
          BatchEvaluation two = o.evaluate(e, b, 1.0, 2);
          String what = e + " " + b + " " + OracleFixtures.name(m);
          double scale = Math.max(Math.sqrt(one.gradSecondMoment()), o.truth().gradNorm());
          Close.vectors(one.meanGradient(), two.meanGradient(), REL, scale, what + " E[g_2] = E[g_1]");
          Close.scalars(one.gradVar() / 2, two.gradVar(), REL, 0, what + " var_2 = var_1 / 2");
          assertEquals(one.valueMean(), two.valueMean(), 0.0, what + " value_mean");
          assertEquals(one.valueStd(), two.valueStd(), 0.0, what + " value_std is per response");
          checked++;
        }
      }
    }
    assertEquals((OracleFixtures.SHAPES.length - 2) * OracleFixtures.sample().size() * OracleFixtures.SINGLE.size(),
        checked);
  }

  /** The oracle baseline is defined by E_M[ω_t (z_t − b_t) | c_t = c] = 0 at every (t, c). */
  @ParameterizedTest(name = "offPolicy={0}")
  @ValueSource(booleans = {false, true})
  void theOracleBaselineZeroesItsConditionalMean(boolean offPolicy) {
    for (Model m : OracleFixtures.models(offPolicy)) {
      SequenceOracle o = new SequenceOracle(m);
      for (OracleEstimator e : OracleFixtures.sample()) {
        double[][] sum = new double[m.horizon()][];
        double[][] size = new double[m.horizon()][];
        for (int pos = 1; pos <= m.horizon(); pos++) {
          sum[pos - 1] = new double[m.contextsAt(pos)];
          size[pos - 1] = new double[m.contextsAt(pos)];
        }
        for (ResponseTerms rt : o.terms(e, OracleBaseline.ORACLE, 0.9)) {
          for (int pos = 0; pos < m.horizon(); pos++) {
            int c = rt.response().contexts()[pos];
            double scale = rt.weight()[pos] * Math.abs(rt.target()[pos]);
            sum[pos][c] += rt.response().probM() * rt.coefficient()[pos];
            size[pos][c] += rt.response().probM() * scale;
          }
        }
        for (int pos = 0; pos < m.horizon(); pos++) {
          for (int c = 0; c < sum[pos].length; c++) {
            Close.scalars(0.0, sum[pos][c], REL, size[pos][c],
                e + " " + OracleFixtures.name(m) + " t=" + (pos + 1) + " c=" + c);
          }
        }
      }
    }
  }
}
