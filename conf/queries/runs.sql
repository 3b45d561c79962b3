-- The runs in the results folder, oldest run_id first: rows, distinct configurations, how many
-- are infeasible or inconsistent, and what they cost. Every row of every run (no deduplication).
--   submit/klbench query --file conf/queries/runs.sql
SELECT run_id,
       first(run_name) AS run_name,
       count(*) AS row_count,
       count(DISTINCT config_id) AS configs,
       count_if(infeasible_reason IS NOT NULL) AS infeasible,
       count_if(consistent = false AND infeasible_reason IS NULL) AS inconsistent,
       count(DISTINCT estimator) AS estimators,
       count(DISTINCT vocab_size) AS vocab_sizes,
       sum(samples) AS samples,
       round(sum(elapsed_ms) / 1000, 1) AS compute_seconds
FROM results
GROUP BY run_id
ORDER BY run_id
