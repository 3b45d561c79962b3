/**
 * The numerical core: what every number klbench writes is, and how it is computed, exactly and by
 * Monte Carlo (ESTIMATORS.md, SEQUENCES.md). Pure Java: no Spark, Hadoop or other klbench package.
 *
 * <h2>Where things go</h2>
 *
 * <table>
 *   <caption>One home per idea</caption>
 *   <tr><th>a new …</th><th>goes in</th></tr>
 *   <tr><td>value function (f, f′)</td><td>{@link klbench.core.ValueFunction}</td></tr>
 *   <tr><td>gradient rule (its coefficient, and how it credits a response's tokens)</td>
 *       <td>{@link klbench.core.GradientRule} and its {@link klbench.core.GradientRule.Credit}</td></tr>
 *   <tr><td>clamp or option of an estimator; how estimators are named and parsed</td>
 *       <td>{@link klbench.core.Estimator}</td></tr>
 *   <tr><td>framework preset</td><td>{@link klbench.core.Presets} (one entry)</td></tr>
 *   <tr><td>baseline (its shift a′ = κa + s)</td><td>{@link klbench.core.Baseline}</td></tr>
 *   <tr><td>target or truth column (KL, gradients, future share)</td>
 *       <td>{@link klbench.core.ExactPasses} (targets) and {@link klbench.core.Truth}</td></tr>
 *   <tr><td>exact metric</td><td>{@link klbench.core.ExactPasses} (its sums) and the finish in
 *       {@link klbench.core.SequenceEvaluation}</td></tr>
 *   <tr><td>Monte Carlo statistic</td><td>the draws and batch errors of {@link
 *       klbench.core.ResponseChunk} (longer responses) and {@link klbench.core.ChunkSimulation}
 *       (single tokens), kept in {@link klbench.core.PositionStats} / {@link
 *       klbench.core.PartialStats}, turned into metrics in {@link klbench.core.SequenceEvaluation}</td></tr>
 *   <tr><td>consistency rule (z-scores, the heavy-tail note)</td><td>{@link klbench.core.Consistency}</td></tr>
 *   <tr><td>metric field</td><td>{@link klbench.core.Metrics} (then a result column in
 *       {@code klbench.results.Column})</td></tr>
 * </table>
 *
 * <h2>How it fits together</h2>
 *
 * <ul>
 *   <li>A {@link klbench.core.SequenceModel} is V tokens, a horizon T and a row (p, q, μ) — a
 *       {@link klbench.core.Triple} — per (position, {@link klbench.core.Contexts context}); with
 *       T = 1 it is one triple. Rows are built by a {@link klbench.core.SequenceModel.RowSource}
 *       (the distribution families live in {@code klbench.distributions}) and kept or rebuilt.
 *   <li>{@link klbench.core.SequenceEvaluation} is the entry point: {@link
 *       klbench.core.ExactPasses} (one forward and one backward pass over positions), then Monte
 *       Carlo per batch size in chunks on their own streams ({@link klbench.core.Chunking}, {@link
 *       klbench.core.Streams}), folded left in chunk order, then the metrics.
 *   <li>Lanes are the (estimator, discount) pairs evaluated together ({@link klbench.core.Lanes});
 *       {@link klbench.core.LaneLayout} places them in the coefficient rows that {@link
 *       klbench.core.GroupSums} hands to a {@link klbench.core.Kernel} (vector or scalar, the same
 *       bits).
 * </ul>
 */
package klbench.core;
