package klbench.report;

import static klbench.report.data.Derived.d;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import klbench.report.data.Derived;
import klbench.report.data.Labels;
import klbench.report.page.Html;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The README's headline table, regenerated from the rows of the seed grid ({@code
 * conf/grid-seed.yaml}): per on-policy (estimator, baseline), the gradient's relative bias at every
 * KL level, its direction against the reverse- and forward-KL gradients, its relative RMSE, and a
 * one-phrase reading of those numbers. Markdown, so it can be pasted into the README as is.
 *
 * <p>The claims it shows (the background note, ESTIMATORS.md "What the numbers must show"):
 * {@code k1/loss} has E[ĝ] = 0 (relative bias 1, no direction); {@code k2/loss} under every
 * {@code const(c)} baseline is unbiased, with a variance that depends on c; {@code k3/loss} follows
 * G_fwd = p − q (cos 1) and approaches G only as KL falls.
 */
public final class SeedTable {
  /** Run name of the seed grid; {@code report --seed-table} picks these rows when present. */
  public static final String SEED_RUN_NAME = "seed";
  /** Below this the relative bias is zero to rounding. */
  static final double ZERO = MarkdownCells.ZERO;

  private SeedTable() {}

  /** Per (estimator, baseline): the aggregates the table is made of. */
  private record Line(String estimator, String baseline, Map<Double, Double> biasByKl,
      Map<Double, Double> cosByKl, Double minCosFwd, Double maxCosFwd, Map<Integer, Double> rmseByBatch,
      long withCos) {}

