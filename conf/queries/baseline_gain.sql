-- What each baseline buys: the gradient's relative RMSE with the baseline over its relative RMSE
-- with baseline none, on the same configuration (distributions, estimator, batch size; over
-- responses, horizon, contexts and discount), then averaged per estimator, baseline, KL level,
-- sampling, horizon and batch size. A ratio below 1: the baseline helps. Reads the view `latest` (one row per config_id, the latest run's; kl_level and
-- on_policy as in the report).
--   submit/klbench query --file conf/queries/baseline_gain.sql
WITH r AS (
  SELECT vocab_size, policy, reference, behaviour, estimator, batch_size, batches, baseline,
         horizon, contexts, discount, kl_level, on_policy, grad_rel_rmse
  FROM latest
  WHERE grad_rel_rmse IS NOT NULL AND kl > 0
),
no_baseline AS (
  SELECT vocab_size, policy, reference, behaviour, estimator, batch_size, batches, horizon, contexts,
         discount, grad_rel_rmse AS rel_rmse_none
  FROM r WHERE baseline = 'none'
)
SELECT estimator, baseline, kl_level, on_policy, horizon, batch_size,
       avg(grad_rel_rmse) AS rel_rmse,
       avg(rel_rmse_none) AS rel_rmse_none,
       avg(grad_rel_rmse / rel_rmse_none) AS ratio_to_none,
       count(*) AS configs
FROM r JOIN no_baseline USING (vocab_size, policy, reference, behaviour, estimator, batch_size, batches,
                               horizon, contexts, discount)
WHERE baseline <> 'none'
GROUP BY estimator, baseline, kl_level, on_policy, horizon, batch_size
ORDER BY estimator, kl_level, on_policy DESC, horizon, batch_size, ratio_to_none
