package klbench.core;

import static klbench.core.GradientRule.LOSS;
import static klbench.core.GradientRule.LOSS_RATIO;
import static klbench.core.GradientRule.LOSS_SCORE;
import static klbench.core.GradientRule.REWARD;
import static klbench.core.GradientRule.STRAIGHT_THROUGH;
import static klbench.core.ValueFunction.ABS;
import static klbench.core.ValueFunction.K1;
import static klbench.core.ValueFunction.K2;
import static klbench.core.ValueFunction.K3;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the popular RL fine-tuning frameworks compute, as data: a value function, clamps and a
 * gradient rule each (ESTIMATORS.md, "Framework presets"). Each entry names the file it mirrors,
 * as read in 2026, so that users can check it against their own install.
 */
public final class Presets {
  private Presets() {}

  /** A preset: the estimator and where in which framework it comes from. */
  public record Preset(Estimator estimator, String source) {}

  private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

  private static final String VERL = "verl verl/trainer/ppo/core_algos.py kl_penalty";
  private static final String OPENRLHF = "OpenRLHF openrlhf/models/utils.py compute_approx_kl";
  private static final String TRL_GRPO = "TRL trl/trainer/grpo_trainer.py";
  private static final String TRL_PPO = "TRL trl/trainer/ppo_trainer.py kl_estimator";
  private static final String NEMO = "NeMo-RL nemo_rl/algorithms/utils.py calculate_kl";
  private static final String SLIME = "slime slime/utils/ppo_utils.py";
  private static final String TORCHTUNE = "torchtune torchtune/dev/grpo/loss.py";

  static {
    // verl: use_kl_loss takes kl_penalty(...) as a loss; "+" variants are straight-through.
    add("verl.kl", K1, LOSS, null, null, VERL + " (kl, use_kl_loss)");
    add("verl.abs", ABS, LOSS, null, null, VERL + " (abs, use_kl_loss)");
    add("verl.mse", K2, LOSS, null, null, VERL + " (mse, use_kl_loss)");
    add("verl.low_var_kl", K3, LOSS, 20.0, 10.0, VERL + " (low_var_kl, verl's default KL loss)");
    add("verl.k1+", K1, STRAIGHT_THROUGH, null, null, VERL + " (k1+)");
    add("verl.low_var_kl+", K3, STRAIGHT_THROUGH, 20.0, 10.0, VERL + " (low_var_kl+)");
    add("verl.reward.kl", K1, REWARD, null, null, "verl apply_kl_penalty (kl, use_kl_in_reward)");
    add("verl.reward.low_var_kl", K3, REWARD, 20.0, 10.0, "verl apply_kl_penalty (low_var_kl, use_kl_in_reward)");
    // OpenRLHF clamps the estimate to [-10, 10] in both the loss and the reward path.
    add("openrlhf.loss.k1", K1, LOSS, null, 10.0, OPENRLHF + " (k1, use_kl_loss)");
    add("openrlhf.loss.k2", K2, LOSS, null, 10.0, OPENRLHF + " (k2, use_kl_loss)");
    add("openrlhf.loss.k3", K3, LOSS, null, 10.0, OPENRLHF + " (k3, use_kl_loss)");
    add("openrlhf.reward.k1", K1, REWARD, null, 10.0, OPENRLHF + " (k1, reward path)");
    add("openrlhf.reward.k2", K2, REWARD, null, 10.0, OPENRLHF + " (k2, reward path)");
    add("openrlhf.reward.k3", K3, REWARD, null, 10.0, OPENRLHF + " (k3, reward path)");
    // TRL's GRPO multiplies k3 by the importance ratio unless the bias correction is off.
    add("trl.grpo", K3, LOSS_RATIO, null, null, TRL_GRPO + " (use_bias_correction_kl, on by default since 2026)");
    add("trl.grpo.uncorrected", K3, LOSS, null, null, TRL_GRPO + " (use_bias_correction_kl off)");
    add("trl.ppo.k1", K1, REWARD, null, null, TRL_PPO + " (k1)");
    add("trl.ppo.k3", K3, REWARD, null, null, TRL_PPO + " (k3)");
    // NeMo-RL: exp(logp - logp.detach()) * kl adds the score-function term.
    add("nemo_rl.k1", K1, LOSS_SCORE, 20.0, 10.0, NEMO + " (k1)");
    add("nemo_rl.k2", K2, LOSS_SCORE, 20.0, 10.0, NEMO + " (k2)");
    add("nemo_rl.k3", K3, LOSS_SCORE, 20.0, 10.0, NEMO + " (k3)");
    add("slime.low_var_kl", K3, LOSS, null, 10.0, SLIME + " (low_var_kl)");
    add("slime.low_var_kl.unbiased", K3, LOSS_RATIO, null, 10.0, SLIME + " (--use-unbiased-kl)");
    add("torchtune.grpo", K3, LOSS, null, null, TORCHTUNE);
  }

  private static void add(
      String name, ValueFunction v, GradientRule r, Double clampLogRatio, Double clampValue, String source) {
    PRESETS.put(name, new Preset(new Estimator(name, v, r, clampLogRatio, clampValue, null), source));
  }

  /** Every preset by name, in the order of ESTIMATORS.md. */
  public static Map<String, Preset> all() {
    return Collections.unmodifiableMap(PRESETS);
  }

  /** The preset's estimator (named after the preset), or null when there is no such preset. */
  public static Estimator byName(String name) {
    Preset p = PRESETS.get(name);
    return p == null ? null : p.estimator();
  }
}
