package klbench.core;

import java.util.List;

/**
 * The exact quantities of SEQUENCES.md ("Targets", "Exact and Monte Carlo"), by one forward and one
 * backward pass over positions, each visiting every row once in O(V) per lane and baseline; with
 * one token they are the O(V) formulas of ESTIMATORS.md ("Metrics"), bit for bit.
 *
 * <p>Forward ({@link #forward}, t = 1..T): the occupancies d_t(c) under P, Q and M; for
 * reward_total the moments of the past value Σ_{t′<t} γ^{t′−1} f_{t′} given the context; for
 * reward_is the second moment of ρ_{1:t−1} given the context (its mean is d_t/d^M_t); the truth
 * sums KL(P‖Q) = Σ d KL(p‖q), KL(Q‖P), KL(M‖P) and the entropy of P.
 *
 * <p>Backward ({@link #backward}, t = T..1), from the next position's per-context sums: the future
 * KL W_t(c) = Σ_y p(y)[ℓ(y) + W_{t+1}(next(c, y))], hence G_seq on the row; per future group (value
 * key, γ) the mean and variance under M of the discounted future value U_t(c), V_t(c), and of its
 * importance-weighted form X_t = w_t (f_t + γ X_{t+1}); then, per lane, the conditional mean
 * ā(y) = E[a_t | c, y] and variance v(y) = Var(a_t | c, y) of the coefficient, and the row's share of
 * E[ĝ] = d^M [μ ⊙ ā − p (μ·ā)] and E‖ĝ‖² = d^M Σ_y μ ‖e_y − p‖² (ā² + v), accumulated into
 * ‖E ĝ − G_seq‖², ‖E ĝ‖², E ĝ·G_seq, E ĝ·G_seq_fwd, E ĝ·G_pos per (lane, token-only baseline).
 * Variances are carried centred (law of total variance), so no second moment is ever differenced.
 *
 * <p>What Monte Carlo needs later is kept per row: the occupancy, W, p·G_seq and each lane's oracle
 * baseline b_t(c).
 */
final class ExactPasses {
  private final SequenceModel model;
  private final Lanes lanes;
  private final List<Baseline> baselines;
  private final int v;
  private final int horizon;
  private final boolean anyExpm1;
  private final boolean anyTotal;
  private final boolean anyImportance;

  // Per row (position-major index).
  final double[] d;
  final double[] dQ;
  final double[] dM;
  final double[] w;
  /** p·G_seq on the row. */
  final double[] pDotG;
  /** ‖p‖² of the row. */
  final double[] pNormSq;
  /** Per lane, per row: the oracle baseline b_t(c) = E_M[ω z | c] / E_M[ω | c]. */
  final double[][] oracle;
  /** Per group, per row: E[past value | c] and E[past value² | c] (reward_total groups only). */
  private final double[][] pastMean;
  private final double[][] pastSecond;
  /** Per row: E[ρ²_{1:t−1} | c] (reward_is only). */
  private final double[] rhoSecond;

  // Truth.
  double kl;
  double klFwd;
  double klBehaviour;
  double entropy;
  double gradNormSq;
  double gradFwdNormSq;
  double gradPosNormSq;
  double futureSq;
  /** Why the model cannot be evaluated (the first infeasible row's reason), or null. */
  String infeasibleReason;

  /** Per value key: E and Var of the response's value Σ_t f_t under M. */
  final double[] valueMean;
  final double[] valueVar;
  /** Per estimator: why it has no numbers, or null. */
  final String[] problems;
  /** Per [lane * J + j], token-only baselines only: the six exact gradient sums. */
  final double[][] sums;

  static final int BIAS_SQ = 0;
  static final int MEAN_SQ = 1;
  static final int MEAN_DOT_G = 2;
  static final int MEAN_DOT_G_FWD = 3;
  static final int MEAN_DOT_G_POS = 4;
  static final int SECOND = 5;

