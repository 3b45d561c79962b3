package klbench.oracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A brute-force oracle for the sequence maths of SEQUENCES.md: every quantity the sequence engine
 * reports, computed by enumerating every response {@code y ∈ {0..V−1}^T} of a small model (V^T ≤
 * 64) and, for batches of 2, every ordered pair of responses (≤ 4096), each with its probability
 * {@code M(y) = Π_t μ_{t,c_t}(y_t)}.
 *
 * <p><b>Why it is independent of the engine.</b> The engine works by forward passes (occupancies,
 * moments of the past) and backward passes (moments of the future), O(rows · V). This class has
 * none: every expectation is a plain sum over responses or batches of the quantity's definition,
 * and every conditional expectation (the oracle baseline) is a sum restricted to the responses in
 * the conditioning context. {@code G_seq} is the gradient of {@code Σ_y P(y) log(P(y)/Q(y))} written
 * per response ({@code Σ_y P(y) log(P(y)/Q(y)) ∇log P(y)}), not the spec's backward form; value
 * functions, clamps and rules are written here from the spec ({@link OracleEstimator}), and
 * nothing in klbench's main code is called.
 *
 * <p><b>Cost.</b> Building: O(V^T · D) for the targets, D = V · Σ_t H_t the number of parameters.
 * {@link #evaluate}: O(V^T · (T² + D)) time for B = 1 and O(V^{2T} · D) for B = 2 (at most 4096
 * batches, each a dense vector of D built afresh in one buffer: two passes, the mean then the
 * variance about it); memory O(V^T · T + D). Meant for tests: about a millisecond per call at these
 * sizes, a few for loo on 64 responses.
 */
public final class SequenceOracle {
  /** Below this fraction of ‖G_seq‖ the expected gradient counts as zero and its cosines are null. */
  public static final double ZERO_GRADIENT = 1e-12;

  private final ResponseSpace space;
  private final SequenceTruth truth;

  /** Enumerates {@code model}'s responses and its targets; refuses V^T above {@link ResponseSpace#MAX_RESPONSES}. */
  public SequenceOracle(Model model) {
    this.space = new ResponseSpace(model);
    this.truth = SequenceTruth.of(space);
  }

  public Model model() { return space.model(); }

  /** The enumerated responses with their probabilities under P, Q, M, and the parameter layout. */
  public ResponseSpace space() { return space; }

  public List<Response> responses() { return space.responses(); }

  public SequenceTruth truth() { return truth; }

  /** KL(P‖Q) of a model, by enumeration; its rows are log-normalised first, so any logits may be given. */
  public static double klSeq(Model model) { return new SequenceOracle(model).truth.klSeq(); }

  /** KL(Q‖P) of a model, by enumeration, as {@link #klSeq}. */
  public static double klSeqFwd(Model model) { return new SequenceOracle(model).truth.klSeqFwd(); }

  /**
   * The oracle baseline {@code b_t(c) = E_M[ω_t z_t | c_t = c] / E_M[ω_t | c_t = c]}, indexed {@code
   * [t − 1][c]}, by summing over the responses in context c at t (0 for a context M never reaches).
   */
  public double[][] oracleBaseline(OracleEstimator est, double discount) {
    checkDiscount(discount);
    Model m = space.model();
    double[][] num = new double[m.horizon()][];
    double[][] den = new double[m.horizon()][];
    for (int t = 1; t <= m.horizon(); t++) {
      num[t - 1] = new double[m.contextsAt(t)];
      den[t - 1] = new double[m.contextsAt(t)];
    }
    for (Response y : space.responses()) {
      RuleCredit cr = RuleCredit.of(est, y, discount);
      for (int t = 1; t <= m.horizon(); t++) {
        int c = y.contexts()[t - 1];
        num[t - 1][c] += y.probM() * cr.weight()[t - 1] * cr.target()[t - 1];
        den[t - 1][c] += y.probM() * cr.weight()[t - 1];
      }
    }
    double[][] out = new double[m.horizon()][];
    for (int t = 0; t < m.horizon(); t++) {
      out[t] = new double[num[t].length];
      for (int c = 0; c < num[t].length; c++) out[t][c] = den[t][c] == 0 ? 0.0 : num[t][c] / den[t][c];
    }
    return out;
  }

