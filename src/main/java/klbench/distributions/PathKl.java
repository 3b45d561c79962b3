package klbench.distributions;

import klbench.core.LogSpace;
import klbench.core.Occupancy;

/**
 * The KL of a whole model of responses along one role's perturbation path, as a function of the
 * model's δ (SEQUENCES.md, "Families per row"): row (t, c) of the role is p_{t,c} moved δ·s_{t,c}
 * along its own ε_{t,c} ({@link PerturbationPath}), and
 *
 * <ul>
 *   <li>a reference's KL is KL(P‖Q_δ) = Σ_t Σ_c d_t(c) KL(p_{t,c}‖q_{t,c}), d the occupancies of P
 *       (which do not move with δ): convex and increasing in δ;
 *   <li>a behaviour's is KL(M_δ‖P) = Σ_t Σ_c d^M_t(c) KL(μ_{t,c}‖p_{t,c}), d^M the occupancies of
 *       M_δ, which move with δ: not monotone, and bounded.
 * </ul>
 *
 * Both are sums over rows by one forward pass ({@link Occupancy#expected}). Rows are rebuilt from
 * their streams at every evaluation ({@link ModelInput#row}) and never held beyond one row, so a
 * model of any size is solved in the memory of one row; an evaluation costs one pass over the rows.
 * With one row each is the single-token KL, the same floating-point operations.
 */
final class PathKl {
  private final ModelInput model;
  private final double spread;

  PathKl(ModelInput model, double spread) {
    this.model = model;
    this.spread = spread;
  }

  /**
   * What one pass at δ = 0 (where M = P) tells: the Fisher information Σ d s² Var_p(ε), whose
   * quadratic approximation gives the first guess; for a behaviour, {@code bound} = Σ_t max_c
   * −log p_{t,c}(x*) ≥ KL(M_δ‖P) for every δ (each row's KL(μ_δ‖p) increases to −log p(x*), and the
   * occupancies weigh each position's rows by a distribution), and the δ beyond which every row is
   * exactly one-hot, past which nothing changes.
   */
  record Start(double fisher, double bound, double saturation) {}

  /** One row of the path: the policy row, the row's direction and its factor on δ. */
  private record Row(int position, int context, double[] logP, double[] eps, double scale) {}

  private Row row(int t, int c) {
    BuildInput in = model.row(t, c);
    return new Row(t, c, in.logP(), PerturbationPath.direction(in.direction(), model.vocabSize()),
        PerturbationPath.scale(in.spread(), spread));
  }

  /**
   * The rows of one pass, handed from {@link Occupancy.RowDistribution} to {@link
   * Occupancy.RowValue} (which the forward pass calls for the same row right after): the last row
   * built is kept, and rebuilt if ever asked for another.
   */
  private abstract class Pass implements Occupancy.RowDistribution, Occupancy.RowValue {
    private Row current;
    private double[] other;

    /** The distribution the occupancies follow, as log-probabilities, for row {@code r}. */
    abstract double[] chainLogProbs(Row r);

    /** g(t, c) of row {@code r}, whose chain distribution is {@code chain}. */
    abstract double value(Row r, double[] chain);

    @Override
    public double[] probabilities(int t, int c) {
      current = row(t, c);
      other = chainLogProbs(current);
      return LogSpace.exp(other);
    }

    @Override
    public double value(int t, int c, double[] probabilities) {
      if (current == null || current.position() != t || current.context() != c) probabilities(t, c);
      return value(current, other);
    }

    double sum() {
      return Occupancy.expected(model.vocabSize(), model.horizon(), model.contexts(), this, this);
    }
  }

  /** The pass at δ = 0 ({@link Start}). */
  Start start() {
    double[] boundAt = new double[model.horizon()];
    double[] saturation = {0};
    double fisher = new Pass() {
      @Override double[] chainLogProbs(Row r) { return r.logP(); }

      @Override double value(Row r, double[] chain) {
        boundAt[r.position() - 1] = Math.max(boundAt[r.position() - 1], PerturbationPath.reverseKlLimit(r.logP(), r.eps()));
        saturation[0] = Math.max(saturation[0], PerturbationPath.oneHotStep(r.logP(), r.eps()) / r.scale());
        return r.scale() * r.scale() * PerturbationPath.fisher(r.logP(), r.eps());
      }
    }.sum();
    double bound = 0;
    for (double b : boundAt) bound += b;
    return new Start(fisher, bound, saturation[0]);
  }

  /** The role's KL at δ: KL(P‖Q_δ) for a reference, KL(M_δ‖P) for a behaviour. */
  double at(double delta) {
    if (model.role() == Role.BEHAVIOUR) {
      return new Pass() {
        @Override double[] chainLogProbs(Row r) { return PerturbationPath.at(r.logP(), r.eps(), delta * r.scale()); }

        @Override double value(Row r, double[] logMu) { return LogSpace.kl(logMu, r.logP()); }
      }.sum();
    }
    return new Pass() {
      @Override double[] chainLogProbs(Row r) { return r.logP(); }

      @Override double value(Row r, double[] logP) {
        return LogSpace.kl(logP, PerturbationPath.at(logP, r.eps(), delta * r.scale()));
      }
    }.sum();
  }
}
