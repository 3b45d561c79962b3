package klbench.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import klbench.core.Presets;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The human-readable report of a results dataset: {@code <out>/report/index.html} and the PNG
 * charts beside it, readable offline (inline CSS, no script, nothing fetched).
 *
 * <p>A pure function of the rows ({@link #write}): it needs no file but the folder it writes.
 * What it does to the rows, in order ({@link #prepare}):
 *
 * <ol>
 *   <li>every result column is made present ({@link ResultColumns#conform}): a column an older
 *       run did not write, such as {@code infeasible_reason}, reads as null;
 *   <li>{@code --run} keeps the rows of that run only;
 *   <li>where a {@code config_id} appears in several runs, the latest run's row is kept: latest
 *       by {@value ResultColumns#RUN_WRITTEN_AT} (when the files were written, if the reader
 *       supplies it), then by the greatest {@code run_id} in string order.
 * </ol>
 *
 * <p>Rows with {@code infeasible_reason} (or, from runs that did not record a reason, rows with no
 * numbers at all) are listed apart and enter no average. Replicated configurations (vocabulary
 * sizes, policies, references at the same KL level, behaviours) are averaged; each caption says
 * over what. The KL level of a row is KL(p‖q) rounded to 0.01 in log10, so references solved for
 * one target KL fall on one level.
 *
 * <p>Everything is aggregated in Spark; only the aggregates (a few thousand rows at most) come
 * to the driver, where the charts are drawn and the page is written.
 */
public final class Report {
  static {
    // Before AWT loads anywhere in this JVM: charts are drawn without a display.
    System.setProperty("java.awt.headless", "true");
  }

  /** A gradient estimator counts as "unbiased-ish" in the answer box up to this relative bias. */
  public static final double UNBIASED_ISH = 0.05;
  /** Log-scale charts draw values below this (zero to rounding) at this floor. */
  static final double FLOOR = 1e-9;
  /** Rows shown per leaderboard table; the rest are counted. */
  static final int LEADERBOARD_ROWS = 30;
  /** Rows shown in the inconsistent and infeasible lists. */
  static final int LIST_ROWS = 200;
  /** |z| above which Monte Carlo and exact disagree (ESTIMATORS.md, "Consistency"). */
  static final double Z_LIMIT = 5.0;

  private Report() {}

  /** The results hold no row to report on; the message is one line, fit for stderr. */
  public static final class NoResultsException extends RuntimeException {
    public NoResultsException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rows

  /**
   * The rows the report is about: conformed to the result columns, restricted to one run when
   * {@code runId} is not null, and one row per {@code config_id} (the latest run's).
   */
  public static Dataset<Row> prepare(Dataset<Row> results, String runId) {
    Dataset<Row> rows = ResultColumns.conform(results);
    if (runId != null) rows = rows.filter(col("run_id").equalTo(runId));
    return latestPerConfig(rows);
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

  /** Feasible rows with the derived columns every section uses. */
  static Dataset<Row> derive(Dataset<Row> feasible) {
    return feasible
        .withColumn("on_policy", expr("coalesce(behaviour LIKE 'on_policy%', false)"))
        .withColumn("kl_level", expr("CASE WHEN kl > 0 THEN pow(10, round(log10(kl), 2)) ELSE kl END"))
        // Exact where the row has exact gradient metrics at all (an exact null cosine means
        // E[ĝ] = 0, not "unknown": the noisy Monte Carlo cosine must not stand in for it).
        .withColumn("cos_g", expr("CASE WHEN grad_mse_exact IS NOT NULL THEN grad_cos_exact ELSE grad_cos_mc END"))
        .withColumn("cos_fwd", expr("CASE WHEN grad_mse_exact IS NOT NULL THEN grad_cos_fwd_exact ELSE grad_cos_fwd_mc END"))
        .withColumn("bias_sq", expr("pow(coalesce(grad_bias_norm_exact, grad_bias_norm_mc), 2)"))
        .withColumn("var", expr("coalesce(grad_var_exact, grad_var_mc)"));
  }

  /** Why a row has no numbers: its {@code infeasible_reason}, or a note when none was recorded. */
  private static final String REASON =
      "coalesce(infeasible_reason, CASE WHEN value_mean_mc IS NULL AND grad_mse_mc IS NULL "
          + "AND grad_mse_exact IS NULL THEN 'no numbers (no reason recorded by this run)' END)";

  // ---------------------------------------------------------------------------------------------
  // Entry point

  /**
   * Writes {@code <out>/report/index.html} and its charts, replacing an earlier report there.
   *
   * @param results rows with the result columns (any subset of them: missing ones read as null)
   * @param runId the run to report on, or null for all runs (latest row per config_id)
   * @return the path of index.html
   * @throws NoResultsException when there is no row to report on
   */
  public static Path write(Dataset<Row> results, Path out, String runId) throws IOException {
    Dataset<Row> rows = prepare(results, runId).cache();
    try {
      if (rows.isEmpty()) {
        if (runId == null) throw new NoResultsException("no result rows");
        List<String> runs = ResultColumns.conform(results).select("run_id").distinct()
            .orderBy("run_id").collectAsList().stream().map(r -> r.getString(0)).toList();
        throw new NoResultsException("no result rows of run '" + runId + "'"
            + (runs.isEmpty() ? "" : " (runs present: " + String.join(", ", runs) + ")"));
      }
      Files.createDirectories(out);
      Path staging = Files.createTempDirectory(out, ".report-");
      try {
        Page page = new Page(staging);
        page.build(results, rows, runId);
        Files.writeString(staging.resolve("index.html"), page.html(), StandardCharsets.UTF_8);
        Path target = out.resolve("report");
        deleteTree(target);
        Files.move(staging, target);
        return target.resolve("index.html");
      } finally {
        deleteTree(staging);
      }
    } finally {
      rows.unpersist();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Aggregates brought to the driver

  static Double d(Row r, String c) {
    Object o = r.getAs(c);
    return o == null ? null : ((Number) o).doubleValue();
  }

  static String s(Row r, String c) {
    Object o = r.getAs(c);
    return o == null ? null : o.toString();
  }

  /** "k3 [clamp ℓ±20, f±10]" for a value function with its clamps. */
  static String valueLabel(String valueFn, Double clampLogRatio, Double clampValue) {
    return Objects.requireNonNullElse(valueFn, "?") + clampSuffix(clampLogRatio, clampValue, null);
  }

  /** "k3/loss [clamp f±10]" for a value function, rule and clamps. */
  static String gradLabel(String valueFn, String rule, Double clampLogRatio, Double clampValue, Double ratioClip) {
    return Objects.requireNonNullElse(valueFn, "?") + "/" + Objects.requireNonNullElse(rule, "?")
        + clampSuffix(clampLogRatio, clampValue, ratioClip);
  }

  private static String clampSuffix(Double clampLogRatio, Double clampValue, Double ratioClip) {
    List<String> parts = new ArrayList<>();
    if (clampLogRatio != null) parts.add("ℓ±" + plain(clampLogRatio));
    if (clampValue != null) parts.add("f±" + plain(clampValue));
    if (ratioClip != null) parts.add("w≤" + plain(ratioClip));
    return parts.isEmpty() ? "" : " [clamp " + String.join(", ", parts) + "]";
  }

  private static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
  }

  static boolean isPreset(String estimator) {
    return estimator != null && Presets.all().containsKey(estimator);
  }

  /** One leaderboard entry: an (estimator, baseline) at one KL level, policy mode and batch size. */
  record Entry(double klLevel, boolean onPolicy, int batchSize, String estimator, String baseline,
      Double relRmse, Double relBias, Double biasShare, Double varShare, Double cosG, Double cosFwd,
      Double relRmseExact, Double relRmseMc, Double relRmseMcSe, long configs, long inconsistent,
      Double maxAbsZ, long minBatches) {

    boolean unbiasedIsh() {
      return relBias != null && relBias <= UNBIASED_ISH;
    }

    /**
     * Only simulated (no exact values, e.g. loo) and a relative bias within 2 rel. RMSE / √R of 0:
     * R batches cannot tell a bias that small from 0.
     */
    boolean biasWithinNoise() {
      return relBias != null && relRmseExact == null && relRmse != null && minBatches > 0
          && relBias <= 2 * relRmse / Math.sqrt(minBatches);
    }

    /** Close enough to G in expectation to be a KL gradient at all: relative bias below 0.5. */
    boolean aGradient() {
      return relBias != null && relBias < COMPARABLE;
    }

    String name() {
      return estimator + (baseline == null || baseline.equals("none") ? "" : " + " + baseline);
    }
  }

  /**
   * The leaderboard aggregate: per (kl_level, on_policy, batch_size, estimator, baseline), means
   * over the replicated configurations; ordered by mean grad_rel_rmse (nulls last), then estimator
   * and baseline. The relative RMSE "exact" and "MC" are √grad_mse / ‖G‖ from grad_mse_exact and
   * grad_mse_mc; the MC standard error follows from grad_mse_se by the delta method, combined over
   * the configurations as √(Σ se²)/n.
   */
  static Dataset<Row> leaderboard(Dataset<Row> derived) {
    return derived
        .groupBy("kl_level", "on_policy", "batch_size", "estimator", "baseline")
        .agg(
            expr("avg(grad_rel_rmse)").as("rel_rmse"),
            expr("avg(grad_rel_bias)").as("rel_bias"),
            expr("avg(bias_sq / (bias_sq + var))").as("bias_share"),
            expr("avg(var / (bias_sq + var))").as("var_share"),
            expr("avg(cos_g)").as("cos_g"),
            expr("avg(cos_fwd)").as("cos_fwd"),
            expr("avg(sqrt(grad_mse_exact) / grad_norm)").as("rel_rmse_exact"),
            expr("avg(sqrt(grad_mse_mc) / grad_norm)").as("rel_rmse_mc"),
            expr("sqrt(sum(pow(grad_mse_se / (2 * sqrt(grad_mse_mc)) / grad_norm, 2))) / count(grad_mse_se)")
                .as("rel_rmse_mc_se"),
            expr("count(*)").as("configs"),
            expr("min(batches)").as("min_batches"),
            expr("count_if(NOT coalesce(consistent, true))").as("inconsistent"),
            expr("greatest(max(abs(value_z)), max(abs(grad_mse_z)))").as("max_abs_z"))
        // Equal estimators under different names (k2/loss, k1/reward and openrlhf.loss.k2 have one
        // coefficient on-policy) differ only by rounding: rank on 9 significant digits so that
        // such ties fall back to the names, the same way in every query.
        .withColumn("rank_key", expr(RANK_KEY))
        .orderBy(col("kl_level"), col("on_policy").desc(), col("batch_size"),
            col("rank_key").asc_nulls_last(), col("estimator"), col("baseline"));
  }

  /** The ordering key of a relative RMSE: log10 rounded to 9 decimals (ties within rounding). */
  static final String RANK_KEY = "round(log10(rel_rmse), 9)";

  static Entry entry(Row r) {
    return new Entry(d(r, "kl_level"), r.getAs("on_policy"), ((Number) r.getAs("batch_size")).intValue(),
        s(r, "estimator"), s(r, "baseline"), d(r, "rel_rmse"), d(r, "rel_bias"), d(r, "bias_share"),
        d(r, "var_share"), d(r, "cos_g"), d(r, "cos_fwd"), d(r, "rel_rmse_exact"), d(r, "rel_rmse_mc"),
        d(r, "rel_rmse_mc_se"), ((Number) r.getAs("configs")).longValue(),
        ((Number) r.getAs("inconsistent")).longValue(), d(r, "max_abs_z"),
        r.getAs("min_batches") == null ? 0 : ((Number) r.getAs("min_batches")).longValue());
  }

  /** What the sections need to know about the feasible rows, from one query. */
  record Facts(long rows, long onPolicy, long offPolicy, long onPolicyNone, long offPolicyNone, long batchSizes) {}

  static Facts facts(Dataset<Row> derived) {
    Row r = derived.agg(expr("count(*)"), expr("count_if(on_policy)"), expr("count_if(NOT on_policy)"),
        expr("count_if(on_policy AND baseline = 'none')"), expr("count_if(NOT on_policy AND baseline = 'none')"),
        expr("count(DISTINCT batch_size)")).first();
    return new Facts(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
  }

  /** Key of one leaderboard table. */
  record Board(double klLevel, boolean onPolicy, int batchSize) {}

  /**
   * The answer box's pick for one leaderboard table, and why: the best unbiased-ish entry (or
   * null), the entries with the same numbers (the same gradient under other names), and the
   * entries ranked above it that a reader would weigh against it: the first whose bias only the
   * simulation knows and cannot tell from 0, and the first that is plainly biased. Both must be a
   * gradient at all ({@link Entry#aGradient}); anything else (an estimator with E[ĝ] = 0 has
   * relative bias 1) is never named, however low its error.
   */
  record Answer(Board board, Entry best, List<Entry> sameAsBest, Entry lowerWithinNoise, Entry lowerButBiased,
      Entry lowest) {}

  /** Relative bias below which an estimator is compared with the pick. */
  static final double COMPARABLE = 0.5;

  static List<Answer> answers(Map<Board, List<Entry>> boards) {
    List<Answer> out = new ArrayList<>();
    for (Map.Entry<Board, List<Entry>> b : boards.entrySet()) {
      Entry best = null, noisy = null, biased = null, lowest = null;
      List<Entry> same = new ArrayList<>();
      for (Entry e : b.getValue()) {
        if (e.relRmse() == null) continue;
        if (lowest == null && e.aGradient()) lowest = e;
        if (best == null) {
          if (e.unbiasedIsh()) {
            best = e;
          } else if (e.aGradient() && e.biasWithinNoise()) {
            if (noisy == null) noisy = e;
          } else if (e.aGradient() && biased == null) {
            biased = e;
          }
        } else if (e.unbiasedIsh() && sameNumbers(best, e)) {
          same.add(e);
        }
      }
      if (best != null || lowest != null) out.add(new Answer(b.getKey(), best, same, noisy, biased, lowest));
    }
    return out;
  }

  /** Equal relative RMSE and bias to 1e-9: the same gradient estimator under another name. */
  private static boolean sameNumbers(Entry a, Entry b) {
    return close(a.relRmse(), b.relRmse()) && close(a.relBias(), b.relBias());
  }

  private static boolean close(Double a, Double b) {
    if (a == null || b == null) return a == b;
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 1e-15;
  }

  // ---------------------------------------------------------------------------------------------
  // The page

  /** Builds the charts (into the staging folder) and the HTML, section by section. */
  private static final class Page {
    private final Path dir;
    private final StringBuilder body = new StringBuilder();
    private final StringBuilder answerBox = new StringBuilder();
    private final StringBuilder header = new StringBuilder();
    private final List<String> written = new ArrayList<>();
    /** Series name to style index, per family of charts, for the whole page. */
    private final Map<String, Integer> valueStyles = new LinkedHashMap<>();
    private final Map<String, Integer> gradStyles = new LinkedHashMap<>();
    private final Map<String, Integer> baselineStyles = new LinkedHashMap<>();

    Page(Path dir) {
      this.dir = dir;
    }

    void build(Dataset<Row> raw, Dataset<Row> rows, String runId) throws IOException {
      Dataset<Row> reason = rows.withColumn("reason", expr(REASON));
      Dataset<Row> infeasible = reason.filter(col("reason").isNotNull());
      Dataset<Row> derived = derive(reason.filter(col("reason").isNull()).drop("reason")).cache();
      try {
        long total = rows.count();
        Facts facts = facts(derived);
        long feasible = facts.rows();
        headerSection(raw, rows, runId, total, feasible);
        if (feasible > 0) {
          Map<Board, List<Entry>> boards = boards(derived);
          answerSection(boards);
          howToRead();
          valueSection(derived);
          gradientSection(derived, facts);
          batchSection(derived, facts);
          leaderboardSection(derived, boards);
          inconsistentSection(derived);
        } else {
          answerBox.append("<section class=\"answer\" id=\"answer\"><h2>Answer</h2><p>Every row of these results is "
              + "infeasible: there is nothing to compare. The reasons are listed below.</p></section>\n");
          howToRead();
        }
        infeasibleSection(infeasible);
      } finally {
        derived.unpersist();
      }
    }

    String html() {
      return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          + "<title>klbench report</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<main>\n"
          + header + answerBox + body + "</main>\n</body>\n</html>\n";
    }

    // -- header ----------------------------------------------------------------------------------

    private void headerSection(Dataset<Row> raw, Dataset<Row> rows, String runId, long total, long feasible) {
      Dataset<Row> all = ResultColumns.conform(raw);
      Map<String, Long> read = new TreeMap<>();
      for (Row r : all.groupBy("run_id").count().collectAsList()) read.put(s(r, "run_id"), r.getLong(1));
      List<Row> kept = rows.groupBy("run_id", "run_name")
          .agg(expr("count(*)").as("n"), expr("min(batches)").as("rmin"), expr("max(batches)").as("rmax"))
          .orderBy("run_id").collectAsList();
      header.append("<header><h1>klbench report</h1>\n<p class=\"meta\">")
          .append(total).append(" result rows (").append(feasible).append(" with numbers, ")
          .append(total - feasible).append(" infeasible), ")
          .append(runId == null ? "from every run, the latest row of each configuration"
              : "from run <code>" + Html.esc(runId) + "</code> only")
          .append(". Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(".</p>\n");
      header.append("<nav><a href=\"#answer\">Answer</a> · <a href=\"#how\">How to read this</a> · "
          + "<a href=\"#value\">Value</a> · <a href=\"#gradient\">Gradient bias and direction</a> · "
          + "<a href=\"#batch\">Error against batch size</a> · <a href=\"#leaderboard\">Leaderboards</a> · "
          + "<a href=\"#inconsistent\">Monte Carlo vs exact</a> · <a href=\"#infeasible\">Infeasible</a></nav>\n");
      header.append("<details><summary>Runs included (").append(kept.size()).append(")</summary>\n<table class=\"plain\"><thead><tr>"
          + "<th>run_id</th><th>run_name</th><th>rows read</th><th>rows used</th><th>batches R</th>"
          + "</tr></thead><tbody>\n");
      for (Row r : kept) {
        String id = s(r, "run_id");
        long n = r.getLong(r.fieldIndex("n"));
        Object rmin = r.getAs("rmin");
        Object rmax = r.getAs("rmax");
        header.append("<tr><td><code>").append(Html.esc(id)).append("</code></td><td>")
            .append(Html.esc(s(r, "run_name"))).append("</td><td class=\"n\">")
            .append(read.getOrDefault(id, n)).append("</td><td class=\"n\">").append(n)
            .append("</td><td class=\"n\">")
            .append(Objects.equals(rmin, rmax) ? String.valueOf(rmin) : rmin + "–" + rmax)
            .append("</td></tr>\n");
      }
      long superseded = read.values().stream().mapToLong(Long::longValue).sum() - total;
      header.append("</tbody></table>\n<p class=\"caption\">")
          .append(runId == null && superseded > 0
              ? superseded + " rows of earlier runs are not used: a later run has the same configuration (config_id). "
              : "")
          .append("Where a configuration appears in several runs, the latest run's row is used: the one written "
              + "last when the reader knows the files' times, otherwise the greatest run_id.</p>\n</details>\n</header>\n");
    }

    // -- answer ----------------------------------------------------------------------------------

    private Map<Board, List<Entry>> boards(Dataset<Row> derived) {
      Map<Board, List<Entry>> boards = new LinkedHashMap<>();
      for (Row r : leaderboard(derived).collectAsList()) {
        Entry e = entry(r);
        boards.computeIfAbsent(new Board(e.klLevel(), e.onPolicy(), e.batchSize()), k -> new ArrayList<>()).add(e);
      }
      return boards;
    }

    private void answerSection(Map<Board, List<Entry>> boards) {
      answerBox.append("<section class=\"answer\" id=\"answer\"><h2>Answer: which gradient estimator to use</h2>\n"
          + "<p>For each KL level and batch size: the estimator (with its baseline) of lowest gradient "
          + "relative RMSE among the unbiased-ish ones (mean relative bias ≤ ")
          .append(Html.pct(UNBIASED_ISH)).append("), and why.</p>\n");
      answerBox.append("<table class=\"plain answers\"><thead><tr><th>KL(p‖q)</th><th>sampling</th><th>B</th>"
          + "<th>use</th><th>rel. RMSE</th><th>why</th></tr></thead><tbody>\n");
      for (Answer a : answers(boards)) {
        Entry b = a.best();
        answerBox.append("<tr><td class=\"n\">").append(Html.kl(a.board().klLevel())).append("</td><td>")
            .append(a.board().onPolicy() ? "on-policy" : "off-policy").append("</td><td class=\"n\">")
            .append(a.board().batchSize()).append("</td>");
        if (b == null) {
          Entry low = a.lowest();
          answerBox.append("<td><em>none unbiased-ish</em></td><td class=\"n\">").append(Html.NONE)
              .append("</td><td>No estimator here has relative bias ≤ ").append(Html.pct(UNBIASED_ISH))
              .append(". Lowest RMSE: <b>").append(Html.esc(low.name())).append("</b> (")
              .append(Html.num(low.relRmse())).append(", relative bias ").append(Html.num(low.relBias()))
              .append(", ").append(Html.pct(low.biasShare())).append(" of its squared error).</td></tr>\n");
          continue;
        }
        answerBox.append("<td><b>").append(Html.esc(b.name())).append("</b>")
            .append(isPreset(b.estimator()) ? " <span class=\"tag\">preset</span>" : "");
        if (!a.sameAsBest().isEmpty()) {
          List<String> names = a.sameAsBest().stream().map(Entry::name).toList();
          answerBox.append("<br><span class=\"same\">same gradient: ")
              .append(Html.esc(String.join(", ", names.subList(0, Math.min(4, names.size())))))
              .append(names.size() > 4 ? " and " + (names.size() - 4) + " more" : "")
              .append("</span>");
        }
        answerBox.append("</td><td class=\"n\">").append(Html.num(b.relRmse())).append("</td><td>");
        answerBox.append("relative bias ").append(Html.num(b.relBias())).append(": its error is ")
            .append(Html.pct(b.varShare())).append(" variance");
        if (b.varShare() != null && b.varShare() > 0.5) answerBox.append(", which falls as 1/B with the batch size");
        answerBox.append(".");
        Entry noisy = a.lowerWithinNoise();
        if (noisy != null) {
          answerBox.append(" <b>").append(Html.esc(noisy.name())).append("</b> has a lower RMSE (")
              .append(Html.num(noisy.relRmse())).append("); its bias is only simulated, ")
              .append(Html.num(noisy.relBias())).append(", which R = ").append(noisy.minBatches())
              .append(" batches cannot tell from 0.");
        }
        Entry biased = a.lowerButBiased();
        if (biased != null) {
          answerBox.append(" ").append(Html.esc(biased.name())).append(" has a lower RMSE (")
              .append(Html.num(biased.relRmse())).append(") but a relative bias of ").append(Html.num(biased.relBias()))
              .append(" (").append(Html.pct(biased.biasShare())).append(" of its squared error at B = ")
              .append(a.board().batchSize()).append(", the part no batch size removes).");
        }
        answerBox.append("</td></tr>\n");
      }
      answerBox.append("</tbody></table>\n<p class=\"caption\">Relative RMSE is √E‖ĝ<sub>B</sub> − G‖² / ‖G‖, "
          + "averaged over the configurations at this level (vocabulary sizes, policies, behaviours): "
          + "1 is what a zero gradient scores, so above 1 one batch's gradient is mostly noise (only averaging "
          + "over many steps makes it useful). Only estimators with relative bias below " + Html.num(COMPARABLE)
          + " are named as alternatives: one further from G in expectation (an estimator with E[ĝ] = 0 has "
          + "relative bias 1) is no KL gradient, however low its error. The full ranking is in the "
          + "leaderboards below.</p>\n</section>\n");
    }

    // -- how to read -----------------------------------------------------------------------------

    private void howToRead() {
      body.append("<section id=\"how\"><h2>How to read this</h2><ul>\n"
          + "<li><b>Target.</b> A KL penalty wants the gradient G = ∇<sub>θ</sub> KL(p‖q) of the reverse KL, "
          + "with p = softmax(θ) the policy and q the reference. Each configuration draws batches of B tokens "
          + "from the behaviour μ (μ = p on-policy, a stale policy off-policy) and forms an estimate ĝ<sub>B</sub>.</li>\n"
          + "<li><b>KL level</b> is the true KL(p‖q) of the configuration in nats; configurations at one level "
          + "(different vocabulary sizes, policies, behaviours) are averaged unless a caption says otherwise.</li>\n"
          + "<li><b>Relative bias</b> ‖E[ĝ<sub>B</sub>] − G‖ / ‖G‖: 0 is unbiased; 1 means the expected gradient "
          + "is as far from G as a zero gradient is (k1/loss on-policy has E[ĝ] = 0 exactly).</li>\n"
          + "<li><b>Relative RMSE</b> √E‖ĝ<sub>B</sub> − G‖² / ‖G‖: the error of one batch's gradient, bias and noise "
          + "together. Its square splits into <b>bias²</b> and <b>variance</b> (the two shares); only the variance "
          + "falls with the batch size (as 1/B).</li>\n"
          + "<li><b>cos G</b>, <b>cos G<sub>fwd</sub></b>: the cosine of E[ĝ<sub>B</sub>] with the reverse-KL gradient G "
          + "and with the forward-KL gradient G<sub>fwd</sub> = ∇KL(q‖p) = p − q. An estimator with cos G<sub>fwd</sub> = 1 "
          + "follows the forward KL. Charts draw 1 − cos on a log scale, so \"closer to the target\" is \"lower\".</li>\n"
          + "<li><b>Value</b> metrics are about the KL number itself, per token: relative bias (E f − KL)/KL and "
          + "relative standard deviation sd(f)/KL.</li>\n"
          + "<li><b>Exact and Monte Carlo.</b> Every metric is computed exactly from the distributions (where the "
          + "estimator's coefficient depends on the token alone) and by simulating R batches, shown as value ± "
          + "standard error. <span class=\"warn\">⚠</span> marks rows where the two disagree by more than 5 "
          + "standard errors (consistent = false). Where only the simulation exists (loo), the relative bias is "
          + "itself estimated: values up to about rel. RMSE / √R are indistinguishable from 0.</li>\n"
          + "<li><b>" + Html.NONE + "</b> means the number does not exist: no cosine of a zero vector (E[ĝ] = 0), no exact value for "
          + "the leave-one-out baseline (loo), no bias share when the error is 0.</li>\n"
          + "<li>Estimator names are those of the grid file: <code>value/rule</code> or a framework preset "
          + "(<span class=\"tag\">preset</span>); a baseline other than none is written after a +.</li>\n"
          + "</ul></section>\n");
    }

    // -- value -----------------------------------------------------------------------------------

    private void valueSection(Dataset<Row> derived) throws IOException {
      // Step 1: one row per (triple, value function with clamps, batch size): every estimator with
      // that value function sees the same tokens for one batch size, so its value rows repeat.
      Dataset<Row> perTriple = derived
          .groupBy("vocab_size", "policy", "reference", "behaviour", "value_fn", "clamp_log_ratio",
              "clamp_value", "batch_size", "batches")
          .agg(expr("first(on_policy)").as("on_policy"), expr("first(kl_level)").as("kl_level"),
              expr("first(kl)").as("kl"), expr("first(value_mean_exact, true)").as("value_mean_exact"),
              expr("first(value_std_exact, true)").as("value_std_exact"),
              expr("first(value_mean_mc, true)").as("value_mean_mc"),
              expr("first(value_mean_se, true)").as("value_mean_se"),
              expr("first(value_rel_bias, true)").as("value_rel_bias"),
              expr("first(value_rel_std, true)").as("value_rel_std"),
              expr("first(value_z, true)").as("value_z"));
      // Step 2: means over the replicated configurations (and batch sizes: independent samples).
      List<Row> agg = perTriple
          .groupBy("on_policy", "kl_level", "value_fn", "clamp_log_ratio", "clamp_value")
          .agg(expr("avg(abs(value_rel_bias))").as("abs_rel_bias"),
              expr("avg((value_mean_exact - kl) / kl)").as("rel_bias_exact"),
              expr("avg((value_mean_mc - kl) / kl)").as("rel_bias_mc"),
              expr("sqrt(sum(pow(value_mean_se / kl, 2))) / count(value_mean_se)").as("rel_bias_mc_se"),
              expr("avg(value_rel_std)").as("rel_std"),
              expr("max(abs(value_z))").as("max_z"),
              expr("count(DISTINCT vocab_size, policy, reference, behaviour)").as("triples"))
          .orderBy(col("on_policy").desc(), col("kl_level"), col("value_fn"), col("clamp_log_ratio"),
              col("clamp_value"))
          .collectAsList();

      body.append("<section id=\"value\"><h2>Value: the KL estimate itself</h2>\n<p class=\"caption\">"
          + "One line per value function (with clamps); on-policy left, off-policy right.</p>\n");
      List<List<String>> byMode = new ArrayList<>();
      for (boolean on : new boolean[] {true, false}) {
        List<Row> mode = agg.stream().filter(r -> (boolean) r.getAs("on_policy") == on).toList();
        if (mode.isEmpty()) continue;
        List<String> figures = new ArrayList<>();
        byMode.add(figures);
        String m = on ? "on" : "off";
        Map<String, List<double[]>> bias = new LinkedHashMap<>();
        Map<String, List<double[]>> std = new LinkedHashMap<>();
        for (Row r : mode) {
          String label = valueLabel(s(r, "value_fn"), d(r, "clamp_log_ratio"), d(r, "clamp_value"));
          add(bias, label, d(r, "kl_level"), d(r, "abs_rel_bias"));
          add(std, label, d(r, "kl_level"), d(r, "rel_std"));
        }
        String pol = on ? "on-policy (μ = p)" : "off-policy (μ ≠ p, averaged over behaviours)";
        figures.add(figure(new Charts.Figure("value_rel_bias_" + m + ".png",
            "Value: |relative bias| of f, " + pol, null, "KL(p‖q) [nats]", 10,
            "|E f − KL| / KL [ratio]", FLOOR, series(bias, valueStyles), 760, 480),
            "|relative bias| of each value function against the KL level, " + pol
                + "; mean of |bias| over vocabulary sizes and policies. Points at " + Charts.floorText(FLOOR)
                + " are zero to rounding (unbiased)."));
        figures.add(figure(new Charts.Figure("value_rel_std_" + m + ".png",
            "Value: relative standard deviation of f, " + pol, null, "KL(p‖q) [nats]", 10,
            "sd(f) / KL [ratio]", FLOOR, series(std, valueStyles), 760, 480),
            "Per-token standard deviation over KL (Schulman's \"stdev/true\"), " + pol
                + "; mean over vocabulary sizes and policies."));
      }
      grid(sideBySide(byMode));

      body.append("<table class=\"data\"><thead><tr><th>KL(p‖q)</th><th>sampling</th><th>value function</th>"
          + "<th>rel. bias (exact)</th><th>rel. bias (MC ± se)</th><th>rel. std</th><th>max |z|</th>"
          + "<th>configs</th></tr></thead><tbody>\n");
      for (Row r : agg) {
        Double z = d(r, "max_z");
        boolean bad = z != null && z > Z_LIMIT;
        body.append(bad ? "<tr class=\"inconsistent\">" : "<tr>")
            .append("<td class=\"n\">").append(Html.kl(d(r, "kl_level"))).append("</td><td>")
            .append((boolean) r.getAs("on_policy") ? "on" : "off").append("</td><td>")
            .append(Html.esc(valueLabel(s(r, "value_fn"), d(r, "clamp_log_ratio"), d(r, "clamp_value"))))
            .append("</td><td class=\"n\">").append(Html.num(d(r, "rel_bias_exact")))
            .append("</td><td class=\"n\">").append(Html.pm(d(r, "rel_bias_mc"), d(r, "rel_bias_mc_se")))
            .append("</td><td class=\"n\">").append(Html.num(d(r, "rel_std")))
            .append("</td><td class=\"n\">").append(bad ? "<span class=\"warn\">⚠</span> " : "")
            .append(Html.num(z)).append("</td><td class=\"n\">").append(r.getAs("triples").toString())
            .append("</td></tr>\n");
      }
      body.append("</tbody></table>\n<p class=\"caption\">Signed relative bias (E f − KL)/KL: exact, and from "
          + "the simulated tokens with its standard error (value_mean_se / KL, combined over the configurations "
          + "averaged). <i>configs</i> counts the distributions (p, q, μ) averaged.</p>\n</section>\n");
    }

    // -- gradient bias and direction -------------------------------------------------------------

    private void gradientSection(Dataset<Row> derived, Facts facts) throws IOException {
      body.append("<section id=\"gradient\"><h2>Gradient: bias and direction</h2>\n<p class=\"caption\">"
          + "One line per value function and gradient rule (with clamps); on-policy left, off-policy right. "
          + "Estimators with the same numbers (e.g. k2/loss and k1/reward on-policy) draw on top of each "
          + "other: the leaderboards list each one.</p>\n");
      List<List<String>> byMode = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (boolean on : new boolean[] {true, false}) {
        if ((on ? facts.onPolicy() : facts.offPolicy()) == 0) continue;
        List<String> figures = new ArrayList<>();
        byMode.add(figures);
        Dataset<Row> mode = derived.filter(col("on_policy").equalTo(on));
        String m = on ? "on" : "off";
        boolean hasNone = (on ? facts.onPolicyNone() : facts.offPolicyNone()) > 0;
        Dataset<Row> chosen = hasNone ? mode.filter(col("baseline").equalTo("none")) : mode;
        List<Row> agg = chosen
            .groupBy("kl_level", "value_fn", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip")
            .agg(expr("avg(grad_rel_bias)").as("rel_bias"),
                expr("avg(1 - cos_g)").as("one_minus_cos"),
                expr("avg(1 - cos_fwd)").as("one_minus_cos_fwd"),
                expr("count(cos_g)").as("with_cos"), expr("count(*)").as("n"))
            .orderBy("value_fn", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip", "kl_level")
            .collectAsList();
        Map<String, List<double[]>> bias = new LinkedHashMap<>();
        Map<String, List<double[]>> cos = new LinkedHashMap<>();
        Map<String, List<double[]>> fwd = new LinkedHashMap<>();
        List<String> zeroMean = new ArrayList<>();
        for (Row r : agg) {
          String label = gradLabel(s(r, "value_fn"), s(r, "rule"), d(r, "clamp_log_ratio"),
              d(r, "clamp_value"), d(r, "ratio_clip"));
          add(bias, label, d(r, "kl_level"), d(r, "rel_bias"));
          add(cos, label, d(r, "kl_level"), d(r, "one_minus_cos"));
          add(fwd, label, d(r, "kl_level"), d(r, "one_minus_cos_fwd"));
          if (((Number) r.getAs("with_cos")).longValue() == 0 && !zeroMean.contains(label)) zeroMean.add(label);
        }
        String pol = on ? "on-policy" : "off-policy";
        String over = (hasNone ? "baseline none" : "all baselines")
            + "; mean over vocabulary sizes, policies, batch sizes" + (on ? "" : " and behaviours");
        figures.add(figure(new Charts.Figure("grad_rel_bias_" + m + ".png",
            "Gradient: relative bias, " + pol, null, "KL(p‖q) [nats]", 10,
            "‖E[ĝ] − G‖ / ‖G‖ [ratio]", FLOOR, series(bias, gradStyles), 760, 520),
            "Relative bias of each value function and rule against the KL level, " + pol + " (" + over
                + "). Points at " + Charts.floorText(FLOOR) + " are zero to rounding (unbiased)."));
        figures.add(figure(new Charts.Figure("grad_cos_" + m + ".png",
            "Gradient direction vs reverse KL G, " + pol, null, "KL(p‖q) [nats]", 10,
            "1 − cos(E[ĝ], G)", FLOOR, series(cos, gradStyles), 760, 520),
            "1 − cosine between the expected gradient and the reverse-KL gradient G (0: same direction, "
                + "2: opposite), " + pol + " (" + over + ")."));
        figures.add(figure(new Charts.Figure("grad_cos_fwd_" + m + ".png",
            "Gradient direction vs forward KL G_fwd = p − q, " + pol, null, "KL(p‖q) [nats]", 10,
            "1 − cos(E[ĝ], G_fwd)", FLOOR, series(fwd, gradStyles), 760, 520),
            "1 − cosine between the expected gradient and the forward-KL gradient p − q, " + pol + " ("
                + over + "). Points at " + Charts.floorText(FLOOR) + ": the estimator follows the forward KL exactly."));
        if (!zeroMean.isEmpty()) {
          notes.add(pol + ": no cosine for " + String.join(", ", zeroMean)
              + " — its expected gradient is zero (‖E[ĝ]‖ ≤ 1e-12 ‖G‖), so it has no direction.");
        }
      }
      grid(sideBySide(byMode));
      for (String n : notes) body.append("<p class=\"note\">").append(Html.esc(n)).append("</p>\n");
      body.append("</section>\n");
    }

    // -- RMSE against batch size -----------------------------------------------------------------

    private void batchSection(Dataset<Row> derived, Facts facts) throws IOException {
      body.append("<section id=\"batch\"><h2>Gradient error against batch size, per baseline</h2>\n");
      if (facts.batchSizes() < 2) {
        body.append("<p class=\"note\">Only one batch size in these results: nothing to draw.</p></section>\n");
        return;
      }
      boolean anyOn = facts.onPolicy() > 0;
      Dataset<Row> chosen = anyOn ? derived.filter(col("on_policy")) : derived;
      List<Row> agg = new ArrayList<>(chosen.filter(expr("grad_rel_rmse > 0"))
          .groupBy("estimator", "baseline", "batch_size")
          .agg(expr("exp(avg(ln(grad_rel_rmse)))").as("rel_rmse"))
          .collectAsList());
      agg.sort(Comparator.comparing((Row r) -> s(r, "estimator"))
          .thenComparingDouble(r -> SeedTable.baselineOrder(s(r, "baseline")))
          .thenComparing(r -> s(r, "baseline"))
          .thenComparingInt(r -> ((Number) r.getAs("batch_size")).intValue()));
      Map<String, Map<String, List<double[]>>> perEstimator = new TreeMap<>();
      for (Row r : agg) {
        perEstimator.computeIfAbsent(s(r, "estimator"), k -> new LinkedHashMap<>());
        add(perEstimator.get(s(r, "estimator")), "baseline " + s(r, "baseline"),
            ((Number) r.getAs("batch_size")).doubleValue(), d(r, "rel_rmse"));
      }
      List<String> figures = new ArrayList<>();
      int i = 0;
      for (Map.Entry<String, Map<String, List<double[]>>> e : perEstimator.entrySet()) {
        i++;
        String file = String.format("rmse_vs_batch_%02d.png", i);
        figures.add(figure(new Charts.Figure(file, e.getKey(), anyOn ? "on-policy" : "all sampling",
            "batch size B [tokens]", 2, "√E‖ĝ − G‖² / ‖G‖ [ratio]", FLOOR,
            series(e.getValue(), baselineStyles), 520, 380),
            Html.esc(e.getKey()) + (isPreset(e.getKey()) ? " (preset)" : "")));
      }
      body.append("<p class=\"caption\">Relative RMSE of the gradient of one batch against the batch size, one "
          + "line per baseline, one chart per estimator. " + (anyOn ? "On-policy rows; " : "All rows; ")
          + "geometric mean over KL levels, vocabulary sizes and policies (a ratio spanning decades is "
          + "averaged on the log scale). An unbiased estimator falls as 1/√B; a biased one levels off at "
          + "its relative bias.</p>\n");
      grid(figures, "small");
      body.append("</section>\n");
    }

    // -- leaderboards ----------------------------------------------------------------------------

    private void leaderboardSection(Dataset<Row> derived, Map<Board, List<Entry>> boards) {
      Map<String, String> over = new LinkedHashMap<>();
      for (Row r : derived.groupBy("kl_level", "on_policy")
          .agg(expr("array_sort(collect_set(vocab_size))").as("v"), expr("array_sort(collect_set(policy))").as("p"),
              expr("array_sort(collect_set(reference))").as("q"), expr("array_sort(collect_set(behaviour))").as("mu"))
          .collectAsList()) {
        over.put(d(r, "kl_level") + "|" + r.getAs("on_policy"),
            "V ∈ {" + join(r.getList(r.fieldIndex("v"))) + "}; p ∈ {" + join(r.getList(r.fieldIndex("p")))
                + "}; q ∈ {" + join(r.getList(r.fieldIndex("q"))) + "}; μ ∈ {"
                + join(r.getList(r.fieldIndex("mu"))) + "}");
      }
      body.append("<section id=\"leaderboard\"><h2>Leaderboards: estimators and presets side by side</h2>\n"
          + "<p class=\"caption\">One table per KL level, sampling and batch size, ordered by mean relative RMSE "
          + "of the gradient (lowest first). Bias²/variance: shares of the squared error "
          + "(grad_bias_norm² and grad_var over their sum). Relative RMSE is also shown from the exact "
          + "formulas and from the simulation (± standard error from grad_mse_se). "
          + "<span class=\"warn\">⚠ k/n</span>: k of the n configurations averaged have Monte Carlo and exact "
          + "values more than 5 standard errors apart.</p>\n");
      Double currentKl = null;
      for (Map.Entry<Board, List<Entry>> b : boards.entrySet()) {
        Board key = b.getKey();
        if (currentKl == null || currentKl != key.klLevel()) {
          currentKl = key.klLevel();
          body.append("<h3>KL(p‖q) = ").append(Html.kl(currentKl)).append(" nats</h3>\n");
        }
        body.append("<h4>").append(key.onPolicy() ? "on-policy" : "off-policy").append(", B = ")
            .append(key.batchSize()).append("</h4>\n<p class=\"caption\">Mean over ")
            .append(Html.esc(over.getOrDefault(key.klLevel() + "|" + key.onPolicy(), "")))
            .append(".</p>\n");
        body.append("<table class=\"data leaderboard\" data-kl=\"").append(key.klLevel())
            .append("\" data-mode=\"").append(key.onPolicy() ? "on" : "off").append("\" data-batch=\"")
            .append(key.batchSize()).append("\"><thead><tr><th>#</th><th>estimator</th><th>baseline</th>"
                + "<th>rel. RMSE</th><th>bias²</th><th>variance</th><th>rel. bias</th><th>cos G</th>"
                + "<th>cos G<sub>fwd</sub></th><th>rel. RMSE exact</th><th>rel. RMSE MC ± se</th>"
                + "<th>check</th><th>n</th></tr></thead><tbody>\n");
        List<Entry> entries = b.getValue();
        for (int i = 0; i < entries.size() && i < LEADERBOARD_ROWS; i++) {
          Entry e = entries.get(i);
          boolean bad = e.inconsistent() > 0;
          body.append("<tr").append(bad ? " class=\"inconsistent\"" : "").append(" data-estimator=\"")
              .append(Html.esc(e.estimator())).append("\" data-baseline=\"").append(Html.esc(e.baseline()))
              .append("\"><td class=\"n\">").append(i + 1).append("</td><td>").append(Html.esc(e.estimator()))
              .append(isPreset(e.estimator()) ? " <span class=\"tag\">preset</span>" : "").append("</td><td>")
              .append(Html.esc(e.baseline())).append("</td><td class=\"n\"><b>").append(Html.num(e.relRmse()))
              .append("</b></td><td class=\"n\">").append(Html.pct(e.biasShare()))
              .append("</td><td class=\"n\">").append(Html.pct(e.varShare()))
              .append("</td><td class=\"n\">").append(Html.num(e.relBias()))
              .append("</td><td class=\"n\">").append(Html.num(e.cosG()))
              .append("</td><td class=\"n\">").append(Html.num(e.cosFwd()))
              .append("</td><td class=\"n\">").append(Html.num(e.relRmseExact()))
              .append("</td><td class=\"n\">").append(Html.pm(e.relRmseMc(), e.relRmseMcSe()))
              .append("</td><td>").append(bad
                  ? "<span class=\"warn\" title=\"Monte Carlo and exact disagree\">⚠ " + e.inconsistent() + "/"
                      + e.configs() + "</span>"
                  : "ok")
              .append("</td><td class=\"n\">").append(e.configs()).append("</td></tr>\n");
        }
        body.append("</tbody></table>\n");
        if (entries.size() > LEADERBOARD_ROWS) {
          body.append("<p class=\"caption\">").append(entries.size() - LEADERBOARD_ROWS)
              .append(" more rows not shown: see <code>conf/queries/best_preset.sql</code> or query the results.</p>\n");
        }
      }
      body.append("</section>\n");
    }

    // -- lists -----------------------------------------------------------------------------------

    private void inconsistentSection(Dataset<Row> derived) {
      Dataset<Row> bad = derived.filter(expr("NOT coalesce(consistent, true)"));
      long n = bad.count();
      body.append("<section id=\"inconsistent\"><h2>Monte Carlo and exact disagree (consistent = false)</h2>\n");
      if (n == 0) {
        body.append("<p class=\"ok\">None: in every row the simulation agrees with the exact values within "
            + "5 standard errors.</p></section>\n");
        return;
      }
      body.append("<p class=\"note\"><span class=\"warn\">⚠</span> ").append(n)
          .append(n == 1 ? " row" : " rows").append(": a |z| above 5 means the simulation and the formulas disagree by more than chance "
              + "explains; check R (batches) and heavy tails before trusting either. <i>mc_note</i> says when most of "
          + "an exact variance sits on tokens too rare to be drawn in this many samples.</p>\n");
      body.append("<table class=\"data\"><thead><tr><th>config_id</th><th>V</th><th>policy</th><th>reference</th>"
          + "<th>behaviour</th><th>estimator</th><th>baseline</th><th>B</th><th>value z</th><th>grad_mse z</th>"
          + "<th>mc_note</th></tr></thead><tbody>\n");
      for (Row r : bad.orderBy("kl_level", "estimator", "baseline", "batch_size", "config_id").limit(LIST_ROWS)
          .collectAsList()) {
        body.append("<tr class=\"inconsistent\" data-config=\"").append(Html.esc(s(r, "config_id")))
            .append("\"><td><code>").append(Html.esc(shortId(s(r, "config_id")))).append("</code></td><td class=\"n\">")
            .append(r.getAs("vocab_size") == null ? Html.NONE : r.getAs("vocab_size").toString()).append("</td><td>")
            .append(Html.esc(s(r, "policy"))).append("</td><td>").append(Html.esc(s(r, "reference")))
            .append("</td><td>").append(Html.esc(s(r, "behaviour"))).append("</td><td>")
            .append(Html.esc(s(r, "estimator"))).append("</td><td>").append(Html.esc(s(r, "baseline")))
            .append("</td><td class=\"n\">").append(String.valueOf((Object) r.getAs("batch_size")))
            .append("</td><td class=\"n\">").append(Html.num(d(r, "value_z")))
            .append("</td><td class=\"n\">").append(Html.num(d(r, "grad_mse_z")))
            .append("</td><td class=\"reason\">").append(Html.esc(s(r, "mc_note"))).append("</td></tr>\n");
      }
      body.append("</tbody></table>\n");
      if (n > LIST_ROWS) body.append("<p class=\"caption\">").append(n - LIST_ROWS).append(" more not shown: run "
          + "<code>conf/queries/inconsistent.sql</code>.</p>\n");
      body.append("</section>\n");
    }

    private void infeasibleSection(Dataset<Row> infeasible) {
      List<Row> groups = infeasible
          .groupBy("reason")
          .agg(expr("count(*)").as("n"),
              expr("count(DISTINCT vocab_size, policy, reference, behaviour)").as("triples"),
              expr("array_sort(collect_set(vocab_size))").as("vocab_sizes"),
              expr("array_sort(collect_set(policy))").as("policies"),
              expr("array_sort(collect_set(reference))").as("references"),
              expr("array_sort(collect_set(behaviour))").as("behaviours"),
              expr("array_sort(collect_set(estimator))").as("estimators"),
              expr("array_sort(collect_set(baseline))").as("baselines"),
              expr("array_sort(collect_set(batch_size))").as("batch_sizes"))
          .orderBy(col("n").desc(), col("reason"))
          .limit(LIST_ROWS + 1).collectAsList();
      body.append("<section id=\"infeasible\"><h2>Infeasible configurations (no numbers)</h2>\n");
      if (groups.isEmpty()) {
        body.append("<p class=\"ok\">None: every configuration was evaluated.</p></section>\n");
        return;
      }
      body.append("<p class=\"caption\">Rows with an <code>infeasible_reason</code>: left out of every average, "
          + "chart and table above. One line per reason, with the distributions (p, q, μ) and settings it "
          + "concerns.</p>\n<table class=\"data infeasible\"><thead><tr><th>reason</th><th>rows</th>"
          + "<th>distributions</th><th>V</th><th>policy</th><th>reference</th><th>behaviour</th>"
          + "<th>estimators</th><th>baselines</th><th>B</th></tr></thead><tbody>\n");
      for (int i = 0; i < groups.size() && i < LIST_ROWS; i++) {
        Row r = groups.get(i);
        body.append("<tr><td class=\"reason\">").append(Html.esc(s(r, "reason"))).append("</td><td class=\"n\">")
            .append(r.getAs("n").toString()).append("</td><td class=\"n\">").append(r.getAs("triples").toString())
            .append("</td>");
        for (String c : List.of("vocab_sizes", "policies", "references", "behaviours", "estimators", "baselines",
            "batch_sizes")) {
          body.append("<td>").append(Html.esc(few(r.getList(r.fieldIndex(c))))).append("</td>");
        }
        body.append("</tr>\n");
      }
      body.append("</tbody></table>\n");
      if (groups.size() > LIST_ROWS) body.append("<p class=\"caption\">More reasons not shown.</p>\n");
      body.append("</section>\n");
    }

    // -- helpers ---------------------------------------------------------------------------------

    /** Draws a figure if it has points and returns its HTML, or "" (nothing is referenced then). */
    private String figure(Charts.Figure f, String caption) throws IOException {
      if (!Charts.hasPoints(f)) return "";
      Charts.write(dir, f);
      written.add(f.file());
      return "<figure><img src=\"" + Html.esc(f.file()) + "\" alt=\"" + Html.esc(f.title()) + "\" width=\""
          + f.width() + "\" height=\"" + f.height() + "\"><figcaption>" + caption + "</figcaption></figure>\n";
    }

    /**
     * On-policy and off-policy figures of one metric next to each other (left on, right off); a
     * figure with no points keeps its place with a note, so the pairs stay aligned.
     */
    private static List<String> sideBySide(List<List<String>> byMode) {
      if (byMode.size() < 2) return byMode.isEmpty() ? List.of() : byMode.get(0);
      List<String> out = new ArrayList<>();
      List<String> on = byMode.get(0);
      List<String> off = byMode.get(1);
      for (int i = 0; i < on.size(); i++) {
        if (on.get(i).isEmpty() && off.get(i).isEmpty()) continue;
        out.add(on.get(i).isEmpty() ? NO_POINTS : on.get(i));
        out.add(off.get(i).isEmpty() ? NO_POINTS : off.get(i));
      }
      return out;
    }

    private static final String NO_POINTS =
        "<figure class=\"nofig\"><figcaption>No point to draw here (every value is missing).</figcaption></figure>\n";

    private void grid(List<String> figures) {
      grid(figures, "wide");
    }

    private void grid(List<String> figures, String kind) {
      String html = figures.stream().filter(x -> !x.isEmpty()).collect(Collectors.joining());
      if (!html.isEmpty()) body.append("<div class=\"figures ").append(kind).append("\">\n").append(html).append("</div>\n");
    }
  }

  private static void add(Map<String, List<double[]>> series, String label, Double x, Double y) {
    if (x == null || y == null) return;
    series.computeIfAbsent(label, k -> new ArrayList<>()).add(new double[] {x, y});
  }

  /**
   * The series of a chart, styled by name through {@code styles} (shared by one family of charts
   * on the page, so a name keeps its colour and marker from chart to chart, whichever series a
   * chart lacks).
   */
  private static List<Charts.Series> series(Map<String, List<double[]>> m, Map<String, Integer> styles) {
    List<Charts.Series> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Charts.Series(k, styles.computeIfAbsent(k, x -> styles.size()), v)));
    return out;
  }

  private static String join(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  /** Up to six values, then how many more. */
  private static String few(List<?> values) {
    if (values.size() <= 6) return join(values);
    return join(values.subList(0, 6)) + ", … (+" + (values.size() - 6) + ")";
  }

  private static String shortId(String id) {
    return id == null ? null : id.length() > 12 ? id.substring(0, 12) + "…" : id;
  }

  private static final String CSS = """
      :root { --ink:#1d2430; --muted:#5b6573; --line:#d9dee5; --bg:#ffffff; --soft:#f5f7fa; --warn:#b3261e; --accent:#0b5cad; }
      * { box-sizing: border-box; }
      body { margin:0; background:var(--bg); color:var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
      main { max-width: 1560px; margin: 0 auto; padding: 24px 32px 64px; }
      h1 { font-size: 28px; margin: 0 0 4px; }
      h2 { font-size: 21px; margin: 36px 0 10px; padding-top: 12px; border-top: 1px solid var(--line); }
      h3 { font-size: 17px; margin: 24px 0 6px; }
      h4 { font-size: 15px; margin: 16px 0 4px; color: var(--muted); }
      code { font: 13px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
      .meta, .caption, figcaption { color: var(--muted); font-size: 13.5px; }
      .caption { margin: 4px 0 12px; max-width: 1100px; }
      .note { background: var(--soft); border-left: 4px solid var(--muted); padding: 6px 12px; }
      .ok { color: #1e6b35; }
      .warn { color: var(--warn); font-weight: 600; }
      .tag { display:inline-block; font-size: 11px; padding: 0 6px; border: 1px solid var(--accent); color: var(--accent); border-radius: 8px; vertical-align: 1px; }
      .answer { background: #eef5fc; border: 2px solid var(--accent); border-radius: 8px; padding: 4px 20px 12px; margin: 20px 0; }
      .answer h2 { border-top: none; margin-top: 12px; padding-top: 0; }
      table { border-collapse: collapse; margin: 6px 0 4px; font-size: 13.5px; }
      th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
      th { background: var(--soft); font-weight: 600; white-space: nowrap; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      tr.inconsistent td { background: #fdecea; }
      td.reason { max-width: 460px; }
      .answers td { background: #ffffff; }
      .same { color: var(--muted); font-size: 12.5px; }
      details { margin: 8px 0; }
      nav { margin: 6px 0 2px; font-size: 14px; }
      nav a, summary { color: var(--accent); text-decoration: none; }
      summary { cursor: pointer; color: var(--accent); }
      .figures { display: grid; gap: 18px; margin: 12px 0; }
      .figures.wide { grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); }
      .figures.small { grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); }
      figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
      figure img { width: 100%; height: auto; display: block; }
      figure.nofig { display: flex; align-items: center; justify-content: center; background: var(--soft); }
      ul li { margin: 4px 0; max-width: 1100px; }
      """;
}