  /**
   * For tests and people who want to look: when set, the backward pass writes E[ĝ] of this lane and
   * baseline, row by row (position-major, V per row), into {@link #captured}.
   */
  int captureLane = -1;
  int captureBaseline = -1;
  double[] captured;
  /** Likewise G_seq, G_seq_fwd and G_pos, when {@link #captureTargets} is set. */
  boolean captureTargets;
  double[] capturedGSeq;
  double[] capturedGFwd;
  double[] capturedGPos;

  // Backward state: the next position's per-context sums.
  private double[] wNext;
  private double[][] uNext;
  private double[][] varNext;
  private double[][] xNext;
  private double[][] xVarNext;

  ExactPasses(SequenceModel model, Lanes lanes, List<Baseline> baselines) {
    this.model = model;
    this.lanes = lanes;
    this.baselines = baselines;
    this.v = model.vocabSize();
    this.horizon = model.horizon();
    this.anyExpm1 = lanes.estimators.stream().anyMatch(e -> e.value().usesExpm1());
    this.anyTotal = lanes.any(GradientRule.Credit.TOTAL);
    this.anyImportance = lanes.any(GradientRule.Credit.IMPORTANCE_TO_GO);
    int rows = model.rowCount();
    d = new double[rows];
    dQ = new double[rows];
    dM = new double[rows];
    w = new double[rows];
    pDotG = new double[rows];
    pNormSq = new double[rows];
    oracle = new double[lanes.count][rows];
    int groups = lanes.groupCount();
    pastMean = new double[groups][];
    pastSecond = new double[groups][];
    if (anyTotal) {
      for (int l = 0; l < lanes.count; l++) {
        if (lanes.credit(l) != GradientRule.Credit.TOTAL) continue;
        int g = lanes.laneGroup[l];
        if (pastMean[g] == null) {
          pastMean[g] = new double[rows];
          pastSecond[g] = new double[rows];
        }
      }
    }
    rhoSecond = anyImportance ? new double[rows] : null;
    valueMean = new double[lanes.keyCount()];
    valueVar = new double[lanes.keyCount()];
    problems = new String[lanes.estimators.size()];
    sums = new double[lanes.count * baselines.size()][];
    for (int l = 0; l < lanes.count; l++) {
      for (int j = 0; j < baselines.size(); j++) if (baselines.get(j).tokenOnly()) sums[l * baselines.size() + j] = new double[6];
    }
    d[0] = 1.0;
    dQ[0] = 1.0;
    dM[0] = 1.0;
    if (rhoSecond != null) rhoSecond[0] = 1.0;
  }

  boolean feasible() { return infeasibleReason == null; }

  /** The row's place in messages: nothing for a one-token model, else "row (t=.., context ..): ". */
  private String where(int t, int c) {
    return horizon == 1 ? "" : "row (position " + t + ", context " + c + "): ";
  }

  /** expm1(−ℓ) of a row, when some value function reads it. */
  private double[] em1(Triple tr) {
    if (!anyExpm1) return null;
    double[] e = new double[v];
    for (int x = 0; x < v; x++) e[x] = ValueFunction.em1(tr.logRatio[x]);
    return e;
  }

  // ---------------------------------------------------------------------------------------------
  // Forward