  /**
   * Every response's terms under a baseline of one response ({@code none}, {@code const},
   * {@code oracle}), in the order of {@link #responses()}. For {@code loo} use {@link #looTerms}.
   */
  public List<ResponseTerms> terms(OracleEstimator est, OracleBaseline baseline, double discount) {
    checkDiscount(discount);
    if (baseline.kind() == OracleBaseline.Kind.LOO) {
      throw new IllegalArgumentException("loo depends on the batch: use looTerms(est, discount, response, partner)");
    }
    RuleCredit[] credits = credits(est, discount);
    double[][] b = singleBaselines(est, baseline, discount);
    List<ResponseTerms> out = new ArrayList<>();
    for (int i = 0; i < credits.length; i++) out.add(terms(i, credits[i], b[i]));
    return out;
  }

  /**
   * The terms of response {@code response} (an index into {@link #responses()}) in a batch of 2 with
   * {@code partner} under {@code loo}: {@code b_t} = the partner's {@code z_t}.
   */
  public ResponseTerms looTerms(OracleEstimator est, double discount, int response, int partner) {
    checkDiscount(discount);
    Response partnerResponse = space.responses().get(partner);
    double[] b = RuleCredit.of(est, partnerResponse, discount).target().clone();
    return terms(response, RuleCredit.of(est, space.responses().get(response), discount), b);
  }

  /**
   * The metrics of (estimator, baseline, discount) for batches of {@code batch} ∈ {1, 2} responses
   * drawn i.i.d. from M, by enumeration of every ordered batch ({@code loo} needs 2). Two passes
   * over the batches: the mean first, then the variance about it.
   */
  public BatchEvaluation evaluate(OracleEstimator est, OracleBaseline baseline, double discount, int batch) {
    checkDiscount(discount);
    if (batch != 1 && batch != 2) throw new IllegalArgumentException("batch must be 1 or 2, got " + batch);
    if (baseline.kind() == OracleBaseline.Kind.LOO && batch != 2) {
      throw new IllegalArgumentException("loo needs a batch of 2");
    }
    RuleCredit[] credits = credits(est, discount);
    double[][] b = baseline.kind() == OracleBaseline.Kind.LOO ? null : singleBaselines(est, baseline, discount);
    double[] mean = new double[space.dimension()];
    double[] moments = new double[2]; // E‖ĝ_B‖², E‖ĝ_B − G_seq‖²
    forEachBatch(credits, b, batch, (prob, g) -> {
      Vectors.addScaled(mean, prob, g);
      moments[0] += prob * Vectors.dot(g, g);
      moments[1] += prob * Vectors.squaredDistance(g, truth.gradSeq());
    });
    double[] var = new double[1];
    forEachBatch(credits, b, batch, (prob, g) -> var[0] += prob * Vectors.squaredDistance(g, mean));

    List<Response> ys = space.responses();
    double valueMean = 0;
    for (int i = 0; i < ys.size(); i++) valueMean += ys.get(i).probM() * sum(credits[i].value());
    double valueVar = 0;
    for (int i = 0; i < ys.size(); i++) valueVar += ys.get(i).probM() * Math.pow(sum(credits[i].value()) - valueMean, 2);
    double valueStd = Math.sqrt(valueVar);

    double g = truth.gradNorm();
    double bias = Vectors.distance(mean, truth.gradSeq());
    double mse = moments[1];
    boolean zeroMean = Vectors.norm(mean) <= ZERO_GRADIENT * g;
    double kl = truth.klSeq();
    return new BatchEvaluation(est, baseline, discount, batch, mean, moments[0], var[0], mse, bias,
        g == 0 ? null : bias / g, g == 0 ? null : Math.sqrt(mse) / g,
        zeroMean ? null : Vectors.cosine(mean, truth.gradSeq()),
        zeroMean ? null : Vectors.cosine(mean, truth.gradSeqFwd()),
        zeroMean ? null : Vectors.cosine(mean, truth.gradPos()),
        zeroMean ? null : Vectors.cosine(mean, truth.gradPosFwd()),
        valueMean, valueStd, valueMean - kl, kl == 0 ? null : (valueMean - kl) / kl, kl == 0 ? null : valueStd / kl);
  }