  /**
   * The markdown table of the on-policy feasible rows among {@code rows} (the latest rows: see
   * {@link ResultViews#latest}).
   *
   * @throws Report.NoResultsException when there is no on-policy row with numbers
   */
  public static String markdown(Dataset<Row> rows) {
    Dataset<Row> d = Derived.metrics(rows.filter(expr("infeasible_reason IS NULL AND grad_rel_rmse IS NOT NULL")))
        .filter(col("on_policy"));
    List<Row> perKl = d.groupBy("estimator", "baseline", "kl_level")
        .agg(expr("avg(grad_rel_bias)").as("rel_bias"), expr("avg(cos_g)").as("cos_g"),
            expr("avg(cos_fwd)").as("cos_fwd"), expr("count(cos_g)").as("with_cos"))
        .collectAsList();
    if (perKl.isEmpty()) throw new Report.NoResultsException("no on-policy result rows with numbers for the seed table");
    TreeSet<Double> levels = new TreeSet<>(Comparator.reverseOrder());
    for (Row r : perKl) levels.add(d(r, "kl_level"));
    // RMSE at one KL level, the one closest to 0.1 on the log scale, for every batch size.
    double rmseLevel = levels.stream()
        .min(Comparator.comparingDouble(k -> Math.abs(Math.log10(k) + 1))).orElseThrow();
    List<Row> rmse = d.filter(col("kl_level").equalTo(rmseLevel))
        .groupBy("estimator", "baseline", "batch_size")
        .agg(expr("avg(grad_rel_rmse)").as("rel_rmse"))
        .collectAsList();
    TreeSet<Integer> batchSizes = new TreeSet<>();
    for (Row r : rmse) batchSizes.add(((Number) r.getAs("batch_size")).intValue());
    List<Row> vocab = d.select("vocab_size").distinct().orderBy("vocab_size").collectAsList();

    Map<String, Line> lines = new LinkedHashMap<>();
    for (Row r : perKl) {
      String key = r.getAs("estimator") + "|" + r.getAs("baseline");
      Line l = lines.computeIfAbsent(key, k -> new Line(r.getAs("estimator"), r.getAs("baseline"),
          new LinkedHashMap<>(), new LinkedHashMap<>(), null, null, new LinkedHashMap<>(), 0));
      double kl = d(r, "kl_level");
      l.biasByKl().put(kl, d(r, "rel_bias"));
      l.cosByKl().put(kl, d(r, "cos_g"));
      Double fwd = d(r, "cos_fwd");
      Double min = pick(l.minCosFwd(), fwd, Math::min);
      Double max = pick(l.maxCosFwd(), fwd, Math::max);
      lines.put(key, new Line(l.estimator(), l.baseline(), l.biasByKl(), l.cosByKl(), min, max,
          l.rmseByBatch(), l.withCos() + ((Number) r.getAs("with_cos")).longValue()));
    }
    for (Row r : rmse) {
      Line l = lines.get(r.getAs("estimator") + "|" + r.getAs("baseline"));
      if (l != null) l.rmseByBatch().put(((Number) r.getAs("batch_size")).intValue(), d(r, "rel_rmse"));
    }
    List<Line> ordered = new ArrayList<>(lines.values());
    ordered.sort(Comparator.comparing(Line::estimator).thenComparingDouble(l -> Labels.baselineOrder(l.baseline())));

    StringBuilder md = new StringBuilder();
    md.append("| estimator | baseline |");
    for (double k : levels) md.append(" rel. bias, KL ").append(Html.kl(k)).append(" |");
    md.append(" cos(E ĝ, G), KL ").append(Html.kl(levels.first())).append(" → ").append(Html.kl(levels.last()))
        .append(" | cos(E ĝ, G_fwd) |");
    for (int b : batchSizes) md.append(" rel. RMSE, B ").append(b).append(" |");
    md.append(" reading |\n|---|---|");
    for (int i = 0; i < levels.size() + 2 + batchSizes.size(); i++) md.append("---:|");
    md.append("---|\n");
    for (Line l : ordered) {
      md.append("| `").append(l.estimator()).append("` | `").append(l.baseline()).append("` |");
      for (double k : levels) md.append(' ').append(MarkdownCells.cell(l.biasByKl().get(k))).append(" |");
      md.append(' ').append(l.withCos() == 0 ? "none (E ĝ = 0)"
          : MarkdownCells.cell(l.cosByKl().get(levels.first())) + " → " + MarkdownCells.cell(l.cosByKl().get(levels.last()))).append(" |");
      md.append(' ').append(MarkdownCells.range(l.minCosFwd(), l.maxCosFwd())).append(" |");
      for (int b : batchSizes) md.append(' ').append(MarkdownCells.cell(l.rmseByBatch().get(b))).append(" |");
      md.append(' ').append(reading(l, levels)).append(" |\n");
    }
    md.append("\nOn-policy; mean over vocabulary sizes ").append(join(vocab))
        .append(" and policies. Relative bias ‖E[ĝ] − G‖/‖G‖ (exact where it exists); cosines of E[ĝ] with the")
        .append(" reverse-KL gradient G and the forward-KL gradient G_fwd = p − q; relative RMSE")
        .append(" √E‖ĝ_B − G‖²/‖G‖ at KL ").append(Html.kl(rmseLevel)).append(" per batch size B.")
        .append(" Regenerate: `submit/klbench run --grid conf/grid-seed.yaml`, then")
        .append(" `submit/klbench report --seed-table`.\n");
    return md.toString();
  }

  /** f(a, b), or whichever of the two is not null. */
  private static Double pick(Double a, Double b, java.util.function.DoubleBinaryOperator f) {
    if (a == null) return b;
    if (b == null) return a;
    return f.applyAsDouble(a, b);
  }

  /** What the numbers of one line say, in a few words. */
  private static String reading(Line l, TreeSet<Double> levels) {
    if (l.withCos() == 0) return "E[ĝ] = 0: no signal at any KL";
    double maxBias = l.biasByKl().values().stream().filter(v -> v != null).mapToDouble(v -> v).max().orElse(Double.NaN);
    if (maxBias <= ZERO) return "unbiased at every KL";
    boolean followsFwd = l.minCosFwd() != null && l.minCosFwd() >= 1 - ZERO;
    boolean falls = true;
    Double prev = null;
    for (double k : levels) {
      Double b = l.biasByKl().get(k);
      if (b == null) continue;
      if (prev != null && !(b < prev)) falls = false;
      prev = b;
    }
    String fwd = followsFwd ? "follows G_fwd = p − q" : "biased";
    return falls ? fwd + "; bias falls with KL" : fwd;
  }

  private static String join(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    for (Row r : rows) b.append(b.length() == 0 ? "" : ", ").append(String.valueOf(r.get(0)));
    return b.toString();
  }
}
