package klbench.report;

import static klbench.report.data.Derived.d;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import klbench.report.page.Html;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The README's sequence table, regenerated from the rows of {@code conf/grid-seq.yaml}: per
 * estimator (baseline none, γ = 1), on the smallest tree of the results and on their largest
 * model, what its expected gradient follows — G_seq (relative bias), G_pos and G_pos_fwd (1 − cos),
 * G_seq_fwd (1 − cos, nearest → farthest reference) — on-policy, and its relative bias off-policy;
 * then which of khanhptnk/kl-penalty-in-grpo's claims (SEQUENCES.md "What the numbers must show")
 * the numbers state. Markdown, to paste into the README as is.
 *
 * <p>The claims: A, {@code k3/loss} follows G_pos_fwd; B, which is not G_seq_fwd, the further the
 * reference the more; C, {@code k1} in the reward with reward-to-go (and the whole response's
 * value, and per-decision ratios) follows G_seq; D and E, {@code k2/loss} follows G_pos, missing
 * G_seq − G_pos (its relative bias is the future share); F, so does {@code k1/reward_token}; G,
 * {@code k1/loss} has E[ĝ] = 0.
 */
public final class SequenceTable {
  /** Run name of {@code conf/grid-seq.yaml}; {@code report --sequence-table} picks these rows when present. */
  public static final String SEQUENCE_RUN_NAME = "sequences";
  private static final double ZERO = MarkdownCells.ZERO;

  private SequenceTable() {}

  /** One model shape: the rows of one vocabulary size, horizon and context count. */
  private record Setting(int vocab, int horizon, String contexts) {
    /** Contexts at the last position: N, or V^{T−1} for the tree. */
    double width() {
      return contexts.equals("tree") ? Math.pow(vocab, horizon - 1) : Double.parseDouble(contexts);
    }

    String label() {
      return "V " + vocab + ", T " + horizon + ", " + (contexts.equals("tree") ? "tree" : contexts + " contexts");
    }
  }

  /** One exact row, reduced to what the table reads. */
  private record Point(String estimator, Setting setting, boolean onPolicy, String reference, double klPerToken,
      Double relBias, Double cosPos, Double cosPosFwd, Double cosSeqFwd, Double futureShare) {}

  /** An estimator's numbers on one setting. */
  private record Cells(Double biasNear, Double biasFar, Double maxBias, Double offPolicyBias, Double posGap,
      Double posFwdGap, Double seqFwdGapNear, Double seqFwdGapFar, boolean noDirection, boolean biasIsFutureShare) {}

