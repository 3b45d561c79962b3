package klbench.oracle;

import java.util.ArrayList;
import java.util.List;
import klbench.oracle.OracleEstimator.Rule;
import klbench.oracle.OracleEstimator.Value;

/** The models, estimators and baselines the oracle's tests sweep. */
final class OracleFixtures {
  private OracleFixtures() {}

  /** (V, T, contexts) covering V ∈ {2, 3, 4}, T ∈ {1, 2, 3}, contexts 1, 2 and tree, V^T ≤ 64. */
  static final int[][] SHAPES = {
      {2, 1, 2}, {3, 1, Model.TREE}, {4, 1, 1},
      {2, 2, 2}, {3, 2, 1}, {3, 2, Model.TREE}, {4, 2, 2},
      {2, 3, 1}, {2, 3, 2}, {2, 3, Model.TREE}, {3, 3, 2}, {3, 3, Model.TREE}, {4, 3, 2}, {4, 3, 1},
  };

  /** The random model of one shape: σ = 1, δ = 0.8, spread 1 (rows differ in closeness), δ_μ = 0.6. */
  static Model model(int[] shape, boolean offPolicy, long seed) {
    return offPolicy
        ? Model.offPolicy(shape[0], shape[1], shape[2], 1.0, 0.8, 0.6, 1.0, seed)
        : Model.onPolicy(shape[0], shape[1], shape[2], 1.0, 0.8, 1.0, seed);
  }

  /** One model of every shape. */
  static List<Model> models(boolean offPolicy) {
    List<Model> out = new ArrayList<>();
    for (int i = 0; i < SHAPES.length; i++) out.add(model(SHAPES[i], offPolicy, 1000 + 17L * i));
    return out;
  }

  /** Whether the future depends on the present token: T ≥ 2 and N ≥ 2 (or tree). */
  static boolean futureMatters(Model m) { return m.horizon() >= 2 && m.contexts() != 1; }

  static String name(Model m) {
    return "V=" + m.vocab() + " T=" + m.horizon() + " contexts=" + m.contextsLabel() + (m.offPolicy() ? " off" : " on");
  }

  /** Every value function under every rule, unclamped. */
  static List<OracleEstimator> allPairs() {
    List<OracleEstimator> out = new ArrayList<>();
    for (Value v : Value.values()) {
      for (Rule r : Rule.values()) out.add(OracleEstimator.of(v, r));
    }
    return out;
  }

  /** Clamped and clipped variants, with clamps tight enough to be active on some tokens of the models above. */
  static List<OracleEstimator> clamped() {
    return List.of(
        OracleEstimator.of(Value.K3, Rule.LOSS).clamped(0.4, 0.05),
        OracleEstimator.of(Value.K2, Rule.LOSS_RATIO).clamped(OracleEstimator.NONE, 0.03),
        OracleEstimator.of(Value.K1, Rule.LOSS_SCORE).clamped(0.3, OracleEstimator.NONE),
        OracleEstimator.of(Value.K3, Rule.STRAIGHT_THROUGH).clamped(0.2, 0.02),
        OracleEstimator.of(Value.K1, Rule.STRAIGHT_THROUGH_RATIO).ratioClipped(1.1),
        OracleEstimator.of(Value.K3, Rule.REWARD).clamped(0.4, 0.05),
        OracleEstimator.of(Value.K1, Rule.REWARD_IS).clamped(0.3, 0.25),
        OracleEstimator.of(Value.ABS, Rule.REWARD_TOTAL).clamped(OracleEstimator.NONE, 0.2));
  }

  /** Every rule once, across the value functions, some clamped: for sweeps that need not see every pair. */
  static List<OracleEstimator> sample() {
    return List.of(
        OracleEstimator.of(Value.K1, Rule.LOSS),
        OracleEstimator.of(Value.K2, Rule.LOSS_RATIO),
        OracleEstimator.of(Value.K3, Rule.LOSS_RATIO_DETACHED),
        OracleEstimator.of(Value.ABS, Rule.LOSS_SCORE),
        OracleEstimator.of(Value.K3, Rule.STRAIGHT_THROUGH).clamped(0.2, 0.02),
        OracleEstimator.of(Value.K1, Rule.STRAIGHT_THROUGH_RATIO).ratioClipped(1.1),
        OracleEstimator.of(Value.K3, Rule.REWARD),
        OracleEstimator.of(Value.K2, Rule.REWARD_TOKEN),
        OracleEstimator.of(Value.K1, Rule.REWARD_TOTAL),
        OracleEstimator.of(Value.K3, Rule.REWARD_IS),
        OracleEstimator.of(Value.K3, Rule.LOSS).clamped(0.4, 0.05),
        OracleEstimator.of(Value.ABS, Rule.REWARD_IS).clamped(OracleEstimator.NONE, 0.2));
  }

  static List<OracleEstimator> rewardRules(Value v) {
    return List.of(OracleEstimator.of(v, Rule.REWARD), OracleEstimator.of(v, Rule.REWARD_TOKEN),
        OracleEstimator.of(v, Rule.REWARD_TOTAL), OracleEstimator.of(v, Rule.REWARD_IS));
  }

  /** none, const(0.7), oracle: the baselines of one response (batch 1 or 2). */
  static final List<OracleBaseline> SINGLE = List.of(OracleBaseline.NONE, OracleBaseline.constant(0.7), OracleBaseline.ORACLE);
}
