package klbench.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each rule's per-response gradient {@code ĝ(y) = Σ_t ω_t (z_t − b_t) s_t} against a central finite
 * difference of the surrogate a framework differentiates (ESTIMATORS.md's "what the framework
 * differentiates" column, SEQUENCES.md's rules), the response's tokens held fixed and {@code sg(·)}
 * frozen at the current logits. The returns are built backwards here ({@code G_t = r_t + γ G_{t+1}},
 * {@code z_t = r_t + γ w_{t+1} z_{t+1}} for per-decision importance sampling), as frameworks do,
 * where the oracle sums them forwards: two readings of the spec that must agree.
 */
class SurrogateGradientTest {
  private static final double H = 1e-5;

  /** The surrogate of one response at the current logits of {@code logits} (P's rows, in place). */
  private static double surrogate(OracleEstimator e, double baselineValue, double discount, Response y, Model m,
      double[][][] logits, ResponseSpace frozen) {
    int horizon = m.horizon();
    double[] lp = new double[horizon];
    double[] lp0 = new double[horizon];
    double[] lq = new double[horizon];
    double[] lm = new double[horizon];
    for (int t = 1; t <= horizon; t++) {
      int c = y.contexts()[t - 1];
      int tok = y.tokens()[t - 1];
      lp[t - 1] = LogRows.logSoftmax(logits[t - 1][c])[tok];
      lp0[t - 1] = frozen.logP(t, c)[tok];
      lq[t - 1] = frozen.logQ(t, c)[tok];
      lm[t - 1] = frozen.logMu(t, c)[tok];
    }
    double out = 0;
    if (e.rule().tokenRule()) {
      for (int t = 0; t < horizon; t++) {
        double l = lp[t] - lq[t];
        double w = Math.exp(lp[t] - lm[t]);
        double w0 = Math.exp(lp0[t] - lm[t]);
        out += switch (e.rule()) {
          case LOSS -> e.f(l);
          case LOSS_RATIO -> w * e.f(l);
          case LOSS_RATIO_DETACHED -> w0 * e.f(l);
          case LOSS_SCORE -> Math.exp(lp[t] - lp0[t]) * e.f(l);
          case STRAIGHT_THROUGH -> l * l / 2;
          case STRAIGHT_THROUGH_RATIO -> Math.min(w0, e.ratioClip()) * l * l / 2;
          default -> throw new AssertionError();
        };
        out -= baselineValue * lp[t];
      }
      return out;
    }
    double[] r = new double[horizon];
    double[] w0 = new double[horizon];
    for (int t = 0; t < horizon; t++) {
      r[t] = e.f(lp0[t] - lq[t]);
      w0[t] = Math.exp(lp0[t] - lm[t]);
    }
    double[] credit = new double[horizon];
    switch (e.rule()) {
      case REWARD -> {
        for (int t = horizon - 1; t >= 0; t--) credit[t] = r[t] + (t + 1 < horizon ? discount * credit[t + 1] : 0);
      }
      case REWARD_TOKEN -> System.arraycopy(r, 0, credit, 0, horizon);
      case REWARD_TOTAL -> {
        double total = 0;
        for (int t = horizon - 1; t >= 0; t--) total = r[t] + discount * total;
        Arrays.fill(credit, total);
      }
      case REWARD_IS -> {
        for (int t = horizon - 1; t >= 0; t--) {
          credit[t] = r[t] + (t + 1 < horizon ? discount * w0[t + 1] * credit[t + 1] : 0);
        }
      }
      default -> throw new AssertionError();
    }
    double pastRatio = 1;
    for (int t = 0; t < horizon; t++) {
      double past = e.rule() == OracleEstimator.Rule.REWARD_IS ? pastRatio : 1.0;
      out += past * Math.exp(lp[t] - lm[t]) * (credit[t] - baselineValue);
      pastRatio *= w0[t];
    }
    return out;
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2} offPolicy={3}")
  @CsvSource({"2,3,2,true", "3,2,0,true", "2,3,0,false", "3,3,2,true"})
  void perResponseGradientsAreDerivativesOfTheSurrogates(int v, int horizon, int contexts, boolean offPolicy) {
    Model m = OracleFixtures.model(new int[] {v, horizon, contexts}, offPolicy, 7L * v + horizon);
    SequenceOracle oracle = new SequenceOracle(m);
    ResponseSpace space = oracle.space();
    double[][][] logits = m.copy().logP();
    List<OracleEstimator> estimators = new ArrayList<>(OracleFixtures.allPairs());
    estimators.addAll(OracleFixtures.clamped());
    double discount = 0.9;
    int checked = 0;
    for (OracleEstimator e : estimators) {
      for (OracleBaseline b : List.of(OracleBaseline.NONE, OracleBaseline.constant(0.7))) {
        double baselineValue = b.kind() == OracleBaseline.Kind.CONST ? -b.constant() : 0.0;
        List<ResponseTerms> terms = oracle.terms(e, b, discount);
        for (ResponseTerms rt : terms) {
          Response y = rt.response();
          double[] fd = new double[space.dimension()];
          for (int t = 1; t <= horizon; t++) {
            for (int c = 0; c < m.contextsAt(t); c++) {
              for (int j = 0; j < v; j++) {
                double keep = logits[t - 1][c][j];
                logits[t - 1][c][j] = keep + H;
                double up = surrogate(e, baselineValue, discount, y, m, logits, space);
                logits[t - 1][c][j] = keep - H;
                double down = surrogate(e, baselineValue, discount, y, m, logits, space);
                logits[t - 1][c][j] = keep;
                fd[space.rowOffset(t, c) + j] = (up - down) / (2 * H);
              }
            }
          }
          Close.vectors(fd, rt.gradient(), 1e-7, 1.0, e + " " + b + " y=" + y.index() + " " + OracleFixtures.name(m));
          checked++;
        }
      }
    }
    assertEquals(estimators.size() * 2 * space.responses().size(), checked);
  }
}