  /**
   * The markdown table of the response rows (horizon > 1, baseline none, γ = 1, with exact
   * numbers) among {@code rows} (the latest rows: see {@link ResultViews#latest}).
   *
   * @throws Report.NoResultsException when there is no such row
   */
  public static String markdown(Dataset<Row> rows) {
    Dataset<Row> exact = rows.filter(expr("infeasible_reason IS NULL AND grad_mse_exact IS NOT NULL"
        + " AND coalesce(horizon, 1) > 1 AND baseline = 'none' AND coalesce(discount, 1.0) = 1.0"));
    if (!Arrays.asList(exact.columns()).contains("grad_cos_pos_fwd_exact")) {
      exact = exact.withColumn("grad_cos_pos_fwd_exact", lit(null).cast("double"));
    }
    List<Row> collected = exact
        .groupBy("estimator", "vocab_size", "horizon", "contexts", "on_policy", "reference")
        .agg(expr("avg(kl / horizon)").as("kl_token"), expr("avg(grad_rel_bias)").as("rel_bias"),
            expr("min(grad_cos_pos_exact)").as("cos_pos"), expr("min(grad_cos_pos_fwd_exact)").as("cos_pos_fwd"),
            expr("avg(grad_cos_fwd_exact)").as("cos_seq_fwd"), expr("avg(grad_future_share)").as("future_share"))
        .collectAsList();
    if (collected.isEmpty()) {
      throw new Report.NoResultsException("no response rows (horizon > 1, baseline none, discount 1) with exact"
          + " numbers for the sequence table");
    }
    List<Point> points = new ArrayList<>();
    for (Row r : collected) {
      Setting s = new Setting(((Number) r.getAs("vocab_size")).intValue(), ((Number) r.getAs("horizon")).intValue(),
          r.getAs("contexts"));
      points.add(new Point(r.getAs("estimator"), s, r.getAs("on_policy"), r.getAs("reference"), d(r, "kl_token"),
          d(r, "rel_bias"), d(r, "cos_pos"), d(r, "cos_pos_fwd"), d(r, "cos_seq_fwd"), d(r, "future_share")));
    }
    List<Setting> settings = settings(points);

    // estimator -> setting -> cells
    Map<String, Map<Setting, Cells>> table = new TreeMap<>();
    for (Setting s : settings) {
      Map<String, List<Point>> byEstimator = new TreeMap<>();
      for (Point p : points) if (p.setting().equals(s)) byEstimator.computeIfAbsent(p.estimator(), k -> new ArrayList<>()).add(p);
      byEstimator.forEach((e, ps) -> table.computeIfAbsent(e, k -> new LinkedHashMap<>()).put(s, cells(ps)));
    }
    List<Map.Entry<String, Map<Setting, Cells>>> lines = new ArrayList<>(table.entrySet());
    lines.sort(Comparator.comparing((Map.Entry<String, Map<Setting, Cells>> e) -> claim(e.getValue().values()).order())
        .thenComparing(Map.Entry::getKey));

    StringBuilder md = new StringBuilder("| estimator |");
    for (Setting s : settings) {
      String at = s.label();
      md.append(" rel. bias, ").append(at).append(", nearest → farthest q |")
          .append(" 1 − cos(E ĝ, G_pos), ").append(at).append(" |")
          .append(" 1 − cos(E ĝ, G_pos_fwd), ").append(at).append(" |")
          .append(" 1 − cos(E ĝ, G_seq_fwd), ").append(at).append(", nearest → farthest q |")
          .append(" rel. bias off-policy, ").append(at).append(" |");
    }
    md.append(" claim: what the numbers say |\n|---|");
    for (int i = 0; i < 5 * settings.size(); i++) md.append("---:|");
    md.append("---|\n");
    for (Map.Entry<String, Map<Setting, Cells>> line : lines) {
      md.append("| `").append(line.getKey()).append("` |");
      for (Setting s : settings) {
        Cells c = line.getValue().get(s);
        if (c == null) {
          md.append(" – | – | – | – | – |");
          continue;
        }
        md.append(' ').append(arrow(c.biasNear(), c.biasFar())).append(" |")
            .append(' ').append(c.noDirection() ? "none (E ĝ = 0)" : MarkdownCells.cell(c.posGap())).append(" |")
            .append(' ').append(c.noDirection() ? "none" : MarkdownCells.cell(c.posFwdGap())).append(" |")
            .append(' ').append(c.noDirection() ? "none" : arrow(c.seqFwdGapNear(), c.seqFwdGapFar())).append(" |")
            .append(' ').append(MarkdownCells.cell(c.offPolicyBias())).append(" |");
      }
      md.append(' ').append(claim(line.getValue().values()).text()).append(" |\n");
    }
    md.append("\nBaseline none, γ = 1, exact. Relative bias ‖E[ĝ] − G_seq‖/‖G_seq‖ against the gradient of the")
        .append(" KL between response distributions; 1 − cos of E[ĝ] with the per-position gradients G_pos (reverse")
        .append(" KL at every position on the policy's own prefixes) and G_pos_fwd (forward KL, likewise) and with")
        .append(" the sequence forward KL's G_seq_fwd; off-policy, the largest relative bias over the references.");
    for (Setting s : settings) {
      md.append(' ').append(s.label()).append(": KL per token ").append(klRange(points, s))
          .append(", future share ‖G_seq − G_pos‖/‖G_seq‖ ").append(futureRange(points, s)).append('.');
    }
    md.append(" Regenerate: `submit/klbench run --grid conf/grid-seq.yaml`, then")
        .append(" `submit/klbench report --sequence-table`.\n");
    return md.toString();
  }

  /** The smallest tree (or smallest model) and the largest model of the results. */
  private static List<Setting> settings(List<Point> points) {
    Comparator<Setting> size = Comparator.comparingInt(Setting::vocab).thenComparingInt(Setting::horizon)
        .thenComparingDouble(Setting::width);
    List<Setting> all = points.stream().map(Point::setting).distinct().sorted(size).toList();
    Setting small = all.stream().filter(s -> s.contexts().equals("tree")).findFirst().orElse(all.get(0));
    Setting large = all.get(all.size() - 1);
    return small.equals(large) ? List.of(small) : List.of(small, large);
  }

