package klbench.oracle;

/**
 * The metrics of one (estimator, baseline, discount, batch size) on one model, exact by enumeration
 * of every ordered batch: SEQUENCES.md "Batches and metrics" with ESTIMATORS.md "Metrics".
 *
 * @param meanGradient E[ĝ_B]
 * @param gradSecondMoment E‖ĝ_B‖²
 * @param gradVar tr Cov(ĝ_B) = E‖ĝ_B − E[ĝ_B]‖² (computed about the mean, so never negative)
 * @param gradMse E‖ĝ_B − G_seq‖², summed directly over the batches
 * @param gradBiasNorm ‖E[ĝ_B] − G_seq‖
 * @param gradRelBias gradBiasNorm / ‖G_seq‖, null where G_seq = 0
 * @param gradRelRmse √gradMse / ‖G_seq‖, null where G_seq = 0
 * @param gradCos cos(E[ĝ_B], G_seq); every cosine is null where ‖E[ĝ_B]‖ ≤ 1e-12 ‖G_seq‖ or the
 *     other vector is 0
 * @param gradCosFwd cos(E[ĝ_B], G_seq_fwd)
 * @param gradCosPos cos(E[ĝ_B], G_pos)
 * @param gradCosPosFwd cos(E[ĝ_B], G_pos_fwd)
 * @param valueMean E_M[v̂], v̂(y) = Σ_t f(ℓ_t)
 * @param valueStd sd_M(v̂), per response (not per batch)
 * @param valueBias valueMean − KL_seq
 * @param valueRelBias valueBias / KL_seq, null where KL_seq = 0
 * @param valueRelStd valueStd / KL_seq, null where KL_seq = 0
 */
public record BatchEvaluation(OracleEstimator estimator, OracleBaseline baseline, double discount, int batch,
    double[] meanGradient, double gradSecondMoment, double gradVar, double gradMse, double gradBiasNorm,
    Double gradRelBias, Double gradRelRmse, Double gradCos, Double gradCosFwd, Double gradCosPos, Double gradCosPosFwd,
    double valueMean, double valueStd, double valueBias, Double valueRelBias, Double valueRelStd) {}
