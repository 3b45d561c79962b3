package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * G_seq = ∇ KL(P‖Q) and G_seq_fwd = ∇ KL(Q‖P) against finite differences of the divergences
 * themselves, on every coordinate (every logit of every row of P). Five-point stencil, h = 1e-3:
 * truncation O(h⁴) ≈ 1e-12 and rounding ≈ 1e-16/h, so 1e-9 relative to ‖G‖ is far above the
 * error and far below any mistake.
 */
class TruthFiniteDifferenceTest {
  private static final double H = 1e-3;

  private static double[] fivePoint(Model m, ResponseSpace layout, ToDoubleFunction<Model> kl) {
    double[] out = new double[layout.dimension()];
    for (int t = 1; t <= m.horizon(); t++) {
      for (int c = 0; c < m.contextsAt(t); c++) {
        for (int j = 0; j < m.vocab(); j++) {
          double[] at = new double[5];
          for (int k = -2; k <= 2; k++) {
            if (k == 0) continue;
            Model shifted = m.copy();
            shifted.logP()[t - 1][c][j] += k * H;
            at[k + 2] = kl.applyAsDouble(shifted);
          }
          out[layout.rowOffset(t, c) + j] = (at[0] - 8 * at[1] + 8 * at[3] - at[4]) / (12 * H);
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2} offPolicy={3}")
  @CsvSource({"2,2,2,false", "2,3,2,true", "2,3,0,false", "3,2,0,true", "3,3,2,false", "3,3,1,true", "4,2,2,false",
      "4,3,0,false"})
  void gradientsAreFiniteDifferencesOfTheDivergences(int v, int horizon, int contexts, boolean offPolicy) {
    Model m = OracleFixtures.model(new int[] {v, horizon, contexts}, offPolicy, 31L * v + horizon + contexts);
    SequenceOracle oracle = new SequenceOracle(m);
    SequenceTruth t = oracle.truth();
    double[] fd = fivePoint(m, oracle.space(), SequenceOracle::klSeq);
    double[] fdFwd = fivePoint(m, oracle.space(), SequenceOracle::klSeqFwd);
    assertEquals(oracle.space().dimension(), fd.length);
    String what = OracleFixtures.name(m);
    Close.vectors(fd, t.gradSeq(), 1e-9, 0, what + " G_seq");
    Close.vectors(fdFwd, t.gradSeqFwd(), 1e-9, 0, what + " G_seq_fwd");
  }

  /** Σ_y P(y) Σ_t γ^{t−1} ℓ_t(y) = Σ_t γ^{t−1} E_P[KL of the row at t], by enumeration. */
  private static double discountedKl(Model m, double gamma) {
    double out = 0;
    for (Response y : new ResponseSpace(m).responses()) {
      double sum = 0;
      for (int t = 1; t <= m.horizon(); t++) sum += Math.pow(gamma, t - 1) * y.logRatio()[t - 1];
      out += y.probP() * sum;
    }
    return out;
  }

  /** SEQUENCES.md "Targets": with γ < 1, on-policy k1/reward_total follows ∇ Σ_t γ^{t−1} KL_t. */
  @ParameterizedTest(name = "V={0} T={1} contexts={2}")
  @CsvSource({"2,3,2", "3,2,0", "3,3,2", "4,3,1"})
  void discountedRewardTotalFollowsTheDiscountedKl(int v, int horizon, int contexts) {
    double gamma = 0.9;
    Model m = OracleFixtures.model(new int[] {v, horizon, contexts}, false, 5L * v + horizon);
    SequenceOracle oracle = new SequenceOracle(m);
    double[] fd = fivePoint(m, oracle.space(), model -> discountedKl(model, gamma));
    OracleEstimator e = OracleEstimator.of(OracleEstimator.Value.K1, OracleEstimator.Rule.REWARD_TOTAL);
    Close.vectors(fd, oracle.evaluate(e, OracleBaseline.NONE, gamma, 1).meanGradient(), 1e-9, 0,
        OracleFixtures.name(m) + " k1/reward_total at γ = 0.9");
  }
}
