package klbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import klbench.cli.LocalEvaluation;
import klbench.grid.GridFile;
import klbench.results.ResultRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Realistic result rows for the report's tests, computed by the real pipeline (grid loader,
 * distributions, core, {@code Rows.of}) on small grids, exactly as {@code eval} computes them.
 */
public final class ResultFixtures {
  private ResultFixtures() {}

  /**
   * The tests' Spark: local[2] on loopback (tests never depend on the host's network name), no UI,
   * few shuffle partitions for their small tables.
   */
  public static SparkSession localSpark(String appName, int shufflePartitions) {
    return SparkSession.builder().master("local[2]").appName(appName)
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /** The rows as a Spark dataset with the result schema. */
  public static Dataset<Row> dataset(SparkSession spark, List<ResultRow> rows) {
    List<Row> sparkRows = new ArrayList<>(rows.size());
    for (ResultRow r : rows) sparkRows.add(RowFactory.create(r.values()));
    return spark.createDataFrame(sparkRows, ResultColumns.schema());
  }

  private static final String ESTIMATORS =
      "estimators: [k1/loss, k2/loss, k3/loss, k1/reward, verl.low_var_kl, trl.grpo, openrlhf.loss.k2]\n";
  private static final String FEASIBLE = """
      name: fixture
      seed: 20261126
      vocab_sizes: [16, 64]
      policies: [{gaussian: {sigma: 1.0}}]
      references: [{target_kl: {kl: 0.01}}, {target_kl: {kl: 0.1}}, {target_kl: {kl: 1.0}}]
      behaviours: [on_policy, {target_kl: {kl: 0.05}}]
      batches: 200
      """;
  /** Sixteen probabilities with a zero at token 0, where a gaussian p is positive. */
  private static final String WITH_ZERO = "{probs: {values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]}}";

  /**
   * The report tests' results: V 16 and 64, a gaussian policy, references at KL 0.01, 0.1 and 1,
   * on-policy and one off-policy behaviour (KL(μ‖p) = 0.05), value/rule estimators and presets,
   * 200 batches; baselines none and loo at B = 8, none alone at B = 1 (loo needs two tokens); plus
   * two infeasible triples: a reference with q = 0 where p &gt; 0, and a behaviour with μ = 0 there.
   */
  public static List<ResultRow> standard(String runId) {
    List<ResultRow> out = new ArrayList<>();
    evaluate(FEASIBLE + ESTIMATORS + "baselines: [none]\nbatch_sizes: [1]\n", runId, out);
    evaluate(FEASIBLE + ESTIMATORS + "baselines: [none, loo]\nbatch_sizes: [8]\n", runId, out);
    String infeasible = """
        name: fixture
        seed: 20261126
        vocab_sizes: [16]
        policies: [{gaussian: {sigma: 1.0}}]
        estimators: [k1/loss, k3/loss]
        baselines: [none]
        batch_sizes: [8]
        batches: 200
        """;
    evaluate(infeasible + "references: [" + WITH_ZERO + "]\nbehaviours: [on_policy]\n", runId, out);
    evaluate(infeasible + "references: [{target_kl: {kl: 0.1}}]\nbehaviours: [" + WITH_ZERO + "]\n", runId, out);
    return out;
  }

  private static void evaluate(String yaml, String runId, List<ResultRow> out) {
    LocalEvaluation.run(GridFile.parse(yaml, Path.of("fixture.yaml")), runId, out::add);
  }
}
