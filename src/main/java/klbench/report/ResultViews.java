package klbench.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import klbench.core.Presets;
import klbench.report.data.Derived;
import klbench.report.data.Leaderboard;
import klbench.spark.ResultStore;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The rows the report is about, and the SQL views {@code query} registers over them: one
 * definition each of "the latest run", the KL level, on/off-policy, "a preset" and the leaderboard,
 * shared by the report and by {@code conf/queries/*.sql}.
 *
 * <ul>
 *   <li>{@value #RESULTS}: every row of every run, as stored.
 *   <li>{@value #LATEST} ({@link #latest}): one row per {@code config_id}, the latest run's, plus
 *       {@code kl_level} ({@link #KL_LEVEL}), {@code on_policy} ({@link #ON_POLICY}), {@code
 *       is_preset} (a framework preset of {@link Presets}) and {@value ResultColumns#RUN_WRITTEN_AT}.
 *   <li>{@value #LEADERBOARD} ({@link #leaderboard}): the report's leaderboard tables as one
 *       dataset, ranked ({@code place}) by {@code klbench.report.ranking.Ranking}.
 * </ul>
 *
 * <p>The latest run of a configuration is the one whose files were written last ({@value
 * ResultColumns#RUN_WRITTEN_AT}: when it was committed, which {@link #read} takes from the Parquet
 * files), then the greatest {@code run_id} (run ids start with the run's start time, so this alone
 * decides for rows that carry no file time).
 */
public final class ResultViews {
  public static final String RESULTS = "results";
  public static final String LATEST = "latest";
  public static final String LEADERBOARD = "leaderboard";

  /**
   * The KL level of a row: its KL per position, KL(p‖q) over a single token and KL(P‖Q) / T over
   * responses of T tokens (what {@code target_kl} fixes: KL(P‖Q) = T · kl), rounded to 0.01 in
   * log10, so that references solved for one target KL fall on one level whatever the horizon; a
   * KL of 0 (or none) is its own level.
   */
  public static final String KL_LEVEL =
      "CASE WHEN kl > 0 THEN pow(10, round(log10(kl / coalesce(horizon, 1)), 2)) ELSE kl END";

  /** On-policy: the behaviour is the policy itself ({@code on_policy()}). */
  public static final String ON_POLICY = "coalesce(behaviour LIKE 'on_policy%', false)";

  private ResultViews() {}

  /**
   * Every committed row under {@code <out>/results} (a local path or any Hadoop file system URI),
   * with {@value ResultColumns#RUN_WRITTEN_AT}, when its file was written. No results at all read
   * as an empty dataset with the result columns.
   */
  public static Dataset<Row> read(SparkSession spark, String out) throws IOException {
    ResultStore store = ResultStore.at(spark, out);
    if (!store.hasResults()) return spark.createDataFrame(List.of(), ResultColumns.schema());
    return store.read().withColumn(ResultColumns.RUN_WRITTEN_AT, col("_metadata.file_modification_time"));
  }

  /**
   * Registers the views {@value #RESULTS}, {@value #LATEST} and {@value #LEADERBOARD} over rows
   * as {@link #read} returns them.
   */
  public static void register(Dataset<Row> read) {
    Dataset<Row> stored = Arrays.asList(read.columns()).contains(ResultColumns.RUN_WRITTEN_AT)
        ? read.drop(ResultColumns.RUN_WRITTEN_AT) : read;
    stored.createOrReplaceTempView(RESULTS);
    Dataset<Row> latest = latest(read, null);
    latest.createOrReplaceTempView(LATEST);
    leaderboard(latest).createOrReplaceTempView(LEADERBOARD);
  }

  /**
   * The rows the report is about: conformed to the result columns ({@link ResultColumns#conform}:
   * a column an older run did not write reads as null), restricted to one run when {@code runId}
   * is not null, one row per {@code config_id} (the latest run's), with the derived columns. Rows
   * of runs from before responses existed are single tokens: their {@code horizon}, {@code
   * contexts} and {@code discount} read as 1, "1" and 1.0, as a run writes them today.
   */
  public static Dataset<Row> latest(Dataset<Row> results, String runId) {
    Dataset<Row> rows = ResultColumns.conform(results)
        .withColumn("horizon", coalesce(col("horizon"), lit(1)))
        .withColumn("contexts", coalesce(col("contexts"), lit("1")))
        .withColumn("discount", coalesce(col("discount"), lit(1.0)));
    if (runId != null) rows = rows.filter(col("run_id").equalTo(runId));
    return latestPerConfig(rows)
        .withColumn("kl_level", expr(KL_LEVEL))
        .withColumn("on_policy", expr(ON_POLICY))
        .withColumn("is_preset", isPreset());
  }

  /** The {@value #LEADERBOARD} view of the latest rows ({@link #latest}). */
  public static Dataset<Row> leaderboard(Dataset<Row> latest) {
    return Leaderboard.of(Derived.feasible(latest));
  }

  /** One row per {@code config_id}: the one of the latest run (see the class comment). */
  static Dataset<Row> latestPerConfig(Dataset<Row> rows) {
    boolean timed = Arrays.asList(rows.columns()).contains(ResultColumns.RUN_WRITTEN_AT);
    List<org.apache.spark.sql.Column> order = new ArrayList<>();
    if (timed) order.add(col(ResultColumns.RUN_WRITTEN_AT).desc_nulls_last());
    order.add(col("run_id").desc_nulls_last());
    // A row without a config_id (never written by klbench) is its own group rather than merged.
    WindowSpec w = Window
        .partitionBy(expr("coalesce(config_id, concat('row#', monotonically_increasing_id()))"))
        .orderBy(order.toArray(new org.apache.spark.sql.Column[0]));
    return rows.withColumn("_rank", row_number().over(w)).filter(col("_rank").equalTo(1)).drop("_rank");
  }

  /** A framework preset ({@link Presets}): the estimator is one of their names. */
  private static org.apache.spark.sql.Column isPreset() {
    return coalesce(col("estimator").isin(Presets.all().keySet().stream().sorted().toArray()), lit(false));
  }
}
