package klbench.cli;

import java.util.List;
import java.util.function.Consumer;
import klbench.core.Metrics;
import klbench.core.SequenceEvaluation;
import klbench.core.SequenceModel;
import klbench.distributions.Distributions;
import klbench.distributions.TripleSpec;
import klbench.grid.Configuration;
import klbench.grid.Grid;
import klbench.results.ResultRow;
import klbench.results.Rows;

/**
 * Evaluates a grid in this process, one model of responses after another, with the same core as
 * the Spark job and no Spark: what {@code eval} (and benchmarks) run.
 */
public final class LocalEvaluation {
  private LocalEvaluation() {}

  /**
   * Hands each configuration's row to {@code sink}, in {@link Grid#configurations()} order: each
   * model is built ({@link Distributions#model}) and evaluated for all its batch sizes, estimators,
   * discounts and baselines in one call, and its rows paired with their configurations by identity
   * ({@link Rows#ofGroup}).
   *
   * <p>Timing: a model's wall time (building it and evaluating it) is split over its batch sizes in
   * proportion to B, the responses simulated per batch, then evenly over the (estimator, discount,
   * baseline) of a batch size, which share those responses; {@code samples_per_second} is a row's
   * samples over its share.
   */
  public static void run(Grid grid, String runId, Consumer<ResultRow> sink) {
    for (int i = 0; i < grid.triples().size(); i++) {
      TripleSpec spec = grid.triples().get(i);
      Grid.Part part = grid.part(i);
      long allBatches = part.batchSizes().stream().mapToLong(Integer::longValue).sum();
      long start = System.nanoTime();
      SequenceModel model = Distributions.model(spec, grid.seed(), grid.files());
      SequenceEvaluation.Result result = SequenceEvaluation.prepare(model, part.estimators(), part.discounts(), part.baselines())
          .evaluate(part.batchSizes(), part.batches(), grid.seed(), spec.key());
      double modelMs = (System.nanoTime() - start) / 1e6;
      for (int batchSize : part.batchSizes()) {
        List<Configuration> configs = grid.configurations(i, batchSize);
        List<Metrics> metrics = result.metrics().stream().filter(m -> m.batchSize == batchSize).toList();
        Rows.ofGroup(runId, grid.name(), configs, result.truth(), metrics, modelMs * batchSize / allBatches, c -> true)
            .forEach(sink);
      }
    }
  }
}
