package klbench.cli;

import java.util.List;
import java.util.function.Consumer;
import klbench.core.Metrics;
import klbench.core.Triple;
import klbench.core.TripleEvaluation;
import klbench.distributions.Distributions;
import klbench.distributions.TripleSpec;
import klbench.grid.Grid;
import klbench.results.ResultRow;
import klbench.results.Rows;

/**
 * Evaluates a grid in this process, one triple after another, with the same core as the Spark job
 * and no Spark: what {@code eval} (and benchmarks) run.
 */
public final class LocalEvaluation {
  private LocalEvaluation() {}

  /**
   * Hands each configuration's row to {@code sink}, in {@link Grid#configurations()} order.
   *
   * <p>Timing: a row's {@code elapsed_ms} is its share of the wall time of its triple (building it
   * and preparing its tables, split over its batch sizes) and of its batch size's evaluation, split
   * evenly over the (estimator, baseline) pairs that share those tokens; {@code
   * samples_per_second} is its samples over that share.
   */
  public static void run(Grid grid, String runId, Consumer<ResultRow> sink) {
    for (TripleSpec spec : grid.triples()) {
      long start = System.nanoTime();
      Triple triple = Distributions.build(spec, grid.seed(), grid.files());
      TripleEvaluation evaluation = TripleEvaluation.prepare(triple, grid.estimators(), grid.baselines());
      double setupMs = (System.nanoTime() - start) / 1e6 / grid.batchSizes().size();
      for (int batchSize : grid.batchSizes()) {
        long t0 = System.nanoTime();
        List<Metrics> metrics = evaluation.evaluate(batchSize, grid.batches(), grid.seed(), spec.key());
        double groupMs = setupMs + (System.nanoTime() - t0) / 1e6;
        Rows.ofGroup(runId, grid.name(), grid.configurations(spec, batchSize), triple.truth(), metrics, groupMs, c -> true)
            .forEach(sink);
      }
    }
  }
}
