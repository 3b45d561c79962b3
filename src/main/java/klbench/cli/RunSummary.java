package klbench.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import klbench.results.Column;
import klbench.results.ResultRow;
import klbench.results.Tables;
import klbench.spark.RunJob;

/**
 * The short report {@code run} prints when it ends: what was done, how long it took, and per
 * (estimator, baseline) the medians of the headline metrics over the rows written.
 */
final class RunSummary {
  private RunSummary() {}

  /**
   * @param startupMillis from the start of the JVM to the start of the job: Spark's start-up, mostly
   * @param cores the session's default parallelism
   * @param processCpuMillis CPU time of this JVM so far, or 0 when the executors are elsewhere
   */
  static String format(RunJob.Outcome o, String resultsPath, long startupMillis, int cores, long processCpuMillis) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "run %s on %s: %d configurations, %d already in the results, %d rows written%s%n",
        o.runId(), o.master(), o.configurations(), o.skipped(), o.rows().size(),
        o.rows().isEmpty() ? "" : " to " + resultsPath));
    double core = o.coreMillis() / 1000.0;
    double simulation = o.simulationMillis() / 1000.0;
    b.append(String.format(Locale.ROOT,
        "time %.1f s: start-up (JVM, grid, Spark) %.1f s, simulation %.1f s, writing %.1f s, the rest %.1f s%n",
        (startupMillis + o.wallMillis()) / 1000.0, startupMillis / 1000.0, simulation, o.writeMillis() / 1000.0,
        (o.wallMillis() - o.simulationMillis() - o.writeMillis()) / 1000.0));
    b.append(String.format(Locale.ROOT,
        "executor core work %.1f s in tasks (%.1f s CPU): %.0f%% of %d cores over the simulation%n",
        core, o.coreCpuMillis() / 1000.0, simulation > 0 ? 100.0 * core / (simulation * cores) : 0.0, cores));
    if (processCpuMillis > 0) {
      b.append(String.format(Locale.ROOT,
          "CPU of this process %.1f s, of which %.0f%% outside the executors' core work (Spark, JIT, GC, writing)%n",
          processCpuMillis / 1000.0, 100.0 * (1 - (double) o.coreCpuMillis() / processCpuMillis)));
    }
    if (o.rows().isEmpty()) return b.toString();

    Map<String, List<ResultRow>> groups = new LinkedHashMap<>();
    for (ResultRow r : o.rows()) {
      groups.computeIfAbsent(r.get(Column.ESTIMATOR) + "\u0000" + r.get(Column.BASELINE), k -> new ArrayList<>()).add(r);
    }
    List<Object[]> lines = new ArrayList<>();
    for (List<ResultRow> g : groups.values()) {
      long consistent = g.stream().filter(r -> Boolean.TRUE.equals(r.get(Column.CONSISTENT))).count();
      long judged = g.stream().filter(r -> r.get(Column.CONSISTENT) != null).count();
      lines.add(new Object[] {
          g.get(0).get(Column.ESTIMATOR), g.get(0).get(Column.BASELINE), g.size(),
          median(g, Column.VALUE_REL_BIAS), median(g, Column.GRAD_REL_BIAS), median(g, Column.GRAD_COS_MC),
          median(g, Column.GRAD_REL_RMSE), judged == 0 ? "-" : consistent + "/" + judged});
    }
    b.append("medians over the rows written:\n");
    b.append(Tables.formatValues(List.of("estimator", "baseline", "rows", "value_rel_bias", "grad_rel_bias",
        "grad_cos_mc", "grad_rel_rmse", "consistent"), lines));
    return b.toString();
  }

  private static Double median(List<ResultRow> rows, Column c) {
    double[] v = rows.stream().map(r -> r.get(c)).filter(x -> x != null).mapToDouble(x -> (Double) x).toArray();
    if (v.length == 0) return null;
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
