package klbench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.LogSpace;
import klbench.core.Metrics;
import klbench.core.Presets;
import klbench.core.Streams;
import klbench.core.Triple;
import klbench.core.TripleEvaluation;
import klbench.core.Truth;
import klbench.core.ValueFunction;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Realistic result rows for the report's tests, computed by the real core on small triples.
 *
 * <p>Stand-in: the families (gaussian policy, target_kl reference and behaviour) and the row
 * filling mirror branch grid's {@code klbench.grid} families and {@code klbench.results.Rows.of},
 * which this branch does not have yet. At merge the lead can replace {@link #rows} by {@code
 * Rows.of} over {@code GridFile}'s configurations; the report tests only need rows with the
 * result columns.
 */
public final class ResultFixtures {
  private ResultFixtures() {}

  /** One distribution triple with the canonical texts of its families. */
  public record Case(int vocab, String policy, String reference, String behaviour, Triple triple) {
    String key() {
      return "V=" + vocab + "|p=" + policy + "|q=" + reference + "|mu=" + behaviour;
    }
  }

  /** θ_j i.i.d. N(0, σ²). */
  public static double[] gaussianLogits(int v, double sigma, SplittableRandom r) {
    double[] th = new double[v];
    for (int i = 0; i < v; i++) th[i] = sigma * gauss(r);
    return th;
  }

  /**
   * Logits θ + δε, ε i.i.d. N(0, 1), with δ solved (bisection on log δ) so that KL(softmax θ ‖
   * softmax(θ + δε)) = kl to a relative 1e-9; {@code reverse} solves KL(result ‖ softmax θ) = kl
   * instead (a behaviour's target_kl is KL(μ‖p)).
   */
  public static double[] targetKl(double[] theta, double kl, boolean reverse, SplittableRandom r) {
    double[] eps = new double[theta.length];
    for (int i = 0; i < eps.length; i++) eps[i] = gauss(r);
    double[] logP = LogSpace.logSoftmax(theta);
    double lo = -30, hi = 10;
    double[] best = null;
    for (int it = 0; it < 300; it++) {
      double mid = 0.5 * (lo + hi);
      double[] logits = shifted(theta, eps, Math.exp(mid));
      double[] logQ = LogSpace.logSoftmax(logits);
      double k = reverse ? LogSpace.kl(logQ, logP) : LogSpace.kl(logP, logQ);
      best = logits;
      if (Math.abs(k - kl) <= 1e-9 * kl) break;
      if (k < kl) lo = mid; else hi = mid;
    }
    return best;
  }

  private static double[] shifted(double[] theta, double[] eps, double delta) {
    double[] out = theta.clone();
    for (int i = 0; i < out.length; i++) out[i] += delta * eps[i];
    return out;
  }

  private static double gauss(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * p = softmax(θ), θ ~ N(0, σ²); q at KL(p‖q) = kl; μ = p (behaviourKl null) or μ at KL(μ‖p) =
   * behaviourKl.
   */
  public static Case gaussianCase(int vocab, double sigma, double kl, Double behaviourKl, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] theta = gaussianLogits(vocab, sigma, r);
    double[] q = targetKl(theta, kl, false, r.split());
    double[] logMu = behaviourKl == null ? null : LogSpace.logSoftmax(targetKl(theta, behaviourKl, true, r.split()));
    Triple t = Triple.of(LogSpace.logSoftmax(theta), LogSpace.logSoftmax(q), logMu);
    return new Case(vocab, "gaussian(sigma=" + sigma + ")", "target_kl(kl=" + kl + ")",
        behaviourKl == null ? "on_policy()" : "target_kl(kl=" + behaviourKl + ")", t);
  }