  private interface BatchVisitor {
    void visit(double probability, double[] batchGradient);
  }

  /**
   * Calls {@code visitor} with every ordered batch's probability and ĝ_B (a buffer, reused). {@code
   * b} holds each response's baselines, or is null for loo (each response's b_t is the other's z_t).
   */
  private void forEachBatch(RuleCredit[] credits, double[][] b, int batch, BatchVisitor visitor) {
    List<Response> ys = space.responses();
    double[] g = new double[space.dimension()];
    for (int i = 0; i < ys.size(); i++) {
      if (batch == 1) {
        Arrays.fill(g, 0.0);
        addGradient(g, ys.get(i), coefficients(credits[i], b[i]), 1.0);
        visitor.visit(ys.get(i).probM(), g);
        continue;
      }
      for (int j = 0; j < ys.size(); j++) {
        Arrays.fill(g, 0.0);
        addGradient(g, ys.get(i), coefficients(credits[i], b == null ? credits[j].target() : b[i]), 0.5);
        addGradient(g, ys.get(j), coefficients(credits[j], b == null ? credits[i].target() : b[j]), 0.5);
        visitor.visit(ys.get(i).probM() * ys.get(j).probM(), g);
      }
    }
  }

  private RuleCredit[] credits(OracleEstimator est, double discount) {
    List<Response> ys = space.responses();
    RuleCredit[] out = new RuleCredit[ys.size()];
    for (int i = 0; i < out.length; i++) out[i] = RuleCredit.of(est, ys.get(i), discount);
    return out;
  }

  /** b_t of every response under none, const or oracle. */
  private double[][] singleBaselines(OracleEstimator est, OracleBaseline baseline, double discount) {
    double[][] oracle = baseline.kind() == OracleBaseline.Kind.ORACLE ? oracleBaseline(est, discount) : null;
    List<Response> ys = space.responses();
    double[][] out = new double[ys.size()][space.model().horizon()];
    for (int i = 0; i < out.length; i++) {
      for (int t = 0; t < out[i].length; t++) {
        out[i][t] = switch (baseline.kind()) {
          case NONE -> 0.0;
          case CONST -> -baseline.constant();
          case ORACLE -> oracle[t][ys.get(i).contexts()[t]];
          case LOO -> throw new IllegalArgumentException("loo is not a baseline of one response");
        };
      }
    }
    return out;
  }

  /** a_t = ω_t (z_t − b_t). */
  private static double[] coefficients(RuleCredit cr, double[] b) {
    double[] a = new double[b.length];
    for (int t = 0; t < a.length; t++) a[t] = cr.weight()[t] * (cr.target()[t] - b[t]);
    return a;
  }

  /** {@code g += scale · Σ_t a_t s_t(y)}. */
  private void addGradient(double[] g, Response y, double[] a, double scale) {
    for (int t = 1; t <= a.length; t++) space.addScore(g, y, t, scale * a[t - 1]);
  }

  private ResponseTerms terms(int index, RuleCredit cr, double[] b) {
    Response y = space.responses().get(index);
    double[] a = coefficients(cr, b);
    double[] g = new double[space.dimension()];
    addGradient(g, y, a, 1.0);
    return new ResponseTerms(y, cr.value(), cr.weight(), cr.target(), b, a, g, sum(cr.value()));
  }

  private static double sum(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return s;
  }

  private static void checkDiscount(double discount) {
    if (!(discount > 0 && discount <= 1)) throw new IllegalArgumentException("discount must be in (0, 1], got " + discount);
  }
}
