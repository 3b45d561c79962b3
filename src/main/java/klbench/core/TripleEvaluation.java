package klbench.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AliasMethodDiscreteSampler;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Exact and Monte Carlo metrics of many estimators and baselines on one distribution triple.
 *
 * <p>Built once per triple in O(V·E) for E estimators ({@link #prepare}): the per-token
 * coefficients a_e(x), the exact moments, and Walker's alias table for μ (Commons RNG's {@link
 * AliasMethodDiscreteSampler}: O(1) per token after O(V) set-up). The built object is immutable;
 * every random stream ({@link #simulateChunk}) shares it, so chunks may run on any thread.
 *
 * <h2>Exact moments (ESTIMATORS.md, "Metrics")</h2>
 *
 * For a coefficient a(x) of the token alone and x ~ μ, with A = E_μ[a] and d = μ − p:
 * E[ĝ]_j = μ_j a_j − p_j A, and E‖ĝ‖² = Σ_x μ_x a_x² (1 − 2p_x + ‖p‖²). A token-only baseline is
 * a constant shift s of a (none: 0, const(c): c, oracle: −A), computed with one
 * O(V) pass per (estimator, baseline).
 *
 * <h2>Monte Carlo</h2>
 *
 * All estimators and baselines of a batch size see the same tokens (common random numbers). A
 * batch with distinct tokens x and counts c has the gradient ĝ_b = u − αp, u = (1/B) Σ_x a′_x c_x
 * e_x, α = Σ_x u_x, where the shifted coefficient is a′ = κa + s: κ = 1 and s constant for none,
 * const and oracle; κ = B/(B−1), s = −Σ_i a_i/(B−1) for loo (leave-one-out). Then
 * ‖ĝ_b − G‖² needs only five sums over the batch's distinct tokens per estimator (Σac, Σa²c²,
 * Σac², Σacp, ΣacG), each baseline following in O(1): O(B) per batch, no V-long work. The mean
 * batch gradient follows at the end from the token counts (and the loo shifts): see
 * {@link PartialStats}. The five sums are the hot loop; a {@link Kernel} computes them with the
 * estimators as vector lanes, the same bits whichever kernel runs.
 */
public final class TripleEvaluation {
  /** ESTIMATORS.md: a cosine is null where ‖E[ĝ_B]‖ ≤ 1e-12 ‖G‖. */
  static final double ZERO_GRADIENT = 1e-12;
  /** A row is consistent when every |z| ≤ 5. */
  public static final double Z_LIMIT = 5.0;
  /** Above this share of a variance held by tokens rarer than 1/samples, a row gets an mc_note. */
  static final double TAIL_SHARE = 0.1;

  private final Triple t;
  private final List<Estimator> estimators;
  private final List<Baseline> baselines;
  private final int e;
  private final int j;
  private final boolean anyLoo;
  /** expm1(−ℓ(x)), computed once for all k3 estimators; null when none uses it. */
  private final double[] em1;
  /** μ(x)·‖e_x − p‖² = μ(x)(1 − 2p(x) + ‖p‖²): the weight of a(x)² in E‖ĝ‖². */
  private final double[] muKappa;
  /** Per estimator: why it has no numbers (overflow), or null. */
  private final String[] problems;
  private final ValueSums[] exact;
  /** Per [k * J + j] for token-only baselines; null for loo and for estimators with a problem. */
  private final GradientSums[] exactGradient;
  /** Built on first use: exact-only callers never pay for the sampling tables. */
  private volatile SamplingTables sampling;

  /**
   * What the Monte Carlo hot loop reads: Walker's alias table of μ; one row per token of its
   * coefficients [a_1(x), …, a_E(x), 0 …], {@code columns} wide, starting at {@code offset}; and
   * [p_x, G_x] per token, apart from the rows so that a row of 8 columns is exactly two cache lines.
   */
  private record SamplingTables(SharedStateDiscreteSampler alias, double[] rows, int offset, int columns, double[] pg) {
    /**
     * Where rows start: a large array is allocated at the start of a (G1) heap region, its
     * elements 16 bytes further; 6 more doubles put every row of a multiple of 8 columns on
     * 64-byte cache-line boundaries. Only speed depends on it.
     */
    static final int ALIGN = 6;
  }

  // Per-triple constants.
  private final double gg;
  private final double pg;
  private final double gFwdNormSq;

  /** The exact O(V) sums of one estimator: E_μ[a], and the mean and variance of its value. */
  private record ValueSums(double meanCoef, double valueMean, double valueVar) {}

  /**
   * The exact O(V) sums of one estimator under one token-only baseline (coefficient a + s):
   * ‖E[ĝ] − G‖², ‖E[ĝ]‖², E[ĝ]·G, E[ĝ]·G_fwd and E‖ĝ‖². Each baseline gets its own pass rather
   * than a polynomial in s, because ‖E[ĝ]‖ must come out exactly 0 (to rounding) when a + s is
   * constant, and expanding the square in s would leave a cancellation residue far above that.
   */
  private record GradientSums(double biasSq, double meanSq, double meanDotG, double meanDotGFwd, double second) {}

  private TripleEvaluation(Triple t, List<Estimator> estimators, List<Baseline> baselines) {
    this.t = t;
    this.estimators = List.copyOf(estimators);
    this.baselines = List.copyOf(baselines);
    this.e = estimators.size();
    this.j = baselines.size();
    this.anyLoo = baselines.stream().anyMatch(b -> b.kind() == Baseline.Kind.LOO);
    int v = t.size;
    double sgg = 0, spg = 0, sff = 0;
    for (int x = 0; x < v; x++) {
      sgg += t.grad[x] * t.grad[x];
      spg += t.p[x] * t.grad[x];
      sff += t.gradFwd[x] * t.gradFwd[x];
    }
    gg = sgg;
    pg = spg;
    gFwdNormSq = sff;

    boolean anyExpm1 = estimators.stream().anyMatch(x -> x.value().usesExpm1());
    em1 = anyExpm1 ? new double[v] : null;
    if (em1 != null) {
      for (int x = 0; x < v; x++) em1[x] = ValueFunction.em1(t.logRatio[x]);
    }
    muKappa = new double[v];
    for (int x = 0; x < v; x++) muKappa[x] = t.mu[x] * kappa(x);
    problems = new String[e];
    exact = new ValueSums[e];
    exactGradient = new GradientSums[e * j];
    if (t.feasible()) {
      EstimatorColumns columns = new EstimatorColumns(t, em1);
      // The value's mean and variance depend on the value function and its clamps only.
      Map<EstimatorColumns.ValueKey, double[]> valueMoments = new HashMap<>();
      for (int k = 0; k < e; k++) {
        exact[k] = prepareEstimator(k, columns, valueMoments);
        if (exact[k] == null) continue;
        for (int jb = 0; jb < j; jb++) {
          Baseline b = this.baselines.get(jb);
          if (b.tokenOnly()) {
            exactGradient[k * j + jb] = gradientSums(columns.coefficient, exact[k].meanCoef(), constantShift(k, b));
          }
        }
      }
    }
  }

  /**
   * Which Monte Carlo kernel this JVM runs: "vector" (started with the Vector API's module) or
   * "scalar". Both give the same bits; see {@link Kernel}.
   */
  public static String monteCarloKernel() { return Kernel.best().name(); }

  /** Builds every table of the triple for these estimators and baselines (O(V·E)). */
  public static TripleEvaluation prepare(Triple triple, List<Estimator> estimators, List<Baseline> baselines) {
    if (estimators.isEmpty() || baselines.isEmpty()) {
      throw new IllegalArgumentException("at least one estimator and one baseline are needed");
    }
    return new TripleEvaluation(triple, estimators, baselines);
  }

  public Triple triple() { return t; }

  public List<Estimator> estimators() { return estimators; }

  public List<Baseline> baselines() { return baselines; }

  /** 1 − 2p_x + ‖p‖² = ‖e_x − p‖², the squared norm of the score of token x. */
  private double kappa(int x) {
    return 1.0 - 2.0 * t.p[x] + t.pNormSq;
  }

  private double em1(int x) {
    return em1 == null ? 0.0 : em1[x];
  }

  /**
   * Fills the columns of estimator k and returns its exact value sums; null, with the problem
   * recorded, when the estimator overflows.
   */
  private ValueSums prepareEstimator(int k, EstimatorColumns columns, Map<EstimatorColumns.ValueKey, double[]> valueMoments) {
    Estimator est = estimators.get(k);
    int v = t.size;
    columns.fill(est);
    double meanCoef = EstimatorColumns.dot(t.mu, columns.coefficient, v);
    double[] moments = valueMoments.computeIfAbsent(EstimatorColumns.ValueKey.of(est), key -> {
      double valueMean = EstimatorColumns.dot(t.mu, columns.value, v);
      double valueVar = Double.isFinite(valueMean) ? EstimatorColumns.weightedSquares(t.mu, columns.value, valueMean, v) : valueMean;
      return new double[] {valueMean, valueVar};
    });
    if (!Double.isFinite(meanCoef) || !Double.isFinite(moments[0])) {
      String where = columns.overflow(est);
      problems[k] = where != null ? where : "estimator " + est.name() + " overflows in the mean of its coefficient";
      return null;
    }
    if (!Double.isFinite(moments[1])) {
      problems[k] = "estimator " + est.name() + " overflows in the variance of its value";
      return null;
    }
    return new ValueSums(meanCoef, moments[0], moments[1]);
  }

  /** One O(V) pass: the exact gradient sums of coefficients a (mean A under μ) shifted by s. */
  private GradientSums gradientSums(double[] a, double meanA, double s) {
    double meanCoef = meanA + s;
    double biasSq = 0, meanSq = 0, meanDotG = 0, meanDotGFwd = 0, second = 0;
    double[] mu = t.mu;
    double[] p = t.p;
    double[] g = t.grad;
    double[] gf = t.gradFwd;
    double[] mk = muKappa;
    for (int x = 0; x < t.size; x++) {
      double ax = mu[x] == 0.0 ? 0.0 : a[x] + s;
      double m = Math.fma(mu[x], ax, -p[x] * meanCoef);
      double bias = m - g[x];
      biasSq = Math.fma(bias, bias, biasSq);
      meanSq = Math.fma(m, m, meanSq);
      meanDotG = Math.fma(m, g[x], meanDotG);
      meanDotGFwd = Math.fma(m, gf[x], meanDotGFwd);
      second = Math.fma(mk[x] * ax, ax, second);
    }
    return new GradientSums(biasSq, meanSq, meanDotG, meanDotGFwd, second);
  }

  /** a_k(x) for every token (0 where μ(x) = 0). */
  private double[] coefficientColumn(int k) {
    EstimatorColumns columns = new EstimatorColumns(t, em1);
    columns.fill(estimators.get(k));
    return columns.coefficient;
  }

  /** The constant shift s of a token-only baseline for estimator k (a′ = a + s). */
  private double constantShift(int k, Baseline b) {
    return switch (b.kind()) {
      case NONE -> 0.0;
      case CONST -> b.constant();
      case ORACLE -> -exact[k].meanCoef();
      case LOO -> throw new IllegalArgumentException("loo has no constant shift");
    };
  }

  /**
   * E[ĝ] for estimator k under a token-only baseline, as a V-vector: μ_j a′_j − p_j E_μ[a′]. For
   * tests and for people who want to look; the metrics never materialise it.
   */
  public double[] expectedGradient(int k, Baseline b) {
    double s = constantShift(k, b);
    double meanCoef = exact[k].meanCoef() + s;
    double[] column = coefficientColumn(k);
    double[] out = new double[t.size];
    for (int x = 0; x < t.size; x++) {
      double a = t.mu[x] == 0.0 ? 0.0 : column[x] + s;
      out[x] = t.mu[x] * a - t.p[x] * meanCoef;
    }
    return out;
  }

  /** The coefficient a_k(x) used for token x (0 where μ(x) = 0). */
  public double coefficient(int k, int x) {
    return t.mu[x] == 0.0 ? 0.0 : estimators.get(k).coefficientAt(t.logRatio[x], t.importance[x], em1(x));
  }

  // ---------------------------------------------------------------------------------------------
  // Monte Carlo

  /** Chunk {@code chunk} of R = {@code batches} batches of size B, on its own derived stream. */
  public PartialStats simulateChunk(int batchSize, int batches, int chunk, long seed, String tripleKey) {
    return simulate(batchSize, Chunking.batchesIn(batchSize, batches, chunk),
        Streams.forChunk(seed, tripleKey, batchSize, chunk));
  }

  /** {@code batches} batches of size B drawn from μ with {@code rng}. */
  public PartialStats simulate(int batchSize, int batches, UniformRandomProvider rng) {
    return simulate(batchSize, batches, rng, Kernel.best());
  }

  /** The same with a chosen kernel (tests compare them bit for bit). */
  PartialStats simulate(int batchSize, int batches, UniformRandomProvider rng, Kernel kernel) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    if (anyLoo && batchSize < 2) throw new IllegalArgumentException("loo needs a batch size >= 2");
    if ((long) batchSize * batches > Integer.MAX_VALUE) {
      // token counts are ints; a chunk ({@link #simulateChunk}) holds about 2^18 tokens
      throw new IllegalArgumentException("at most 2^31 - 1 tokens in one call, got " + (long) batchSize * batches);
    }
    int bsz = batchSize;
    double[] errMean = new double[e * j];
    double[] errM2 = new double[e * j];
    if (!t.feasible() || batches == 0) {
      return new PartialStats(bsz, e, j, t.feasible() ? 0 : batches, new int[0], new long[0],
          anyLoo ? new double[0] : null, errMean, errM2);
    }
    SamplingTables tables = samplingTables();
    DiscreteSampler draw = tables.alias().withUniformRandomProvider(rng);
    double[] rows = tables.rows();
    double[] pAndG = tables.pg();
    int rowOffset = tables.offset();
    // Per token, in one long so that a draw touches one cache line: the count in the chunk so far
    // (high 32 bits, ≤ the chunk's tokens, far below 2^31) and in the current batch (low 32).
    long[] tally = new long[t.size];
    int[] touched = new int[bsz];
    // loo's per-token shifts, logged per batch and gathered per token at the end of the chunk.
    int columns = tables.columns();
    int expectedEntries = (int) Math.min(1 << 20, Math.min((long) bsz * batches, 64L * t.size));
    LooLog looLog = anyLoo ? new LooLog(e, columns, kernel, Math.min(batches, 1 << 16), expectedEntries) : null;
    double[] shifts = new double[e * j];
    double[] scales = new double[j];
    boolean[] isLoo = new boolean[j];
    for (int jb = 0; jb < j; jb++) {
      Baseline b = baselines.get(jb);
      isLoo[jb] = b.kind() == Baseline.Kind.LOO;
      scales[jb] = isLoo[jb] ? (double) bsz / (bsz - 1) : 1.0;
      for (int k = 0; k < e; k++) {
        shifts[k * j + jb] = b.kind() == Baseline.Kind.LOO || exact[k] == null ? 0.0 : constantShift(k, b);
      }
    }
    double invB = 1.0 / bsz;
    // Per distinct token of the batch: where its row starts, and its weights c, c·p, c·G.
    int[] rowAt = new int[bsz];
    double[] wc = new double[bsz];
    double[] wp = new double[bsz];
    double[] wg = new double[bsz];
    double[] looBatchShift = new double[columns];
    double[] sums = new double[5 * columns];

    for (int batch = 0; batch < batches; batch++) {
      int n = 0;
      for (int i = 0; i < bsz; i++) {
        int x = draw.sample();
        if ((int) tally[x]++ == 0) touched[n++] = x;
      }
      double c2 = 0;
      double cp = 0;
      double cg = 0;
      boolean repeats = false;
      for (int tk = 0; tk < n; tk++) {
        int x = touched[tk];
        long tx = tally[x];
        int c = (int) tx;
        tally[x] = tx - c + ((long) c << 32); // the batch's count moves into the chunk's
        repeats |= c > 1;
        double cd = c;
        rowAt[tk] = rowOffset + x * columns;
        wc[tk] = cd;
        wp[tk] = cd * pAndG[2 * x];
        wg[tk] = cd * pAndG[2 * x + 1];
        c2 += cd * cd;
        cp += wp[tk];
        cg += wg[tk];
      }
      long seen = batch + 1L;
      kernel.batchSums(n, repeats, rows, rowAt, wc, wp, wg, columns, sums);
      for (int k = 0; k < e; k++) {
        double s1 = sums[k];
        double s2 = sums[columns + k];
        double s3 = sums[2 * columns + k];
        double s4 = sums[3 * columns + k];
        double s5 = sums[4 * columns + k];
        looBatchShift[k] = -s1 / (bsz - 1);
        for (int jb = 0; jb < j; jb++) {
          double kap = scales[jb];
          double s = isLoo[jb] ? looBatchShift[k] : shifts[k * j + jb];
          double sumAc = kap * s1 + s * bsz;
          double sumA2c2 = kap * kap * s2 + 2 * kap * s * s3 + s * s * c2;
          double sumAcp = kap * s4 + s * cp;
          double sumAcg = kap * s5 + s * cg;
          double alpha = sumAc * invB;
          double uu = sumA2c2 * invB * invB;
          double up = sumAcp * invB;
          double ug = sumAcg * invB;
          // a squared norm: a negative value is rounding in the expansion (p nearly one-hot)
          double err = Math.max(0.0, uu - 2 * alpha * up - 2 * ug + alpha * alpha * t.pNormSq + 2 * alpha * pg + gg);
          int idx = k * j + jb;
          double delta = err - errMean[idx];
          errMean[idx] += delta / seen;
          errM2[idx] += delta * (err - errMean[idx]);
        }
      }
      if (looLog != null) looLog.addBatch(looBatchShift, touched, wc, n);
    }
    // The chunk's distinct tokens in ascending order, so that merging is a linear sorted merge.
    int nonZero = 0;
    for (int x = 0; x < t.size; x++) if (tally[x] != 0) nonZero++;
    int[] tokens = new int[nonZero];
    long[] counts = new long[nonZero];
    for (int x = 0, i = 0; x < t.size; x++) {
      if (tally[x] == 0) continue;
      tokens[i] = x;
      counts[i] = tally[x] >>> 32;
      i++;
    }
    double[] loo = looLog == null ? null : looLog.rows(tokens, t.size);
    return new PartialStats(bsz, e, j, batches, tokens, counts, loo, errMean, errM2);
  }

  /** The sampling tables, shared by every stream (immutable once built). */
  private SamplingTables samplingTables() {
    SamplingTables st = sampling;
    if (st == null) {
      synchronized (this) {
        st = sampling;
        if (st == null) {
          int width = Kernel.columns(e);
          int offset = SamplingTables.ALIGN;
          double[] rows = new double[offset + t.size * width];
          double[] pg = new double[2 * t.size];
          for (int x = 0; x < t.size; x++) {
            pg[2 * x] = t.p[x];
            pg[2 * x + 1] = t.grad[x];
          }
          EstimatorColumns columns = new EstimatorColumns(t, em1);
          for (int k = 0; k < e; k++) {
            if (exact[k] == null) continue; // an estimator with a problem keeps coefficients 0
            columns.fill(estimators.get(k));
            double[] column = columns.coefficient;
            for (int x = 0; x < t.size; x++) rows[offset + x * width + k] = column[x];
          }
          // The generator given here is never used: each chunk supplies its own stream.
          st = new SamplingTables(AliasMethodDiscreteSampler.of(RandomSource.SPLIT_MIX_64.create(0L), t.mu),
              rows, offset, width, pg);
          sampling = st;
        }
      }
    }
    return st;
  }

  /** Every chunk of R batches of size B in order, merged in chunk order, then {@link #finish}. */
  public List<Metrics> evaluate(int batchSize, int batches, long seed, String tripleKey) {
    PartialStats merged = null;
    int chunks = Chunking.chunkCount(batchSize, batches);
    for (int c = 0; c < chunks; c++) {
      PartialStats part = simulateChunk(batchSize, batches, c, seed, tripleKey);
      merged = merged == null ? part : merged.merge(part);
    }
    if (merged == null) throw new IllegalArgumentException("batches must be >= 1");
    return finish(batchSize, batches, merged);
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics

  /** The metrics of every (estimator, baseline), estimator-major, from the merged statistics. */
  public List<Metrics> finish(int batchSize, int batches, PartialStats merged) {
    if (merged.batches != batches || merged.batchSize != batchSize) {
      throw new IllegalArgumentException("partial statistics hold " + merged.batches + " batches of "
          + merged.batchSize + ", expected " + batches + " of " + batchSize);
    }
    List<Metrics> out = new ArrayList<>(e * j);
    Truth truth = t.truth;
    // The token counts as a dense vector, once for all estimators.
    double[] countsDense = t.feasible() ? new double[t.size] : null;
    if (countsDense != null) {
      for (int i = 0; i < merged.tokens.length; i++) countsDense[merged.tokens[i]] = merged.counts[i];
    }
    double[] looDense = null;
    double samples = (double) batchSize * batches;
    // Contiguous per-estimator columns: the O(V) loops below then stream through memory instead
    // of striding across the token-major sampling rows.
    EstimatorColumns columns = t.feasible() ? new EstimatorColumns(t, em1) : null;
    double[] column = columns == null ? null : columns.coefficient;
    double[] values = columns == null ? null : columns.value;
    for (int k = 0; k < e; k++) {
      boolean ok = t.feasible() && exact[k] != null;
      if (ok) columns.fill(estimators.get(k));
      // What does not depend on the baseline is computed once per estimator.
      ValueMc value = ok ? valueMc(merged, values) : null;
      TailSums tail = ok ? tailSums(k, samples, column, values) : null;
      for (int jb = 0; jb < j; jb++) {
        Baseline b = baselines.get(jb);
        Metrics m = new Metrics(k, b, batchSize, batches);
        out.add(m);
        if (!ok) {
          m.problem = t.feasible() ? problems[k] : t.infeasibleReason;
          continue;
        }
        fillValue(m, k, value, truth);
        if (b.tokenOnly()) fillExactGradient(m, k, jb, batchSize, truth);
        if (b.kind() == Baseline.Kind.LOO && looDense == null) looDense = new double[t.size];
        fillMonteCarloGradient(m, k, jb, b, batchSize, batches, merged, countsDense, looDense, column, truth);
        fillChecks(m, truth);
        // A note explains a disagreement; a consistent row needs none.
        m.mcNote = m.consistent ? null : tail.note(b.tokenOnly() ? constantShift(k, b) : Double.NaN);
      }
    }
    return out;
  }

  /** The Monte Carlo mean and standard deviation of an estimator's value, from the token counts. */
  private record ValueMc(double mean, double sd, long n) {}

  private ValueMc valueMc(PartialStats merged, double[] values) {
    long n = merged.batches * merged.batchSize;
    double sum = 0;
    for (int i = 0; i < merged.tokens.length; i++) sum += merged.counts[i] * values[merged.tokens[i]];
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < merged.tokens.length; i++) {
      double dv = values[merged.tokens[i]] - mean;
      ss += merged.counts[i] * dv * dv;
    }
    return new ValueMc(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0, n);
  }

  private void fillValue(Metrics m, int k, ValueMc mc, Truth truth) {
    ValueSums s = exact[k];
    m.valueMeanExact = s.valueMean();
    m.valueStdExact = Math.sqrt(Math.max(0.0, s.valueVar()));
    m.valueMeanMc = mc.mean();
    m.valueStdMc = mc.sd();
    m.valueMeanSe = mc.sd() / Math.sqrt(mc.n());
    m.valueBias = m.valueMeanExact - truth.kl();
    m.valueRelBias = ratio(m.valueBias, truth.kl());
    m.valueRelStd = ratio(m.valueStdExact, truth.kl());
  }

  private void fillExactGradient(Metrics m, int k, int jb, int batchSize, Truth truth) {
    GradientSums x = exactGradient[k * j + jb];
    double trCov = Math.max(0.0, x.second() - x.meanSq());
    double var = trCov / batchSize;
    double bias = Math.sqrt(Math.max(0.0, x.biasSq()));
    m.gradBiasNormExact = bias;
    m.gradVarExact = var;
    m.gradMseExact = bias * bias + var;
    m.gradCosExact = cosine(x.meanDotG(), x.meanSq(), gg, truth.gradNorm());
    m.gradCosFwdExact = cosine(x.meanDotGFwd(), x.meanSq(), gFwdNormSq, truth.gradNorm());
  }

  private void fillMonteCarloGradient(Metrics m, int k, int jb, Baseline b, int batchSize, int batches,
      PartialStats merged, double[] counts, double[] looDense, double[] column, Truth truth) {
    boolean loo = b.kind() == Baseline.Kind.LOO;
    double kap = loo ? (double) batchSize / (batchSize - 1) : 1.0;
    double s = loo ? 0.0 : constantShift(k, b);
    if (loo) {
      Arrays.fill(looDense, 0.0);
      for (int i = 0; i < merged.tokens.length; i++) looDense[merged.tokens[i]] = merged.looShift[i * e + k];
    }
    // v = (1/R) Σ_b u_b, the sparse part of the mean batch gradient ḡ = v − ᾱ p.
    double scale = 1.0 / ((double) batchSize * batches);
    double alphaBar = 0;
    for (int i = 0; i < merged.tokens.length; i++) {
      int x = merged.tokens[i];
      alphaBar += (kap * column[x] * counts[x] + (loo ? looDense[x] : s * counts[x])) * scale;
    }
    double errSq = 0, meanSq = 0, meanDotG = 0, meanDotGFwd = 0;
    for (int x = 0; x < t.size; x++) {
      double vx = counts[x] == 0 ? 0.0
          : (kap * column[x] * counts[x] + (loo ? looDense[x] : s * counts[x])) * scale;
      double gbar = vx - alphaBar * t.p[x];
      double diff = gbar - t.grad[x];
      errSq += diff * diff;
      meanSq += gbar * gbar;
      meanDotG += gbar * t.grad[x];
      meanDotGFwd += gbar * t.gradFwd[x];
    }
    int idx = k * j + jb;
    double mseMean = merged.errMean[idx];
    m.gradMseMc = mseMean;
    if (batches > 1) {
      m.gradMseSe = Math.sqrt(merged.errM2[idx] / (batches - 1) / batches);
      double var = Math.max(0.0, (batches * mseMean - batches * errSq) / (batches - 1));
      m.gradVarMc = var;
      m.gradBiasNormMc = Math.sqrt(Math.max(0.0, errSq - var / batches));
    }
    m.gradCosMc = cosine(meanDotG, meanSq, gg, truth.gradNorm());
    m.gradCosFwdMc = cosine(meanDotGFwd, meanSq, gFwdNormSq, truth.gradNorm());
    double g = truth.gradNorm();
    Double biasForRel = m.gradBiasNormExact != null ? m.gradBiasNormExact : m.gradBiasNormMc;
    Double mseForRel = m.gradMseExact != null ? m.gradMseExact : m.gradMseMc;
    m.gradRelBias = biasForRel == null ? null : ratio(biasForRel, g);
    m.gradRelRmse = mseForRel == null ? null : ratio(Math.sqrt(mseForRel), g);
  }

  /**
   * How much of the exact variances sits on tokens with μ(x)·samples &lt; 1, which a run of that
   * many samples almost never draws: for the value, and for E‖ĝ‖² = Σ μ (a + s)² κ as a quadratic
   * in the baseline shift s (sums over all tokens and over the rare ones).
   */
  private record TailSums(double valueAll, double valueRare, double[] all, double[] rare) {
    /** A note when either share exceeds {@link #TAIL_SHARE}; s is NaN for loo (no exact gradient). */
    String note(double s) {
      double valueShare = valueAll > 0 ? valueRare / valueAll : 0.0;
      double gradShare = 0.0;
      if (!Double.isNaN(s)) {
        double a = all[0] + 2 * s * all[1] + s * s * all[2];
        double r = rare[0] + 2 * s * rare[1] + s * s * rare[2];
        gradShare = a > 0 ? Math.max(0.0, Math.min(1.0, r / a)) : 0.0;
      }
      if (valueShare <= TAIL_SHARE && gradShare <= TAIL_SHARE) return null;
      return String.format(java.util.Locale.ROOT,
          "heavy tail: %.0f%% of the exact value variance and %.0f%% of the exact gradient second moment come"
              + " from tokens with mu(x)*samples < 1, which this run almost never draws", 100 * valueShare, 100 * gradShare);
    }
  }

  private TailSums tailSums(int k, double samples, double[] column, double[] values) {
    double valueMean = exact[k].valueMean();
    double valueAll = 0, valueRare = 0;
    double[] all = new double[3];
    double[] rare = new double[3];
    for (int x = 0; x < t.size; x++) {
      double mu = t.mu[x];
      if (mu == 0.0) continue;
      double dv = values[x] - valueMean;
      double a = column[x];
      double w = muKappa[x];
      double v = mu * dv * dv;
      valueAll += v;
      all[0] += w * a * a;
      all[1] += w * a;
      all[2] += w;
      if (mu * samples < 1.0) {
        valueRare += v;
        rare[0] += w * a * a;
        rare[1] += w * a;
        rare[2] += w;
      }
    }
    return new TailSums(valueAll, valueRare, all, rare);
  }

  private static void fillChecks(Metrics m, Truth truth) {
    m.valueZ = zScore(m.valueMeanMc, m.valueMeanExact, m.valueMeanSe);
    m.gradMseZ = m.gradMseExact == null ? null : zScore(m.gradMseMc, m.gradMseExact, m.gradMseSe);
    m.consistent = (m.valueZ == null || Math.abs(m.valueZ) <= Z_LIMIT)
        && (m.gradMseZ == null || Math.abs(m.gradMseZ) <= Z_LIMIT);
  }

  /**
   * (mc − exact)/se; with a standard error at rounding level (a constant estimate) 0 when the two
   * agree to a relative 1e-9, else ±∞: never NaN.
   */
  static Double zScore(Double mc, Double exact, Double se) {
    if (mc == null || exact == null || se == null) return null;
    double diff = mc - exact;
    // A standard error at rounding level of the estimate means it is a constant: compare to rounding.
    if (se > 1e-12 * Math.abs(mc)) return diff / se;
    double scale = Math.max(Math.abs(mc), Math.abs(exact));
    return Math.abs(diff) <= 1e-9 * scale ? 0.0 : Math.copySign(Double.POSITIVE_INFINITY, diff);
  }

  /** cos(m, g) from m·g, ‖m‖² and ‖g‖²; null where ‖m‖ ≤ 1e-12 ‖G‖ or the target is 0. */
  private static Double cosine(double dot, double meanSq, double targetSq, double gradNorm) {
    double norm = Math.sqrt(Math.max(0.0, meanSq));
    if (targetSq <= 0 || gradNorm <= 0 || norm <= ZERO_GRADIENT * gradNorm) return null;
    double c = dot / (norm * Math.sqrt(targetSq));
    return Math.max(-1.0, Math.min(1.0, c));
  }

  /** a/b, or null when b is 0 (a relative error of a zero truth does not exist). */
  private static Double ratio(double a, double b) {
    return b == 0.0 || !Double.isFinite(b) ? null : a / b;
  }
}
