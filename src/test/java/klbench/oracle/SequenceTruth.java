package klbench.oracle;

/**
 * The targets of SEQUENCES.md ("Targets", and the truth columns of "Batches and metrics") for one
 * model, by enumeration of every response. Occupancies are indexed {@code [t − 1][c]}; gradient
 * vectors are laid out as {@link ResponseSpace#rowOffset} says.
 *
 * @param klSeq KL(P‖Q) = Σ_y P(y) log(P(y)/Q(y))
 * @param klSeqFwd KL(Q‖P) = Σ_y Q(y) log(Q(y)/P(y))
 * @param klBehaviour KL(M‖P) = Σ_y M(y) log(M(y)/P(y)) (0 on-policy)
 * @param entropy the entropy of the response distribution, −Σ_y P(y) log P(y)
 * @param occupancyP d_t(c) = P(c_t = c), summed over the responses in context c at t
 * @param occupancyQ d^Q_t(c), likewise under Q
 * @param occupancyM d^M_t(c), likewise under M
 * @param gradSeq G_seq = ∇ KL(P‖Q) = Σ_y P(y) log(P(y)/Q(y)) S(y), with S(y) = ∇ log P(y) the
 *     response's full score ({@code Σ_y P ∇log P = ∇ Σ_y P = 0} removes the other term)
 * @param gradSeqFwd G_seq_fwd = ∇ KL(Q‖P) = −Σ_y Q(y) S(y)
 * @param gradPos G_pos, row (t, c): d_t(c) · p ⊙ (ℓ − KL(p‖q)), the row's p, q, ℓ
 * @param gradPosFwd G_pos_fwd, row (t, c): d_t(c) (p − q)
 * @param gradNorm ‖G_seq‖
 * @param gradFwdNorm ‖G_seq_fwd‖
 * @param gradFutureShare ‖G_seq − G_pos‖ / ‖G_seq‖, null where G_seq = 0
 */
public record SequenceTruth(double klSeq, double klSeqFwd, double klBehaviour, double entropy,
    double[][] occupancyP, double[][] occupancyQ, double[][] occupancyM,
    double[] gradSeq, double[] gradSeqFwd, double[] gradPos, double[] gradPosFwd,
    double gradNorm, double gradFwdNorm, Double gradFutureShare) {

  /** The targets of the model whose responses {@code space} enumerates. O(V^T · dimension). */
  public static SequenceTruth of(ResponseSpace space) {
    Model m = space.model();
    double klSeq = 0;
    double klSeqFwd = 0;
    double klBehaviour = 0;
    double entropy = 0;
    double[][] dP = occupancyShape(m);
    double[][] dQ = occupancyShape(m);
    double[][] dM = occupancyShape(m);
    double[] gradSeq = new double[space.dimension()];
    double[] gradSeqFwd = new double[space.dimension()];
    for (Response y : space.responses()) {
      klSeq += y.probP() * (y.logProbP() - y.logProbQ());
      klSeqFwd += y.probQ() * (y.logProbQ() - y.logProbP());
      klBehaviour += y.probM() * (y.logProbM() - y.logProbP());
      entropy -= y.probP() * y.logProbP();
      for (int t = 1; t <= m.horizon(); t++) {
        int c = y.contexts()[t - 1];
        dP[t - 1][c] += y.probP();
        dQ[t - 1][c] += y.probQ();
        dM[t - 1][c] += y.probM();
      }
      double[] score = space.score(y);
      Vectors.addScaled(gradSeq, y.probP() * (y.logProbP() - y.logProbQ()), score);
      Vectors.addScaled(gradSeqFwd, -y.probQ(), score);
    }
    double[] gradPos = new double[space.dimension()];
    double[] gradPosFwd = new double[space.dimension()];
    for (int t = 1; t <= m.horizon(); t++) {
      for (int c = 0; c < m.contextsAt(t); c++) {
        double[] lp = space.logP(t, c);
        double[] lq = space.logQ(t, c);
        double rowKl = 0;
        for (int j = 0; j < lp.length; j++) rowKl += Math.exp(lp[j]) * (lp[j] - lq[j]);
        int off = space.rowOffset(t, c);
        double d = dP[t - 1][c];
        for (int j = 0; j < lp.length; j++) {
          double pj = Math.exp(lp[j]);
          gradPos[off + j] = d * pj * (lp[j] - lq[j] - rowKl);
          gradPosFwd[off + j] = d * (pj - Math.exp(lq[j]));
        }
      }
    }
    double gradNorm = Vectors.norm(gradSeq);
    Double share = gradNorm == 0 ? null : Vectors.distance(gradSeq, gradPos) / gradNorm;
    return new SequenceTruth(klSeq, klSeqFwd, klBehaviour, entropy, dP, dQ, dM, gradSeq, gradSeqFwd, gradPos,
        gradPosFwd, gradNorm, Vectors.norm(gradSeqFwd), share);
  }

  private static double[][] occupancyShape(Model m) {
    double[][] out = new double[m.horizon()][];
    for (int t = 1; t <= m.horizon(); t++) out[t - 1] = new double[m.contextsAt(t)];
    return out;
  }
}
