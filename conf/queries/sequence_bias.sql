-- Over responses (SEQUENCES.md): per estimator, discount, context count, sampling and horizon,
-- the gradient's mean relative bias against G_seq = ∇KL(P‖Q), its cosines with G_seq and with the
-- per-position G_pos, and the truth grad_future_share = ‖G_seq − G_pos‖ / ‖G_seq‖ (the part of
-- G_seq that flows through future tokens: what a per-token term that sees no future token misses).
-- Baseline none; mean over vocabulary sizes, policies, references and behaviours. Reads the view
-- `latest` (one row per config_id, the latest run's).
--   submit/klbench query --file conf/queries/sequence_bias.sql
SELECT estimator, discount, contexts, on_policy, horizon,
       avg(grad_rel_bias) AS rel_bias,
       avg(grad_cos_exact) AS cos_seq,
       avg(grad_cos_pos_exact) AS cos_pos,
       avg(grad_future_share) AS future_share,
       count(*) AS configs
FROM latest
WHERE baseline = 'none' AND grad_rel_bias IS NOT NULL
GROUP BY estimator, discount, contexts, on_policy, horizon
ORDER BY estimator, discount DESC, contexts, on_policy DESC, horizon
