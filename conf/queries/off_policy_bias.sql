-- Estimators that are unbiased on-policy but biased off-policy: the same estimator, baseline,
-- KL level and vocabulary size (and over responses horizon, contexts and discount), with mean grad_rel_bias <= 0.01 on-policy (behaviour on_policy())
-- and > 0.05 off-policy (any other behaviour; mean over behaviours and policies). Most biased
-- off-policy first. Reads the view `latest` (one row per config_id, the latest run's; kl_level
-- and on_policy as in the report).
--   submit/klbench query --file conf/queries/off_policy_bias.sql
WITH r AS (
  SELECT estimator, baseline, vocab_size, kl_level, horizon, contexts, discount, on_policy,
         behaviour, kl_behaviour, grad_rel_bias
  FROM latest
  WHERE grad_rel_bias IS NOT NULL AND kl > 0
),
on_p AS (
  SELECT estimator, baseline, vocab_size, kl_level, horizon, contexts, discount,
         avg(grad_rel_bias) AS rel_bias_on
  FROM r WHERE on_policy
  GROUP BY estimator, baseline, vocab_size, kl_level, horizon, contexts, discount
),
off_p AS (
  SELECT estimator, baseline, vocab_size, kl_level, horizon, contexts, discount,
         avg(grad_rel_bias) AS rel_bias_off,
         max(grad_rel_bias) AS worst_rel_bias_off,
         max(kl_behaviour) AS max_kl_behaviour,
         count(DISTINCT behaviour) AS behaviours
  FROM r WHERE NOT on_policy
  GROUP BY estimator, baseline, vocab_size, kl_level, horizon, contexts, discount
)
SELECT estimator, baseline, vocab_size, kl_level, horizon, contexts, discount, rel_bias_on, rel_bias_off,
       worst_rel_bias_off, max_kl_behaviour, behaviours
FROM on_p JOIN off_p USING (estimator, baseline, vocab_size, kl_level, horizon, contexts, discount)
WHERE rel_bias_on <= 0.01 AND rel_bias_off > 0.05
ORDER BY rel_bias_off DESC, estimator, baseline, vocab_size, kl_level, horizon, contexts, discount
