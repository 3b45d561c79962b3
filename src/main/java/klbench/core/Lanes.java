package klbench.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The lanes of an evaluation: every (estimator, discount) pair, estimator-major (lane l = k·D + d),
 * all evaluated on the same responses. Groups the lanes by what they share:
 *
 * <ul>
 *   <li>value keys: estimators with the same value function and clamps have the same f column;
 *   <li>future groups (value key, γ): the backward sums of the future values that the reward rules
 *       of that key and discount read (and, with γ = 1, the value's own moments);
 *   <li>weight blocks ({@link Block}): lanes whose per-token weight ω is 1, w or ρ, which Monte
 *       Carlo sums with different token weights.
 * </ul>
 */
final class Lanes {
  /** What a lane's per-token weight ω is (SEQUENCES.md, "Rules over a response"). */
  enum Block {
    /** Token rules: ω = 1. */
    ONE,
    /** reward, reward_token, reward_total: ω = w_t. */
    RATIO,
    /** reward_is: ω = ρ_{1:t}. */
    CUMULATIVE_RATIO
  }

  final List<Estimator> estimators;
  final double[] discounts;
  final int count;
  /** Per estimator: the index of its value key. */
  final int[] keyOf;
  /** Per value key: an estimator that has it (its value column is the key's f). */
  final int[] keyEstimator;
  /** Future groups: per group, its value key and discount. */
  final int[] groupKey;
  final double[] groupDiscount;
  /** Per value key: its group with γ = 1 (the value moments). */
  final int[] valueGroup;
  /** Per lane: its future group (the group of its key and discount). */
  final int[] laneGroup;
  /** Whether some estimator's value function reads expm1(−ℓ) ({@link ValueFunction#usesExpm1}). */
  final boolean anyExpm1;

  Lanes(List<Estimator> estimators, List<Double> discounts) {
    this.estimators = List.copyOf(estimators);
    this.discounts = discounts.stream().mapToDouble(Double::doubleValue).toArray();
    this.count = estimators.size() * this.discounts.length;
    this.anyExpm1 = estimators.stream().anyMatch(e -> e.value().usesExpm1());
    List<EstimatorColumns.ValueKey> keys = new ArrayList<>();
    keyOf = new int[estimators.size()];
    List<Integer> keyEst = new ArrayList<>();
    for (int k = 0; k < estimators.size(); k++) {
      EstimatorColumns.ValueKey key = EstimatorColumns.ValueKey.of(estimators.get(k));
      int i = keys.indexOf(key);
      if (i < 0) {
        i = keys.size();
        keys.add(key);
        keyEst.add(k);
      }
      keyOf[k] = i;
    }
    keyEstimator = keyEst.stream().mapToInt(Integer::intValue).toArray();
    List<long[]> groups = new ArrayList<>(); // {key, index of discount or -1 for γ = 1}
    List<Double> gammas = new ArrayList<>();
    valueGroup = new int[keys.size()];
    for (int key = 0; key < keys.size(); key++) valueGroup[key] = group(groups, gammas, key, 1.0);
    laneGroup = new int[count];
    for (int k = 0; k < estimators.size(); k++) {
      for (int d = 0; d < this.discounts.length; d++) laneGroup[k * this.discounts.length + d] = group(groups, gammas, keyOf[k], this.discounts[d]);
    }
    groupKey = new int[groups.size()];
    groupDiscount = new double[groups.size()];
    for (int g = 0; g < groups.size(); g++) {
      groupKey[g] = (int) groups.get(g)[0];
      groupDiscount[g] = gammas.get(g);
    }
  }

  private static int group(List<long[]> groups, List<Double> gammas, int key, double gamma) {
    for (int g = 0; g < groups.size(); g++) {
      if (groups.get(g)[0] == key && Double.compare(gammas.get(g), gamma) == 0) return g;
    }
    groups.add(new long[] {key});
    gammas.add(gamma);
    return groups.size() - 1;
  }

  int keyCount() { return keyEstimator.length; }

  int groupCount() { return groupKey.length; }

  Estimator estimator(int lane) { return estimators.get(lane / discounts.length); }

  int estimatorIndex(int lane) { return lane / discounts.length; }

  double discount(int lane) { return discounts[lane % discounts.length]; }

  GradientRule.Credit credit(int lane) { return estimator(lane).rule().credit(); }

  /** The lane's weight block. */
  Block block(int lane) {
    return switch (credit(lane)) {
      case OWN -> Block.ONE;
      case IMPORTANCE_TO_GO -> Block.CUMULATIVE_RATIO;
      default -> Block.RATIO;
    };
  }

  /**
   * True when the lane's z_t and ω_t at position t of a horizon-T response depend on that token
   * alone: token rules and reward_token always; reward at the last position; every rule at T = 1.
   */
  boolean tokenOnly(int lane, int position, int horizon) {
    return switch (credit(lane)) {
      case OWN, TOKEN_REWARD -> true;
      case TO_GO -> position == horizon;
      case TOTAL, IMPORTANCE_TO_GO -> horizon == 1;
    };
  }

  /**
   * Which lanes keep their P per entry at position t ({@link PositionStats#merged}): those not
   * {@link #tokenOnly}, numbered in lane order into {@code into} (−1 for the others); returns how
   * many. The chunks that write P and the finishing that reads it both take the numbering from here.
   */
  int mergedLanes(int position, int horizon, int[] into) {
    int m = 0;
    for (int lane = 0; lane < count; lane++) into[lane] = tokenOnly(lane, position, horizon) ? -1 : m++;
    return m;
  }

  boolean any(GradientRule.Credit credit) {
    for (int l = 0; l < count; l++) if (credit(l) == credit) return true;
    return false;
  }
}