  /** Visits the rows of position t, in context order; call for t = 1..T. */
  void forward(int t, Triple[] rows) {
    if (!feasible()) return;
    int first = model.firstRow(t);
    for (int c = 0; c < rows.length; c++) {
      Triple tr = rows[c];
      if (!tr.feasible()) {
        infeasibleReason = where(t, c) + tr.infeasibleReason();
        return;
      }
      int r = first + c;
      Truth truth = tr.truth();
      kl += d[r] * truth.kl();
      klFwd += dQ[r] * truth.klFwd();
      klBehaviour += dM[r] * truth.klBehaviour();
      entropy += d[r] * truth.entropy();
      pNormSq[r] = tr.pNormSq;
    }
    if (t == horizon) return;
    int next = model.firstRow(t + 1);
    int h = model.rowsAt(t + 1);
    double gammaPast = 0; // γ^{t−1}, per group below
    for (int c = 0; c < rows.length; c++) {
      Triple tr = rows[c];
      int r = first + c;
      for (int y = 0; y < v; y++) {
        int n = next + model.next(c, y);
        d[n] += d[r] * tr.p[y];
        dQ[n] += dQ[r] * tr.q[y];
        dM[n] += dM[r] * tr.mu[y];
      }
    }
    if (anyTotal) {
      double[] f = new double[v];
      for (int g = 0; g < pastMean.length; g++) {
        if (pastMean[g] == null) continue;
        double gamma = lanes.groupDiscount[g];
        gammaPast = Math.pow(gamma, t - 1);
        for (int c = 0; c < rows.length; c++) {
          Triple tr = rows[c];
          int r = first + c;
          valueColumn(tr, em1(tr), lanes.groupKey[g], f);
          for (int y = 0; y < v; y++) {
            double mass = dM[r] * tr.mu[y];
            if (mass == 0) continue;
            int n = next + model.next(c, y);
            double step = gammaPast * f[y];
            pastMean[g][n] += mass * (pastMean[g][r] + step);
            pastSecond[g][n] += mass * (pastSecond[g][r] + 2 * step * pastMean[g][r] + step * step);
          }
        }
        for (int n = next; n < next + h; n++) {
          if (dM[n] > 0) {
            pastMean[g][n] /= dM[n];
            pastSecond[g][n] /= dM[n];
          }
        }
      }
    }
    if (rhoSecond != null) {
      for (int c = 0; c < rows.length; c++) {
        Triple tr = rows[c];
        int r = first + c;
        for (int y = 0; y < v; y++) {
          double mass = dM[r] * tr.mu[y];
          if (mass == 0) continue;
          double wy = tr.importance[y];
          rhoSecond[next + model.next(c, y)] += mass * rhoSecond[r] * wy * wy;
        }
      }
      for (int n = next; n < next + h; n++) if (dM[n] > 0) rhoSecond[n] /= dM[n];
    }
  }

  /** f of value key {@code key} on a row into {@code out} (0 where μ = 0). */
  private void valueColumn(Triple tr, double[] em1, int key, double[] out) {
    EstimatorColumns columns = new EstimatorColumns(tr, em1);
    columns.fill(lanes.estimators.get(lanes.keyEstimator[key]));
    System.arraycopy(columns.value, 0, out, 0, v);
  }

  // ---------------------------------------------------------------------------------------------
  // Backward

