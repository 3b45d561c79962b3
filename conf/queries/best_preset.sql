-- Best framework preset per KL level, sampling (on- or off-policy) and batch size: the
-- (preset, baseline) of lowest mean grad_rel_rmse, averaged over the vocabulary sizes, policies
-- and behaviours at that level, with its relative bias and the share of bias in its squared error.
-- KL level: KL(p||q) rounded to 0.01 in log10, as in the report; presets with the same numbers
-- (equal to 9 significant digits) are ranked by name. A config_id in several runs counts once:
-- the row of the greatest run_id. Only presets that are a gradient at all compete (mean relative
-- bias below 0.5, as in the report's answer box): an estimator whose expected gradient is 0, such
-- as k1 under the loss rule, has a relative RMSE near 1 at large batches and would otherwise "win".
--   submit/klbench query --file conf/queries/best_preset.sql
WITH latest AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY config_id ORDER BY run_id DESC) AS run_rank
    FROM results)
  WHERE run_rank = 1
),
presets AS (
  SELECT pow(10, round(log10(kl), 2)) AS kl_level,
         behaviour LIKE 'on_policy%' AS on_policy,
         batch_size,
         estimator AS preset,
         baseline,
         grad_rel_rmse,
         grad_rel_bias,
         pow(coalesce(grad_bias_norm_exact, grad_bias_norm_mc), 2) AS bias_sq,
         coalesce(grad_var_exact, grad_var_mc) AS var
  FROM latest
  WHERE grad_rel_rmse IS NOT NULL AND kl > 0
    AND estimator RLIKE '^(verl|openrlhf|trl|nemo_rl|slime|torchtune)[.]'
),
ranked AS (
  SELECT kl_level, on_policy, batch_size, preset, baseline,
         avg(grad_rel_rmse) AS rel_rmse,
         avg(grad_rel_bias) AS rel_bias,
         avg(bias_sq / (bias_sq + var)) AS bias_share,
         count(*) AS configs,
         row_number() OVER (PARTITION BY kl_level, on_policy, batch_size
                            ORDER BY round(log10(avg(grad_rel_rmse)), 9), preset, baseline) AS place
  FROM presets
  GROUP BY kl_level, on_policy, batch_size, preset, baseline
  HAVING avg(grad_rel_bias) < 0.5
)
SELECT kl_level, on_policy, batch_size, preset, baseline, rel_rmse, rel_bias, bias_share, configs
FROM ranked
WHERE place = 1
ORDER BY kl_level, on_policy DESC, batch_size
