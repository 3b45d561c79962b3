-- Rows whose Monte Carlo and exact values disagree (consistent = false: |value_z| or
-- |grad_mse_z| above 5), largest |z| first, with the numbers to compare and mc_note (set when
-- most of an exact variance sits on tokens too rare to be drawn). Rows without numbers
-- (infeasible) are left out. Reads the view `latest` (one row per config_id, the latest run's).
--   submit/klbench query --file conf/queries/inconsistent.sql
SELECT run_id, config_id, vocab_size, policy, reference, behaviour, estimator, baseline,
       batch_size, batches, horizon, contexts, discount, value_z, grad_mse_z,
       value_mean_exact, value_mean_mc, value_mean_se,
       grad_mse_exact, grad_mse_mc, grad_mse_se, mc_note
FROM latest
WHERE consistent = false
  AND (value_mean_mc IS NOT NULL OR grad_mse_mc IS NOT NULL)
ORDER BY greatest(abs(coalesce(value_z, 0)), abs(coalesce(grad_mse_z, 0))) DESC, config_id