  /** Visits the rows of position t, in context order; call for t = T..1, after the forward pass. */
  void backward(int t, Triple[] rows) {
    if (!feasible()) return;
    int first = model.firstRow(t);
    int groups = lanes.groupCount();
    int keys = lanes.keyCount();
    int j = baselines.size();
    double[] wCur = new double[rows.length];
    double[][] uCur = new double[groups][rows.length];
    double[][] varCur = new double[groups][rows.length];
    double[][] xCur = anyImportance ? new double[groups][rows.length] : null;
    double[][] xVarCur = anyImportance ? new double[groups][rows.length] : null;
    boolean last = t == horizon;
    // Scratch columns, reused across the rows of this position.
    double[] wcol = new double[v];
    double[] gSeq = new double[v];
    double[] gFwd = new double[v];
    double[] gPos = new double[v];
    double[] ms = new double[v];
    double[][] f = new double[keys][v];
    double[][] ucol = new double[groups][];
    double[][] vcolFuture = new double[groups][];
    double[][] xcol = new double[groups][];
    double[][] xVarFuture = new double[groups][];
    double[] zbar = new double[v];
    double[] zvar = new double[v];
    double[] omega = new double[v];
    double[] abar = new double[v];
    double[] avar = new double[v];
    double[] scratch = new double[v];
    for (int c = 0; c < rows.length; c++) {
      Triple tr = rows[c];
      int r = first + c;
      double[] em1 = em1(tr);
      EstimatorColumns columns = new EstimatorColumns(tr, em1);
      // W and the row's three gradients.
      for (int y = 0; y < v; y++) wcol[y] = tr.logRatio[y] + (last ? 0.0 : wNext[model.next(c, y)]);
      double wRow = EstimatorColumns.dot(tr.p, wcol, v);
      wCur[c] = wRow;
      w[r] = wRow;
      double pg = 0;
      for (int y = 0; y < v; y++) {
        gSeq[y] = d[r] * (tr.p[y] * (wcol[y] - wRow));
        gFwd[y] = dQ[r] * tr.gradFwd[y];
        gPos[y] = d[r] * tr.grad[y];
        gradNormSq += gSeq[y] * gSeq[y];
        gradFwdNormSq += gFwd[y] * gFwd[y];
        gradPosNormSq += gPos[y] * gPos[y];
        double fut = gSeq[y] - gPos[y];
        futureSq += fut * fut;
        pg += tr.p[y] * gSeq[y];
        ms[y] = tr.mu[y] * (1.0 - 2.0 * tr.p[y] + tr.pNormSq);
      }
      pDotG[r] = pg;
      if (captureTargets) {
        if (capturedGSeq == null) {
          capturedGSeq = new double[model.rowCount() * v];
          capturedGFwd = new double[model.rowCount() * v];
          capturedGPos = new double[model.rowCount() * v];
        }
        System.arraycopy(gSeq, 0, capturedGSeq, r * v, v);
        System.arraycopy(gFwd, 0, capturedGFwd, r * v, v);
        System.arraycopy(gPos, 0, capturedGPos, r * v, v);
      }
      // Each value key's f, and each future group's sums over the future (under M).
      for (int key = 0; key < keys; key++) {
        columns.fill(lanes.estimators.get(lanes.keyEstimator[key]));
        System.arraycopy(columns.value, 0, f[key], 0, v);
      }
      for (int g = 0; g < groups; g++) {
        double gamma = lanes.groupDiscount[g];
        double[] fk = f[lanes.groupKey[g]];
        if (ucol[g] == null) {
          ucol[g] = new double[v];
          vcolFuture[g] = new double[v];
        }
        for (int y = 0; y < v; y++) {
          int n = last ? 0 : model.next(c, y);
          ucol[g][y] = tr.mu[y] == 0.0 ? 0.0 : fk[y] + gamma * (last ? 0.0 : uNext[g][n]);
          vcolFuture[g][y] = tr.mu[y] == 0.0 ? 0.0 : gamma * gamma * (last ? 0.0 : varNext[g][n]);
        }
        double u = EstimatorColumns.dot(tr.mu, ucol[g], v);
        uCur[g][c] = u;
        varCur[g][c] = EstimatorColumns.weightedSquares(tr.mu, ucol[g], u, v) + EstimatorColumns.dot(tr.mu, vcolFuture[g], v);
        if (anyImportance) {
          if (xcol[g] == null) {
            xcol[g] = new double[v];
            xVarFuture[g] = new double[v];
          }
          for (int y = 0; y < v; y++) {
            int n = last ? 0 : model.next(c, y);
            double wy = tr.importance[y];
            xcol[g][y] = tr.mu[y] == 0.0 ? 0.0 : fk[y] + gamma * (last ? 0.0 : xNext[g][n]);
            xVarFuture[g][y] = tr.mu[y] == 0.0 ? 0.0 : gamma * gamma * (last ? 0.0 : xVarNext[g][n]);
            scratch[y] = wy * xcol[g][y];
          }
          double x = EstimatorColumns.dot(tr.mu, scratch, v);
          xCur[g][c] = x;
          for (int y = 0; y < v; y++) zvar[y] = tr.importance[y] * tr.importance[y] * xVarFuture[g][y];
          xVarCur[g][c] = EstimatorColumns.weightedSquares(tr.mu, scratch, x, v) + EstimatorColumns.dot(tr.mu, zvar, v);
        }
      }
      if (t == 1) {
        for (int key = 0; key < keys; key++) {
          int g = lanes.valueGroup[key];
          valueMean[key] = uCur[g][0];
          valueVar[key] = varCur[g][0];
        }
      }
      // The lanes.
      for (int l = 0; l < lanes.count; l++) {
        int k = lanes.estimatorIndex(l);
        Estimator est = lanes.estimators.get(k);
        GradientRule.Credit credit = est.rule().credit();
        int g = lanes.laneGroup[l];
        double gamma = lanes.discount(l);
        double r1 = 1.0;
        double r2 = 1.0;
        if (credit == GradientRule.Credit.OWN) {
          columns.fill(est);
          System.arraycopy(columns.coefficient, 0, zbar, 0, v);
          java.util.Arrays.fill(zvar, 0.0);
          java.util.Arrays.fill(omega, 1.0);
          checkProblem(k, est, columns, tr, t, c, uCur[lanes.valueGroup[lanes.keyOf[k]]][c],
              varCur[lanes.valueGroup[lanes.keyOf[k]]][c]);
        } else {
          double[] fk = f[lanes.keyOf[k]];
          if (problems[k] == null) {
            columns.fill(est);
            checkProblem(k, est, columns, tr, t, c, uCur[lanes.valueGroup[lanes.keyOf[k]]][c],
                varCur[lanes.valueGroup[lanes.keyOf[k]]][c]);
          }
          System.arraycopy(tr.importance, 0, omega, 0, v);
          switch (credit) {
            case TOKEN_REWARD -> {
              System.arraycopy(fk, 0, zbar, 0, v);
              java.util.Arrays.fill(zvar, 0.0);
            }
            case TO_GO -> {
              System.arraycopy(ucol[g], 0, zbar, 0, v);
              System.arraycopy(vcolFuture[g], 0, zvar, 0, v);
            }
            case TOTAL -> {
              double pastM = t == 1 ? 0.0 : pastMean[g][r];
              double pastV = t == 1 ? 0.0 : Math.max(0.0, pastSecond[g][r] - pastM * pastM);
              double gt1 = Math.pow(gamma, t - 1);
              double gt = Math.pow(gamma, t);
              for (int y = 0; y < v; y++) {
                int n = last ? 0 : model.next(c, y);
                zbar[y] = tr.mu[y] == 0.0 ? 0.0 : pastM + gt1 * fk[y] + gt * (last ? 0.0 : uNext[g][n]);
                zvar[y] = tr.mu[y] == 0.0 ? 0.0 : pastV + gt * gt * (last ? 0.0 : varNext[g][n]);
              }
            }
            case IMPORTANCE_TO_GO -> {
              System.arraycopy(xcol[g], 0, zbar, 0, v);
              System.arraycopy(xVarFuture[g], 0, zvar, 0, v);
              r1 = t == 1 ? 1.0 : d[r] / dM[r];
              r2 = t == 1 ? 1.0 : rhoSecond[r];
            }
            default -> throw new IllegalStateException(credit.toString());
          }
        }
        if (problems[k] != null) continue;
        for (int y = 0; y < v; y++) scratch[y] = omega[y] * zbar[y];
        double meanRaw = EstimatorColumns.dot(tr.mu, scratch, v);
        oracle[l][r] = meanRaw;
        double rhoVar = Math.max(0.0, r2 - r1 * r1);
        for (int jb = 0; jb < j; jb++) {
          Baseline b = baselines.get(jb);
          if (!b.tokenOnly()) continue;
          double base = b.kind() == Baseline.Kind.ORACLE ? meanRaw : -b.tokenOnlyOffset(0.0);
          double meanCoef = r1 * (meanRaw - base);
          for (int y = 0; y < v; y++) {
            if (tr.mu[y] == 0.0) {
              abar[y] = 0.0;
              avar[y] = 0.0;
              continue;
            }
            double centred = zbar[y] - base;
            abar[y] = r1 * (omega[y] * centred);
            double o2 = omega[y] * omega[y];
            avar[y] = rhoVar * o2 * centred * centred + r2 * o2 * zvar[y];
          }
          accumulate(sums[l * j + jb], dM[r], tr, abar, avar, meanCoef, gSeq, gFwd, gPos, ms);
          if (l == captureLane && jb == captureBaseline) {
            if (captured == null) captured = new double[model.rowCount() * v];
            for (int y = 0; y < v; y++) captured[r * v + y] = dM[r] * Math.fma(tr.mu[y], abar[y], -tr.p[y] * meanCoef);
          }
        }
      }
    }
    wNext = wCur;
    uNext = uCur;
    varNext = varCur;
    xNext = xCur;
    xVarNext = xVarCur;
  }

