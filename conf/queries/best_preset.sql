-- Best framework preset per KL level, sampling (on- or off-policy), horizon and batch size: the first
-- (preset, baseline) of the report's leaderboard table (view `leaderboard`: mean over the
-- vocabulary sizes, policies and behaviours at that level, ranked by mean grad_rel_rmse as the
-- report ranks, `place`) among the presets that are a gradient at all (`a_gradient`, as in the
-- report's answer box): an estimator whose expected gradient is 0, such as k1 under the loss rule,
-- has a relative RMSE near 1 at large batches and would otherwise "win".
--   submit/klbench query --file conf/queries/best_preset.sql
SELECT kl_level, on_policy, horizon, batch_size, preset, discount, baseline, rel_rmse, rel_bias, bias_share, configs
FROM (
  SELECT *, estimator AS preset,
         row_number() OVER (PARTITION BY kl_level, on_policy, horizon, batch_size ORDER BY place) AS preset_place
  FROM leaderboard
  WHERE is_preset AND a_gradient)
WHERE preset_place = 1
ORDER BY kl_level, on_policy DESC, horizon, batch_size
