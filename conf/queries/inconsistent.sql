-- Rows whose Monte Carlo and exact values disagree (consistent = false: |value_z| or
-- |grad_mse_z| above 5), largest |z| first, with the numbers to compare and mc_note (set when
-- most of an exact variance sits on tokens too rare to be drawn). Rows without numbers
-- (infeasible) are left out. A config_id in several runs counts once: the greatest run_id.
--   submit/klbench query --file conf/queries/inconsistent.sql
WITH latest AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY config_id ORDER BY run_id DESC) AS run_rank
    FROM results)
  WHERE run_rank = 1
)
SELECT run_id, config_id, vocab_size, policy, reference, behaviour, estimator, baseline,
       batch_size, batches, value_z, grad_mse_z,
       value_mean_exact, value_mean_mc, value_mean_se,
       grad_mse_exact, grad_mse_mc, grad_mse_se, mc_note
FROM latest
WHERE consistent = false
  AND (value_mean_mc IS NOT NULL OR grad_mse_mc IS NOT NULL)
ORDER BY greatest(abs(coalesce(value_z, 0)), abs(coalesce(grad_mse_z, 0))) DESC, config_id