  /**
   * One row's share of the gradient sums: m = d^M (μ ā − p (μ·ā)) against G_seq, G_fwd, G_pos, and
   * E‖ĝ‖² = d^M Σ μ ‖e − p‖² (ā² + v). With d^M = 1 and v = 0, the single-token pass exactly.
   */
  private void accumulate(double[] s, double dm, Triple tr, double[] abar, double[] avar, double meanCoef,
      double[] gSeq, double[] gFwd, double[] gPos, double[] ms) {
    double biasSq = s[BIAS_SQ], meanSq = s[MEAN_SQ], meanDotG = s[MEAN_DOT_G];
    double meanDotGFwd = s[MEAN_DOT_G_FWD], meanDotGPos = s[MEAN_DOT_G_POS], second = s[SECOND];
    double[] mu = tr.mu;
    double[] p = tr.p;
    for (int y = 0; y < v; y++) {
      double ax = abar[y];
      double m = dm * Math.fma(mu[y], ax, -p[y] * meanCoef);
      double bias = m - gSeq[y];
      biasSq = Math.fma(bias, bias, biasSq);
      meanSq = Math.fma(m, m, meanSq);
      meanDotG = Math.fma(m, gSeq[y], meanDotG);
      meanDotGFwd = Math.fma(m, gFwd[y], meanDotGFwd);
      meanDotGPos = Math.fma(m, gPos[y], meanDotGPos);
      double weight = dm * ms[y];
      second = Math.fma(weight * ax, ax, second) + weight * avar[y];
    }
    s[BIAS_SQ] = biasSq;
    s[MEAN_SQ] = meanSq;
    s[MEAN_DOT_G] = meanDotG;
    s[MEAN_DOT_G_FWD] = meanDotGFwd;
    s[MEAN_DOT_G_POS] = meanDotGPos;
    s[SECOND] = second;
  }

  /**
   * Records why estimator k has no numbers, the first time a row shows it: its coefficient or value
   * overflows (as the single-token pass words it, with the row in front for longer responses).
   */
  private void checkProblem(int k, Estimator est, EstimatorColumns columns, Triple tr, int t, int c,
      double valueMeanRow, double valueVarRow) {
    if (problems[k] != null) return;
    double meanCoef = EstimatorColumns.dot(tr.mu, columns.coefficient, v);
    if (!Double.isFinite(meanCoef) || !Double.isFinite(valueMeanRow)) {
      String at = columns.overflow(est);
      problems[k] = where(t, c) + (at != null ? at : "estimator " + est.name() + " overflows in the mean of its coefficient");
    } else if (!Double.isFinite(valueVarRow)) {
      problems[k] = where(t, c) + "estimator " + est.name() + " overflows in the variance of its value";
    }
  }
}
