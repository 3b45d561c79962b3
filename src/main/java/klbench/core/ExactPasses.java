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
  /** p·G_seq, p·G_seq_fwd, p·G_pos and ‖G_seq‖² on the row. */
  final double[] pDotG;
  final double[] pDotGFwd;
  final double[] pDotGPos;
  final double[] gradSq;
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
  /** ‖G_pos_fwd‖², G_pos_fwd on row (t,c) = d_t(c) (p − q): k3/loss's expected gradient on-policy. */
  double gradPosFwdNormSq;
  double futureSq;
  /** Why the model cannot be evaluated (the first infeasible row's reason), or null. */
  String infeasibleReason;

  /** Per value key: E and Var of the response's value Σ_t f_t under M. */
  final double[] valueMean;
  final double[] valueVar;
  /** Per estimator: why it has no numbers, or null. */
  final String[] problems;
  /** Per [lane * J + j], token-only baselines only: the {@link #SUMS} exact gradient sums. */
  final double[][] sums;

  static final int BIAS_SQ = 0;
  static final int MEAN_SQ = 1;
  static final int MEAN_DOT_G = 2;
  static final int MEAN_DOT_G_FWD = 3;
  static final int MEAN_DOT_G_POS = 4;
  static final int SECOND = 5;
  static final int MEAN_DOT_G_POS_FWD = 6;
  static final int SUMS = 7;

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
  double[] capturedGPosFwd;

  /** Scratch of {@link #accumulate}: ā and the added variance per token. */
  private final double[] abarScratch;
  private final double[] extraScratch;

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
    this.anyExpm1 = lanes.anyExpm1;
    this.anyTotal = lanes.any(GradientRule.Credit.TOTAL);
    this.anyImportance = lanes.any(GradientRule.Credit.IMPORTANCE_TO_GO);
    int rows = model.rowCount();
    d = new double[rows];
    dQ = new double[rows];
    dM = new double[rows];
    w = new double[rows];
    pDotG = new double[rows];
    pDotGFwd = new double[rows];
    pDotGPos = new double[rows];
    gradSq = new double[rows];
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
    // accumulate's scratch: only a horizon above 1 has coefficients with a variance given (c, y)
    abarScratch = horizon > 1 ? new double[v] : null;
    extraScratch = horizon > 1 ? new double[v] : null;
    valueMean = new double[lanes.keyCount()];
    valueVar = new double[lanes.keyCount()];
    problems = new String[lanes.estimators.size()];
    sums = new double[lanes.count * baselines.size()][];
    for (int l = 0; l < lanes.count; l++) {
      for (int j = 0; j < baselines.size(); j++) if (baselines.get(j).tokenOnly()) sums[l * baselines.size() + j] = new double[SUMS];
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

  /** expm1(−ℓ) of a row into {@code into} (reused from row to row), or null when no value function reads it. */
  private double[] em1(Triple tr, double[] into) {
    return anyExpm1 ? ValueFunction.em1(tr.logRatio, into) : null;
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
    // Row by row, each row's next contexts (without a division per token), expm1 and value columns
    // taken once; each sum of the next position still takes the rows in context order.
    int[] nextOf = new int[v];
    double[][] fOfKey = anyTotal ? new double[lanes.keyCount()][v] : null;
    boolean[] keyFilled = anyTotal ? new boolean[lanes.keyCount()] : null;
    double[] em1 = anyTotal && anyExpm1 ? new double[v] : null;
    EstimatorColumns columns = null;
    for (int c = 0; c < rows.length; c++) {
      Triple tr = rows[c];
      int r = first + c;
      nextContexts(c, nextOf);
      for (int y = 0; y < v; y++) {
        int n = next + nextOf[y];
        d[n] += d[r] * tr.p[y];
        dQ[n] += dQ[r] * tr.q[y];
        dM[n] += dM[r] * tr.mu[y];
      }
      if (anyTotal) {
        columns = columns == null ? new EstimatorColumns(tr, em1(tr, em1)) : columns.rebind(tr, em1(tr, em1));
        java.util.Arrays.fill(keyFilled, false);
        for (int g = 0; g < pastMean.length; g++) {
          if (pastMean[g] == null) continue;
          int key = lanes.groupKey[g];
          if (!keyFilled[key]) {
            columns.fill(lanes.estimators.get(lanes.keyEstimator[key]));
            System.arraycopy(columns.value, 0, fOfKey[key], 0, v);
            keyFilled[key] = true;
          }
          double[] f = fOfKey[key];
          double gammaPast = Math.pow(lanes.groupDiscount[g], t - 1);
          for (int y = 0; y < v; y++) {
            double mass = dM[r] * tr.mu[y];
            if (mass == 0) continue;
            int n = next + nextOf[y];
            double step = gammaPast * f[y];
            pastMean[g][n] += mass * (pastMean[g][r] + step);
            pastSecond[g][n] += mass * (pastSecond[g][r] + 2 * step * pastMean[g][r] + step * step);
          }
        }
      }
      if (rhoSecond != null) {
        for (int y = 0; y < v; y++) {
          double mass = dM[r] * tr.mu[y];
          if (mass == 0) continue;
          double wy = tr.importance[y];
          rhoSecond[next + nextOf[y]] += mass * rhoSecond[r] * wy * wy;
        }
      }
    }
    for (int n = next; n < next + h; n++) {
      if (!(dM[n] > 0)) continue;
      for (int g = 0; g < pastMean.length; g++) {
        if (pastMean[g] == null) continue;
        pastMean[g][n] /= dM[n];
        pastSecond[g][n] /= dM[n];
      }
      if (rhoSecond != null) rhoSecond[n] /= dM[n];
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Backward

  /** Visits the rows of position t, in context order; call for t = T..1, after the forward pass. */
  void backward(int t, Triple[] rows) {
    if (!feasible()) return;
    Position pos = new Position(t, rows.length);
    for (int c = 0; c < rows.length; c++) pos.row(c, rows[c]);
    wNext = pos.wCur;
    uNext = pos.uCur;
    varNext = pos.varCur;
    xNext = pos.xCur;
    xVarNext = pos.xVarCur;
  }

  /**
   * The backward pass over one position: its per-context sums for the position before, and each
   * row's share of the gradient sums. Split into small methods so that the JIT compiles each loop
   * on its own (one large method is compiled only on the stack, and recompiled as branches change).
   */
  private final class Position {
    final int t;
    final int first;
    final boolean last;
    final double[] wCur;
    final double[][] uCur;
    final double[][] varCur;
    final double[][] xCur;
    final double[][] xVarCur;
    // Scratch columns, reused across the rows of this position.
    /** next(c, y) per token of the current row (not at the last position). */
    final int[] next;
    final double[] wcol = new double[v];
    final double[] gSeq = new double[v];
    final double[] gFwd = new double[v];
    final double[] gPos = new double[v];
    final double[] ms = new double[v];
    final double[][] f;
    final double[][] ucol;
    final double[][] vcolFuture;
    final double[][] xcol;
    final double[][] xVarFuture;
    /** Per group, on the current row: E[z | c, y] of reward (to go) and of reward_is (f at the last position). */
    final double[][] futureOf;
    final double[][] importanceOf;
    /** The estimator whose coefficient {@link EstimatorColumns} holds now, or −1. */
    int filled = -1;
    /** reward_total's z̄ and Var(z | c, y) on the current row; zvar also reward_is's scratch. */
    final double[] zbar;
    final double[] zvar;
    final double[] scratch = new double[v];
    /** expm1(−ℓ) of the current row, and the estimator columns, reused from row to row. */
    final double[] em1Row = anyExpm1 ? new double[v] : null;
    EstimatorColumns columns;

    Position(int t, int contexts) {
      this.t = t;
      this.first = model.firstRow(t);
      this.last = t == horizon;
      int groups = lanes.groupCount();
      wCur = new double[contexts];
      uCur = new double[groups][contexts];
      varCur = new double[groups][contexts];
      xCur = anyImportance ? new double[groups][contexts] : null;
      xVarCur = anyImportance ? new double[groups][contexts] : null;
      // Only what this position reads: at the last one the futures are the values themselves.
      f = new double[lanes.keyCount()][v];
      next = last ? null : new int[v];
      ucol = last ? null : new double[groups][v];
      vcolFuture = last ? null : new double[groups][v];
      xcol = anyImportance && !last ? new double[groups][v] : null;
      xVarFuture = anyImportance && horizon > 1 ? new double[groups][v] : null; // zeros at the last position
      zbar = anyTotal ? new double[v] : null;
      zvar = anyTotal || anyImportance ? new double[v] : null; // reward_is's future uses it too
      futureOf = new double[groups][];
      importanceOf = new double[groups][];
    }

    void row(int c, Triple tr) {
      int r = first + c;
      double[] em1 = em1(tr, em1Row);
      EstimatorColumns columns = this.columns == null ? new EstimatorColumns(tr, em1) : this.columns.rebind(tr, em1);
      this.columns = columns;
      filled = -1;
      if (!last) nextContexts(c, next);
      targets(c, r, tr);
      columns(tr, columns);
      for (int g = 0; g < lanes.groupCount(); g++) future(c, g, tr);
      if (t == 1) {
        for (int key = 0; key < lanes.keyCount(); key++) {
          int g = lanes.valueGroup[key];
          valueMean[key] = uCur[g][0];
          valueVar[key] = varCur[g][0];
        }
      }
      for (int l = 0; l < lanes.count; l++) lane(l, c, r, tr, columns);
    }

    /** W_t(c), and the row's G_seq, G_fwd, G_pos with their sums. */
    private void targets(int c, int r, Triple tr) {
      for (int y = 0; y < v; y++) wcol[y] = tr.logRatio[y] + (last ? 0.0 : wNext[next[y]]);
      double wRow = EstimatorColumns.dot(tr.p, wcol, v);
      wCur[c] = wRow;
      w[r] = wRow;
      double pg = 0, pgf = 0, pgp = 0, gg = 0;
      double dr = d[r];
      double dqr = dQ[r];
      for (int y = 0; y < v; y++) {
        double gs = gSeq(dr, tr.p[y], wcol[y], wRow);
        double gf = dqr * tr.gradFwd[y];
        double gp = dr * tr.grad[y];
        gSeq[y] = gs;
        gFwd[y] = gf;
        gPos[y] = gp;
        gg += gs * gs;
        gradFwdNormSq += gf * gf;
        gradPosNormSq += gp * gp;
        double gpf = dr * tr.gradFwd[y];
        gradPosFwdNormSq += gpf * gpf;
        double fut = gs - gp;
        futureSq += fut * fut;
        pg += tr.p[y] * gs;
        pgf += tr.p[y] * gf;
        pgp += tr.p[y] * gp;
        ms[y] = tr.mu[y] * (1.0 - 2.0 * tr.p[y] + tr.pNormSq);
      }
      gradNormSq += gg;
      pDotG[r] = pg;
      pDotGFwd[r] = pgf;
      pDotGPos[r] = pgp;
      gradSq[r] = gg;
      if (captureTargets) capture(r, tr);
    }

    private void capture(int r, Triple tr) {
      if (capturedGSeq == null) {
        capturedGSeq = new double[model.rowCount() * v];
        capturedGFwd = new double[model.rowCount() * v];
        capturedGPos = new double[model.rowCount() * v];
        capturedGPosFwd = new double[model.rowCount() * v];
      }
      System.arraycopy(gSeq, 0, capturedGSeq, r * v, v);
      System.arraycopy(gFwd, 0, capturedGFwd, r * v, v);
      System.arraycopy(gPos, 0, capturedGPos, r * v, v);
      for (int y = 0; y < v; y++) capturedGPosFwd[r * v + y] = d[r] * tr.gradFwd[y];
    }

    /** Each value key's f. */
    private void columns(Triple tr, EstimatorColumns columns) {
      for (int key = 0; key < lanes.keyCount(); key++) {
        columns.fill(lanes.estimators.get(lanes.keyEstimator[key]));
        System.arraycopy(columns.value, 0, f[key], 0, v);
      }
      filled = -1;
    }

    /**
     * Future group g's sums over the future under M, given the context: the mean and variance of
     * Σ_{t′≥t} γ^{t′−t} f_{t′}, and of its importance-weighted form.
     */
    private void future(int c, int g, Triple tr) {
      double gamma = lanes.groupDiscount[g];
      double[] fk = f[lanes.groupKey[g]];
      if (last) {
        // No future: z = f (0 where μ = 0, as f is), and nothing to add to its variance.
        futureOf[g] = fk;
        double mean = EstimatorColumns.dot(tr.mu, fk, v);
        uCur[g][c] = mean;
        varCur[g][c] = EstimatorColumns.weightedSquares(tr.mu, fk, mean, v) + 0.0;
        if (anyImportance) {
          importanceOf[g] = fk;
          // X's moments feed the position before; at t = 1 (single tokens) there is none.
          if (t > 1) {
            for (int y = 0; y < v; y++) scratch[y] = tr.importance[y] * fk[y];
            double xm = EstimatorColumns.dot(tr.mu, scratch, v);
            xCur[g][c] = xm;
            xVarCur[g][c] = EstimatorColumns.weightedSquares(tr.mu, scratch, xm, v);
          }
        }
        return;
      }
      double[] u = ucol[g];
      futureOf[g] = u;
      double[] vf = vcolFuture[g];
      double[] un = uNext[g];
      double[] vn = varNext[g];
      for (int y = 0; y < v; y++) {
        boolean none = tr.mu[y] == 0.0;
        u[y] = none ? 0.0 : fk[y] + gamma * un[next[y]];
        vf[y] = none ? 0.0 : gamma * gamma * vn[next[y]];
      }
      double mean = EstimatorColumns.dot(tr.mu, u, v);
      uCur[g][c] = mean;
      varCur[g][c] = EstimatorColumns.weightedSquares(tr.mu, u, mean, v) + EstimatorColumns.dot(tr.mu, vf, v);
      if (!anyImportance) return;
      double[] x = xcol[g];
      double[] xv = xVarFuture[g];
      double[] xn = xNext[g];
      double[] xvn = xVarNext[g];
      for (int y = 0; y < v; y++) {
        boolean none = tr.mu[y] == 0.0;
        double wy = tr.importance[y];
        x[y] = none ? 0.0 : fk[y] + gamma * xn[next[y]];
        xv[y] = none ? 0.0 : gamma * gamma * xvn[next[y]];
        scratch[y] = wy * x[y];
        zvar[y] = wy * wy * xv[y];
      }
      double xm = EstimatorColumns.dot(tr.mu, scratch, v);
      xCur[g][c] = xm;
      xVarCur[g][c] = EstimatorColumns.weightedSquares(tr.mu, scratch, xm, v) + EstimatorColumns.dot(tr.mu, zvar, v);
      importanceOf[g] = x;
    }

    /** Lane l on the row: ā = r1 ω (z̄ − b) and Var(a | c, y), and the row's share of its sums. */
    private void lane(int l, int c, int r, Triple tr, EstimatorColumns columns) {
      int k = lanes.estimatorIndex(l);
      if (problems[k] != null) return;
      Estimator est = lanes.estimators.get(k);
      GradientRule.Credit credit = est.rule().credit();
      int g = lanes.laneGroup[l];
      double r1 = 1.0;
      double r2 = 1.0;
      double[] z;
      double[] var = null; // Var(z | c, y), or null where z is known given (c, y) and ρ is 1
      double[] omega = credit == GradientRule.Credit.OWN ? null : tr.importance;
      switch (credit) {
        case OWN -> {
          if (filled != k) {
            columns.fill(est);
            filled = k;
          }
          z = columns.coefficient;
        }
        case TOKEN_REWARD -> z = f[lanes.keyOf[k]];
        case TO_GO -> {
          z = futureOf[g];
          if (!last) var = vcolFuture[g];
        }
        case TOTAL -> {
          total(c, r, g, lanes.discount(l), f[lanes.keyOf[k]], tr);
          z = zbar;
          if (horizon > 1) var = zvar;
        }
        case IMPORTANCE_TO_GO -> {
          z = anyImportance ? importanceOf[g] : futureOf[g];
          if (horizon > 1) {
            var = xVarFuture[g];
            r1 = t == 1 ? 1.0 : d[r] / dM[r];
            r2 = t == 1 ? 1.0 : rhoSecond[r];
          }
        }
        default -> throw new IllegalStateException(credit.toString());
      }
      double meanRaw;
      if (omega == null) {
        meanRaw = EstimatorColumns.dot(tr.mu, z, v);
      } else {
        for (int y = 0; y < v; y++) scratch[y] = omega[y] * z[y];
        meanRaw = EstimatorColumns.dot(tr.mu, scratch, v);
      }
      int vg = lanes.valueGroup[lanes.keyOf[k]];
      if (!Double.isFinite(meanRaw) || !Double.isFinite(uCur[vg][c]) || !Double.isFinite(varCur[vg][c])) {
        recordProblem(k, est, columns, t, c, meanRaw, uCur[vg][c]);
        filled = k;
        return;
      }
      oracle[l][r] = meanRaw;
      double rhoVar = Math.max(0.0, r2 - r1 * r1);
      int j = baselines.size();
      for (int jb = 0; jb < j; jb++) {
        Baseline b = baselines.get(jb);
        if (!b.tokenOnly()) continue;
        double base = b.kind() == Baseline.Kind.ORACLE ? meanRaw : -b.tokenOnlyOffset(0.0);
        double meanCoef = r1 * (meanRaw - base);
        double[] s = sums[l * j + jb];
        double dotPMinusQ;
        if (var == null && omega == null) {
          dotPMinusQ = accumulateOwn(s, dM[r], tr, z, base, meanCoef, gSeq, gPos, ms);
        } else if (var == null) {
          dotPMinusQ = accumulateWeighted(s, dM[r], tr, z, omega, base, meanCoef, gSeq, gPos, ms);
        } else {
          dotPMinusQ = accumulate(s, dM[r], tr, z, omega, var, r1, r2, rhoVar, base, meanCoef, gSeq, gPos, ms);
        }
        // Both forward targets are p − q on the row, scaled by the row's occupancy under Q or P.
        s[MEAN_DOT_G_FWD] += dQ[r] * dotPMinusQ;
        s[MEAN_DOT_G_POS_FWD] += d[r] * dotPMinusQ;
        if (l == captureLane && jb == captureBaseline) captureMean(r, tr, z, omega, r1, base, meanCoef);
      }
    }

    /** reward_total's z̄ = E[past | c] + γ^{t−1} f + γ^t U_{t+1} and Var = Var(past | c) + γ^{2t} V_{t+1}. */
    private void total(int c, int r, int g, double gamma, double[] fk, Triple tr) {
      double pastM = t == 1 ? 0.0 : pastMean[g][r];
      double pastV = t == 1 ? 0.0 : Math.max(0.0, pastSecond[g][r] - pastM * pastM);
      double gt1 = Math.pow(gamma, t - 1);
      double gt = Math.pow(gamma, t);
      double[] un = last ? null : uNext[g];
      double[] vn = last ? null : varNext[g];
      for (int y = 0; y < v; y++) {
        boolean none = tr.mu[y] == 0.0;
        zbar[y] = none ? 0.0 : pastM + gt1 * fk[y] + gt * (last ? 0.0 : un[next[y]]);
        zvar[y] = none ? 0.0 : pastV + gt * gt * (last ? 0.0 : vn[next[y]]);
      }
    }

    private void captureMean(int r, Triple tr, double[] z, double[] omega, double r1, double base, double meanCoef) {
      if (captured == null) captured = new double[model.rowCount() * v];
      for (int y = 0; y < v; y++) {
        double ax = tr.mu[y] == 0.0 ? 0.0 : r1 * ((omega == null ? 1.0 : omega[y]) * (z[y] - base));
        captured[r * v + y] = dM[r] * Math.fma(tr.mu[y], ax, -tr.p[y] * meanCoef);
      }
    }
  }

  /**
   * G_seq at token y of a row: d_t(c) p(y) (ℓ(y) + W_{t+1}(next(c, y)) − W_t(c)), from the row's
   * occupancy d, p(y), {@code future} = ℓ(y) + W_{t+1}(next(c, y)) (ℓ(y) at the last position) and
   * the row's W_t(c). The exact pass and Monte Carlo's coefficient rows and finishing all take it
   * from here.
   */
  static double gSeq(double occupancy, double p, double future, double w) {
    return occupancy * (p * (future - w));
  }

  /** {@link #gSeq} on row r, whose W_{t+1} at the next context is {@code wNext} (0 at the last position). */
  double gSeqOnRow(int r, double p, double logRatio, double wNext) {
    return gSeq(d[r], p, logRatio + wNext, w[r]);
  }

  /** next[y] = (c·V + y) mod N (tree: c·V + y) for every token, without a division per token. */
  private void nextContexts(int c, int[] next) {
    Contexts ctx = model.contexts();
    if (ctx.isTree()) {
      for (int y = 0; y < v; y++) next[y] = c * v + y;
      return;
    }
    long count = ctx.count();
    int n = (int) (((long) c * v) % count);
    for (int y = 0; y < v; y++) {
      next[y] = n;
      if (++n == count) n = 0;
    }
  }

  /**
   * Records why estimator k has no numbers, the first time a row shows it: its coefficient or value
   * overflows (as the single-token pass words it, with the row in front for longer responses).
   */
  private void recordProblem(int k, Estimator est, EstimatorColumns columns, int t, int c, double meanRaw, double valueMean) {
    if (problems[k] != null) return;
    columns.fill(est);
    if (!Double.isFinite(meanRaw) || !Double.isFinite(valueMean)) {
      String at = columns.overflow(est);
      problems[k] = where(t, c) + (at != null ? at : "estimator " + est.name() + " overflows in the mean of its coefficient");
    } else {
      problems[k] = where(t, c) + "estimator " + est.name() + " overflows in the variance of its value";
    }
  }

  /**
   * One row's share of the gradient sums of one lane and baseline, from the lane's z̄, its
   * Var(z | c, y), its weight ω, the past's E[ρ] = r1 and E[ρ²] = r2, and the baseline b: with
   * ā = r1 ω (z̄ − b), m = d^M (μ ā − p (μ·ā)) against G_seq and G_pos, and
   * E‖ĝ‖² = d^M Σ μ ‖e − p‖² (ā² + v), v = (r2 − r1²) ω² (z̄ − b)² + r2 ω² Var(z). Returns m·(p − q),
   * which the caller scales into the sums against G_seq_fwd and G_pos_fwd (both p − q on a row).
   */
  private double accumulate(double[] s, double dm, Triple tr, double[] z, double[] omega, double[] zvar, double r1, double r2,
      double rhoVar, double base, double meanCoef, double[] gSeq, double[] gPos, double[] ms) {
    double[] mu = tr.mu;
    double[] p = tr.p;
    double[] abar = abarScratch;
    double[] extra = extraScratch;
    // Element-wise first (a loop the JIT vectorises), then the ordered sums.
    for (int y = 0; y < v; y++) {
      double centred = z[y] - base;
      double o = omega[y];
      double o2 = o * o;
      boolean drawn = mu[y] != 0.0;
      abar[y] = drawn ? r1 * (o * centred) : 0.0;
      extra[y] = drawn ? rhoVar * o2 * centred * centred + r2 * o2 * zvar[y] : 0.0;
    }
    double biasSq = s[BIAS_SQ], meanSq = s[MEAN_SQ], meanDotG = s[MEAN_DOT_G];
    double meanDotGPos = s[MEAN_DOT_G_POS], second = s[SECOND], dotPMinusQ = 0.0;
    for (int y = 0; y < v; y++) {
      double ax = abar[y];
      double m = dm * Math.fma(mu[y], ax, -p[y] * meanCoef);
      double bias = m - gSeq[y];
      biasSq = Math.fma(bias, bias, biasSq);
      meanSq = Math.fma(m, m, meanSq);
      meanDotG = Math.fma(m, gSeq[y], meanDotG);
      dotPMinusQ = Math.fma(m, tr.gradFwd[y], dotPMinusQ);
      meanDotGPos = Math.fma(m, gPos[y], meanDotGPos);
      double weight = dm * ms[y];
      second = Math.fma(weight * ax, ax, second) + weight * extra[y];
    }
    store(s, biasSq, meanSq, meanDotG, meanDotGPos, second);
    return dotPMinusQ;
  }

  /**
   * The same for a coefficient known given (c, y) with weight ω = 1 (token rules): ā = z̄ − b, no
   * variance. With d^M = 1 this is the single-token pass, operation for operation.
   */
  private double accumulateOwn(double[] s, double dm, Triple tr, double[] z, double base, double meanCoef,
      double[] gSeq, double[] gPos, double[] ms) {
    double biasSq = s[BIAS_SQ], meanSq = s[MEAN_SQ], meanDotG = s[MEAN_DOT_G];
    double meanDotGPos = s[MEAN_DOT_G_POS], second = s[SECOND], dotPMinusQ = 0.0;
    double[] mu = tr.mu;
    double[] p = tr.p;
    for (int y = 0; y < v; y++) {
      double ax = mu[y] == 0.0 ? 0.0 : z[y] - base;
      double m = dm * Math.fma(mu[y], ax, -p[y] * meanCoef);
      double bias = m - gSeq[y];
      biasSq = Math.fma(bias, bias, biasSq);
      meanSq = Math.fma(m, m, meanSq);
      meanDotG = Math.fma(m, gSeq[y], meanDotG);
      dotPMinusQ = Math.fma(m, tr.gradFwd[y], dotPMinusQ);
      meanDotGPos = Math.fma(m, gPos[y], meanDotGPos);
      double weight = dm * ms[y];
      second = Math.fma(weight * ax, ax, second);
    }
    store(s, biasSq, meanSq, meanDotG, meanDotGPos, second);
    return dotPMinusQ;
  }

  /** The same for a coefficient known given (c, y) with weight ω (reward rules): ā = ω (z̄ − b). */
  private double accumulateWeighted(double[] s, double dm, Triple tr, double[] z, double[] omega, double base, double meanCoef,
      double[] gSeq, double[] gPos, double[] ms) {
    double biasSq = s[BIAS_SQ], meanSq = s[MEAN_SQ], meanDotG = s[MEAN_DOT_G];
    double meanDotGPos = s[MEAN_DOT_G_POS], second = s[SECOND], dotPMinusQ = 0.0;
    double[] mu = tr.mu;
    double[] p = tr.p;
    for (int y = 0; y < v; y++) {
      double ax = mu[y] == 0.0 ? 0.0 : omega[y] * (z[y] - base);
      double m = dm * Math.fma(mu[y], ax, -p[y] * meanCoef);
      double bias = m - gSeq[y];
      biasSq = Math.fma(bias, bias, biasSq);
      meanSq = Math.fma(m, m, meanSq);
      meanDotG = Math.fma(m, gSeq[y], meanDotG);
      dotPMinusQ = Math.fma(m, tr.gradFwd[y], dotPMinusQ);
      meanDotGPos = Math.fma(m, gPos[y], meanDotGPos);
      double weight = dm * ms[y];
      second = Math.fma(weight * ax, ax, second);
    }
    store(s, biasSq, meanSq, meanDotG, meanDotGPos, second);
    return dotPMinusQ;
  }

  private static void store(double[] s, double biasSq, double meanSq, double meanDotG, double meanDotGPos, double second) {
    s[BIAS_SQ] = biasSq;
    s[MEAN_SQ] = meanSq;
    s[MEAN_DOT_G] = meanDotG;
    s[MEAN_DOT_G_POS] = meanDotGPos;
    s[SECOND] = second;
  }
}