  private static Cells cells(List<Point> ps) {
    List<Point> on = ps.stream().filter(Point::onPolicy).sorted(Comparator.comparingDouble(Point::klPerToken)).toList();
    List<Point> off = ps.stream().filter(p -> !p.onPolicy()).toList();
    Point near = on.isEmpty() ? null : on.get(0);
    Point far = on.isEmpty() ? null : on.get(on.size() - 1);
    boolean noDirection = !on.isEmpty() && on.stream().allMatch(p -> p.cosPos() == null);
    boolean futureShare = !on.isEmpty() && on.stream().allMatch(p -> p.relBias() != null && p.futureShare() != null
        && Math.abs(p.relBias() - p.futureShare()) <= ZERO * Math.max(1.0, p.futureShare()));
    return new Cells(near == null ? null : near.relBias(), far == null ? null : far.relBias(),
        max(on.stream().map(Point::relBias).toList()), max(off.stream().map(Point::relBias).toList()),
        max(on.stream().map(p -> gap(p.cosPos())).toList()), max(on.stream().map(p -> gap(p.cosPosFwd())).toList()),
        near == null ? null : gap(near.cosSeqFwd()), far == null ? null : gap(far.cosSeqFwd()), noDirection, futureShare);
  }

  /** A claim letter and reading; {@code order} sorts the table by claim. */
  private record Claim(int order, String text) {}

  /** Which claim an estimator's numbers state, over every setting it has rows on. */
  private static Claim claim(java.util.Collection<Cells> cells) {
    if (!cells.isEmpty() && cells.stream().allMatch(Cells::noDirection)) {
      return new Claim(0, "G: E[ĝ] = 0, no gradient at any distance");
    }
    if (cells.stream().allMatch(c -> zero(c.maxBias()))) {
      boolean offOk = cells.stream().allMatch(c -> c.offPolicyBias() == null || zero(c.offPolicyBias()));
      boolean offSeen = cells.stream().anyMatch(c -> c.offPolicyBias() != null);
      return new Claim(1, "C: E[ĝ] = G_seq, the sequence reverse KL's gradient"
          + (!offSeen ? "" : offOk ? ", off-policy too" : "; off-policy the per-token ratio biases it"));
    }
    if (cells.stream().allMatch(c -> zero(c.posFwdGap()))) {
      boolean grows = cells.stream().allMatch(c -> c.seqFwdGapNear() != null && c.seqFwdGapFar() != null
          && c.seqFwdGapFar() > c.seqFwdGapNear());
      return new Claim(2, "A: E[ĝ] = G_pos_fwd, a forward KL per position; B: not G_seq_fwd"
          + (grows ? ", the further q the more" : ""));
    }
    if (cells.stream().allMatch(c -> zero(c.posGap()))) {
      return new Claim(3, "D, E, F: E[ĝ] = G_pos, a reverse KL per position, missing G_seq − G_pos"
          + (cells.stream().allMatch(Cells::biasIsFutureShare) ? " (rel. bias = future share)" : ""));
    }
    return new Claim(4, "biased against G_seq, G_pos and G_pos_fwd alike");
  }

  private static boolean zero(Double v) {
    return v != null && Math.abs(v) <= ZERO;
  }

  /** 1 − cos, or null. */
  private static Double gap(Double cos) {
    return cos == null ? null : 1.0 - cos;
  }

  private static Double max(List<Double> vs) {
    return vs.stream().filter(v -> v != null).max(Double::compare).orElse(null);
  }

  private static String arrow(Double near, Double far) {
    String a = MarkdownCells.cell(near);
    String b = MarkdownCells.cell(far);
    return a.equals(b) ? a : a + " → " + b;
  }

  private static String klRange(List<Point> points, Setting s) {
    double[] kls = points.stream().filter(p -> p.setting().equals(s) && p.onPolicy()).mapToDouble(Point::klPerToken)
        .distinct().sorted().toArray();
    return kls.length == 0 ? "–" : Html.kl(kls[0]) + (kls.length == 1 ? "" : " – " + Html.kl(kls[kls.length - 1]));
  }

  private static String futureRange(List<Point> points, Setting s) {
    double[] fs = points.stream().filter(p -> p.setting().equals(s) && p.onPolicy() && p.futureShare() != null)
        .mapToDouble(Point::futureShare).sorted().toArray();
    return fs.length == 0 ? "–" : MarkdownCells.range(fs[0], fs[fs.length - 1]);
  }
}