  /** A triple whose reference gives token 0 probability 0: KL(p‖q) is infinite. */
  public static Case infeasibleCase(int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] theta = gaussianLogits(vocab, 1.0, r);
    double[] q = theta.clone();
    q[0] = Double.NEGATIVE_INFINITY;
    return new Case(vocab, "gaussian(sigma=1.0)", "probs(values=[0, ...])", "on_policy()",
        Triple.of(LogSpace.logSoftmax(theta), LogSpace.logSoftmax(q), null));
  }

  /** {@code VALUE/RULE} or a preset name, as a grid file writes it. */
  public static Estimator estimator(String name) {
    Estimator preset = Presets.byName(name);
    if (preset != null) return preset;
    String[] parts = name.split("/");
    ValueFunction v = ValueFunction.byId(parts[0]);
    GradientRule rule = GradientRule.byId(parts[1]);
    if (v == null || rule == null) throw new IllegalArgumentException("unknown estimator " + name);
    return Estimator.of(v, rule);
  }

  /**
   * Every (estimator, baseline, batch size) of one case as result rows, the way {@code run} fills
   * them. {@code loo} at B = 1 and every row of an infeasible triple get an infeasible_reason.
   */
  public static List<ResultRow> rows(String runId, String runName, long seed, Case c, List<String> estimators,
      List<String> baselines, int[] batchSizes, int batches) {
    List<Estimator> ests = estimators.stream().map(ResultFixtures::estimator).toList();
    List<Baseline> all = baselines.stream().map(Baseline::parse).toList();
    List<ResultRow> out = new ArrayList<>();
    for (int b : batchSizes) {
      List<Baseline> usable = b >= 2 ? all : all.stream().filter(x -> x.kind() != Baseline.Kind.LOO).toList();
      List<Metrics> metrics = List.of();
      if (c.triple().feasible() && !usable.isEmpty()) {
        long t0 = System.nanoTime();
        metrics = TripleEvaluation.prepare(c.triple(), ests, usable).evaluate(b, batches, seed, c.key());
        double ms = (System.nanoTime() - t0) / 1e6;
        for (Metrics m : metrics) {
          out.add(row(runId, runName, seed, c, ests.get(m.estimatorIndex), m.baseline, b, batches)
              .set(Column.ELAPSED_MS, ms)
              .set(Column.SAMPLES_PER_SECOND, (double) b * batches / Math.max(ms, 1e-3) * 1e3)
              .set(Column.INFEASIBLE_REASON, m.problem));
          fill(out.get(out.size() - 1), m);
        }
      }
      for (Estimator e : ests) {
        for (Baseline bl : all) {
          String reason = !c.triple().feasible() ? c.triple().infeasibleReason()
              : !usable.contains(bl) ? "loo needs batch_size >= 2" : null;
          if (reason == null) continue;
          out.add(row(runId, runName, seed, c, e, bl, b, batches)
              .set(Column.CONSISTENT, false).set(Column.INFEASIBLE_REASON, reason));
        }
      }
    }
    return out;
  }

  private static ResultRow row(String runId, String runName, long seed, Case c, Estimator e, Baseline bl,
      int b, int batches) {
    Truth t = c.triple().truth();
    String configId = Streams.hex(seed + "|" + c.key() + "|" + e + "|" + bl + "|B=" + b + "|R=" + batches);
    return new ResultRow()
        .set(Column.RUN_ID, runId).set(Column.RUN_NAME, runName).set(Column.CONFIG_ID, configId)
        .set(Column.SEED, seed).set(Column.VOCAB_SIZE, c.vocab()).set(Column.POLICY, c.policy())
        .set(Column.REFERENCE, c.reference()).set(Column.BEHAVIOUR, c.behaviour())
        .set(Column.ESTIMATOR, e.name()).set(Column.VALUE_FN, e.value().id()).set(Column.RULE, e.rule().id())
        .set(Column.CLAMP_LOG_RATIO, e.clampLogRatio()).set(Column.CLAMP_VALUE, e.clampValue())
        .set(Column.RATIO_CLIP, e.ratioClip()).set(Column.BASELINE, bl.toString())
        .set(Column.BATCH_SIZE, b).set(Column.BATCHES, batches).set(Column.SAMPLES, (long) b * batches)
        .set(Column.KL, t.kl()).set(Column.KL_FWD, t.klFwd()).set(Column.KL_BEHAVIOUR, t.klBehaviour())
        .set(Column.ENTROPY, t.entropy()).set(Column.GRAD_NORM, t.gradNorm())
        .set(Column.GRAD_FWD_NORM, t.gradFwdNorm());
  }

  private static void fill(ResultRow r, Metrics m) {
    r.set(Column.VALUE_MEAN_EXACT, m.valueMeanExact).set(Column.VALUE_STD_EXACT, m.valueStdExact)
        .set(Column.VALUE_MEAN_MC, m.valueMeanMc).set(Column.VALUE_MEAN_SE, m.valueMeanSe)
        .set(Column.VALUE_STD_MC, m.valueStdMc).set(Column.VALUE_BIAS, m.valueBias)
        .set(Column.VALUE_REL_BIAS, m.valueRelBias).set(Column.VALUE_REL_STD, m.valueRelStd)
        .set(Column.GRAD_BIAS_NORM_EXACT, m.gradBiasNormExact).set(Column.GRAD_COS_EXACT, m.gradCosExact)
        .set(Column.GRAD_COS_FWD_EXACT, m.gradCosFwdExact).set(Column.GRAD_VAR_EXACT, m.gradVarExact)
        .set(Column.GRAD_MSE_EXACT, m.gradMseExact).set(Column.GRAD_BIAS_NORM_MC, m.gradBiasNormMc)
        .set(Column.GRAD_COS_MC, m.gradCosMc).set(Column.GRAD_COS_FWD_MC, m.gradCosFwdMc)
        .set(Column.GRAD_VAR_MC, m.gradVarMc).set(Column.GRAD_MSE_MC, m.gradMseMc)
        .set(Column.GRAD_MSE_SE, m.gradMseSe).set(Column.GRAD_REL_BIAS, m.gradRelBias)
        .set(Column.GRAD_REL_RMSE, m.gradRelRmse).set(Column.VALUE_Z, m.valueZ)
        .set(Column.GRAD_MSE_Z, m.gradMseZ).set(Column.CONSISTENT, m.consistent);
  }

  /** The rows as a Spark dataset with the result schema. */
  public static Dataset<Row> dataset(SparkSession spark, List<ResultRow> rows) {
    List<Row> sparkRows = new ArrayList<>(rows.size());
    for (ResultRow r : rows) sparkRows.add(RowFactory.create(r.values()));
    return spark.createDataFrame(sparkRows, ResultColumns.schema());
  }

  /**
   * The report tests' results: V 16 and 64, a gaussian policy, references at KL 0.01, 0.1 and 1,
   * on-policy and one off-policy behaviour (KL(μ‖p) = 0.05), value/rule estimators and presets,
   * baselines none and loo, batch sizes 1 and 8, 200 batches; plus one infeasible triple.
   */
  public static List<ResultRow> standard(String runId) {
    List<String> estimators = List.of("k1/loss", "k2/loss", "k3/loss", "k1/reward", "verl.low_var_kl",
        "trl.grpo", "openrlhf.loss.k2");
    List<String> baselines = List.of("none", "loo");
    int[] batchSizes = {1, 8};
    List<ResultRow> out = new ArrayList<>();
    long seed = 20261126L;
    int i = 0;
    for (int v : new int[] {16, 64}) {
      for (double kl : new double[] {0.01, 0.1, 1.0}) {
        for (Double mu : Arrays.asList(null, 0.05)) {
          Case c = gaussianCase(v, 1.0, kl, mu, 1000 + i++);
          out.addAll(rows(runId, "fixture", seed, c, estimators, baselines, batchSizes, 200));
        }
      }
    }
    out.addAll(rows(runId, "fixture", seed, infeasibleCase(16, 7), List.of("k1/loss", "k3/loss"),
        List.of("none"), new int[] {8}, 200));
    return out;
  }
}
