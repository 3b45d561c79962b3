package klbench.distributions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import klbench.core.LogSpace;
import klbench.core.Streams;
import klbench.core.Triple;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DistributionsTest {
  static final long SEED = 20261126L;
  static final FamilySpec GAUSSIAN = Families.spec("gaussian", "sigma", 1.0);
  static final FamilySpec ON_POLICY = Families.spec("on_policy");

  static Triple build(int v, FamilySpec p, FamilySpec q, FamilySpec mu) {
    return Distributions.build(new TripleSpec(v, p, q, mu), SEED);
  }

  static Stream<Arguments> referenceTargets() {
    return Stream.of(2, 50, 4096).flatMap(v -> Stream.of(1e-6, 1e-4, 1e-2, 0.1, 1.0, 5.0).map(kl -> Arguments.of(v, kl)));
  }

  @ParameterizedTest(name = "V={0} kl={1}")
  @MethodSource("referenceTargets")
  void referenceTargetKlIsMetToRelative1e9(int v, double kl) {
    Triple t = build(v, GAUSSIAN, Families.spec("target_kl", "kl", kl), ON_POLICY);
    double got = LogSpace.kl(t.logP(), t.logQ());
    assertEquals(kl, got, 1e-9 * kl);
    assertEquals(kl, t.truth().kl(), 1e-9 * kl, "the triple's own KL agrees");
    assertTrue(t.feasible());
  }

  static Stream<Arguments> behaviourTargets() {
    return Stream.of(2, 50, 4096).flatMap(v -> Stream.of(1e-6, 1e-3, 0.5, 0.9).map(f -> Arguments.of(v, f)));
  }

  /** kl given as a fraction of the reachable limit when ≥ 0.5, else absolute. */
  @ParameterizedTest(name = "V={0} kl={1}")
  @MethodSource("behaviourTargets")
  void behaviourTargetKlIsMetToRelative1e9(int v, double k) {
    double limit = behaviourLimit(GAUSSIAN, v);
    double kl = k >= 0.5 ? k * limit : k;
    assertTrue(kl < limit);
    Triple t = build(v, GAUSSIAN, Families.spec("temperature", "tau", 2.0), Families.spec("target_kl", "kl", kl));
    assertEquals(kl, LogSpace.kl(t.logMu(), t.logP()), 1e-9 * kl);
    assertEquals(kl, t.truth().klBehaviour(), 1e-9 * kl);
    assertFalse(t.onPolicy());
  }

  @Test
  void behaviourTargetBeyondItsLimitIsRefused() {
    double limit = behaviourLimit(GAUSSIAN, 16);
    assertTrue(limit > 0.5 && limit < 10, "limit " + limit);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> build(16, GAUSSIAN, ON_POLICY_REF, Families.spec("target_kl", "kl", limit * 1.01)));
    assertTrue(e.getMessage().contains("out of reach"), e.getMessage());
  }

  static final FamilySpec ON_POLICY_REF = Families.spec("temperature", "tau", 1.0);

  /** The sup of KL(μ_δ‖p) along the behaviour direction of {@code policy} at V = v. */
  static double behaviourLimit(FamilySpec policy, int v) {
    double[] logP = Distributions.policyLogProbs(policy, v, SEED, FileVectors.empty());
    return TargetKl.behaviourLimit(Distributions.input(Role.BEHAVIOUR, Families.spec("target_kl", "kl", 1.0), policy, v, logP, SEED,
        FileVectors.empty()));
  }

  @Test
  void klLevelsLieOnOnePath() {
    // q_δ = softmax(log p + δ ε): log q − log p = δ ε − A(δ), so differences between tokens scale by δ alone
    int v = 64;
    double[] a = diff(build(v, GAUSSIAN, Families.spec("target_kl", "kl", 0.01), ON_POLICY));
    double[] b = diff(build(v, GAUSSIAN, Families.spec("target_kl", "kl", 1.0), ON_POLICY));
    double[] c = diff(build(v, GAUSSIAN, Families.spec("perturb", "delta", 0.7), ON_POLICY));
    assertProportional(a, b);
    assertProportional(a, c);
    double ratio = c[5] / a[5]; // perturb's δ over target_kl 0.01's δ
    assertTrue(ratio > 1, "a larger δ for delta=0.7 than for kl=0.01: " + ratio);
  }

  @Test
  void behaviourDirectionIsNotTheReferenceDirection() {
    int v = 64;
    Triple t = build(v, GAUSSIAN, Families.spec("perturb", "delta", 0.5), Families.spec("perturb", "delta", 0.5));
    double[] q = new double[v];
    double[] mu = new double[v];
    for (int j = 0; j < v; j++) {
      q[j] = t.logQ()[j] - t.logP()[j];
      mu[j] = t.logMu()[j] - t.logP()[j];
    }
    assertFalse(Arrays.equals(t.logQ(), t.logMu()));
    assertTrue(Math.abs(correlation(q, mu)) < 0.5, "independent directions correlate weakly: " + correlation(q, mu));
    // and the behaviour's direction is the same for every behaviour δ
    Triple u = build(v, GAUSSIAN, Families.spec("perturb", "delta", 0.5), Families.spec("target_kl", "kl", 0.05));
    assertProportional(diffMu(t), diffMu(u));
  }

  @Test
  void gaussianPolicyIsSigmaTimesItsOwnStream() {
    int v = 32;
    double sigma = 1.7;
    FamilySpec f = Families.spec("gaussian", "sigma", sigma);
    ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(
        Streams.derive(SEED, "policy|gaussian(sigma=1.7)|V=32", 0));
    double[] theta = new double[v];
    for (int j = 0; j < v; j++) theta[j] = sigma * z.sample();
    assertArrayEquals(LogSpace.logSoftmax(theta), Distributions.policyLogProbs(f, v, SEED, FileVectors.empty()));
  }

  /** The stream keys random draws come from: config_ids and rows depend on them, so they never change. */
  @Test
  void drawsComeFromStreamsNamedByRoleFamilyAndV() {
    int v = 32;
    double[] logP = LogSpace.logSoftmax(scaled(1.0, normals("policy|gaussian(sigma=1.0)|V=32", v)));
    Triple t = build(v, GAUSSIAN, Families.spec("perturb", "delta", 0.5), Families.spec("gaussian", "sigma", 2.0));
    assertArrayEquals(logP, t.logP());
    double[] eps = normals("reference-direction|gaussian(sigma=1.0)|V=32", v);
    double[] theta = new double[v];
    for (int j = 0; j < v; j++) theta[j] = logP[j] + 0.5 * eps[j];
    assertArrayEquals(LogSpace.logSoftmax(theta), t.logQ());
    assertArrayEquals(LogSpace.logSoftmax(scaled(2.0, normals("behaviour|gaussian(sigma=2.0)|V=32", v))), t.logMu());
    Triple u = build(v, GAUSSIAN, ON_POLICY_REF, Families.spec("perturb", "delta", 0.25));
    double[] behaviourEps = normals("behaviour-direction|gaussian(sigma=1.0)|V=32", v);
    for (int j = 0; j < v; j++) theta[j] = logP[j] + 0.25 * behaviourEps[j];
    assertArrayEquals(LogSpace.logSoftmax(theta), u.logMu());
  }

  static double[] normals(String key, int v) {
    ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(Streams.derive(SEED, key, 0));
    double[] out = new double[v];
    for (int j = 0; j < v; j++) out[j] = z.sample();
    return out;
  }

  static double[] scaled(double c, double[] x) {
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) out[j] = c * x[j];
    return out;
  }

  @Test
  void deltaSolverSolvesAnyIncreasingFunction() {
    assertEquals(2.0, DeltaSolver.solve(d -> d * d * d, 8.0, 0.1, "cube"), 2.0 * 1e-13);
    assertEquals(Math.log1p(3.0), DeltaSolver.solve(Math::expm1, 3.0, 100.0, "expm1"), Math.log1p(3.0) * 1e-13);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeltaSolver.solve(d -> 1 - Math.exp(-d), 2.0, 1.0, "bounded"));
    assertTrue(e.getMessage().startsWith("bounded cannot reach 2.0"), e.getMessage());
  }

  @Test
  void referenceFromAPolicyFamilyIsDrawnIndependently() {
    int v = 100;
    Triple t = build(v, GAUSSIAN, GAUSSIAN, GAUSSIAN);
    assertFalse(Arrays.equals(t.logP(), t.logQ()), "q is not a copy of p");
    assertFalse(Arrays.equals(t.logP(), t.logMu()));
    assertFalse(Arrays.equals(t.logQ(), t.logMu()));
    assertTrue(Math.abs(correlation(t.logP(), t.logQ())) < 0.4, "correlation " + correlation(t.logP(), t.logQ()));
    assertTrue(t.truth().kl() > 0.1);
  }

  @Test
  void sameSeedGivesBitIdenticalArraysWhateverTheOrder() {
    TripleSpec a = new TripleSpec(257, GAUSSIAN, Families.spec("target_kl", "kl", 0.3), Families.spec("target_kl", "kl", 0.02));
    TripleSpec b = new TripleSpec(257, Families.spec("zipf", "exponent", 1.0), GAUSSIAN, Families.spec("perturb", "delta", 0.2));
    Triple a1 = Distributions.build(a, SEED);
    Triple b1 = Distributions.build(b, SEED);
    Triple b2 = Distributions.build(b, SEED);
    Triple a2 = Distributions.build(a, SEED);
    assertBitIdentical(a1, a2);
    assertBitIdentical(b1, b2);
    Triple other = Distributions.build(a, SEED + 1);
    assertFalse(Arrays.equals(a1.logP(), other.logP()), "another seed, another policy");
  }

  @Test
  void temperatureIsSoftmaxOfLogitsOverTau() {
    // zipf θ_j = −s ln(j+1): softmax(θ/τ)_j = (j+1)^(−s/τ) / Σ
    int v = 40;
    double s = 1.2;
    double tau = 0.6;
    Triple t = build(v, Families.spec("zipf", "exponent", s), Families.spec("temperature", "tau", tau),
        Families.spec("temperature", "tau", 3.0));
    assertClose(normalisedLog(j -> Math.pow(j + 1, -s / tau), v), t.logQ(), 1e-12);
    assertClose(normalisedLog(j -> Math.pow(j + 1, -s / 3.0), v), t.logMu(), 1e-12);
  }

  @Test
  void zipfIsAPowerLaw() {
    int v = 1000;
    double s = 1.1;
    double[] logP = Distributions.policyLogProbs(Families.spec("zipf", "exponent", s), v, SEED, FileVectors.empty());
    assertClose(normalisedLog(j -> Math.pow(j + 1, -s), v), logP, 1e-12);
    double[] flat = Distributions.policyLogProbs(Families.spec("zipf", "exponent", 0.0), v, SEED, FileVectors.empty());
    assertClose(normalisedLog(j -> 1.0, v), flat, 1e-14);
  }

  @Test
  void normalGridIsADiscretisedGaussian() {
    int v = 21;
    double mean = 0.5;
    double std = 0.8;
    double lo = -2;
    double hi = 3;
    FamilySpec f = Families.spec("normal_grid", "mean", mean, "std", std, "lo", lo, "hi", hi);
    double[] logP = Distributions.policyLogProbs(f, v, SEED, FileVectors.empty());
    double[] expected = normalisedLog(j -> {
      double x = lo + (hi - lo) * j / (v - 1.0);
      return Math.exp(-(x - mean) * (x - mean) / (2 * std * std));
    }, v);
    assertClose(expected, logP, 1e-12);
    int mode = 0;
    for (int j = 1; j < v; j++) if (logP[j] > logP[mode]) mode = j;
    assertEquals(10, mode, "x_10 = 0.5 = mean");
  }

  @Test
  void uniformIsFlat() {
    double[] logP = Distributions.policyLogProbs(Families.spec("uniform"), 7, SEED, FileVectors.empty());
    for (double l : logP) assertEquals(-Math.log(7), l, 1e-15);
  }

  @Test
  void probsAreNormalisedAndZerosMakeAnInfeasibleReference() {
    FamilySpec probs = Families.spec("probs", "values", java.util.List.of(2.0, 1.0, 1.0, 0.0));
    double[] logP = Distributions.policyLogProbs(probs, 4, SEED, FileVectors.empty());
    assertClose(new double[] {Math.log(0.5), Math.log(0.25), Math.log(0.25), Double.NEGATIVE_INFINITY}, logP, 1e-15);
    Triple t = build(4, Families.spec("uniform"), probs, ON_POLICY);
    assertFalse(t.feasible());
    assertTrue(t.infeasibleReason().startsWith("reference q(x)=0"), t.infeasibleReason());
    // zeros in p are fine when q and μ agree
    Triple ok = build(4, probs, Families.spec("target_kl", "kl", 0.05), ON_POLICY);
    assertTrue(ok.feasible(), ok.infeasibleReason());
    assertEquals(Double.NEGATIVE_INFINITY, ok.logQ()[3]);
    assertEquals(0.05, ok.truth().kl(), 0.05e-9);
  }

  @Test
  void fileFamiliesNeedTheirGridsVectors() {
    FamilySpec file = Families.spec("file", "path", "p.csv", "column", "logit", "kind", "logits", "sha256", "0123456789abcdef");
    TripleSpec spec = new TripleSpec(3, file, GAUSSIAN, ON_POLICY);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Distributions.build(spec, SEED));
    assertTrue(e.getMessage().contains("Grid.files()"), e.getMessage());
    FileVectors files = FileVectors.builder().put("0123456789abcdef", "logit", new double[] {1, 2, 3}).build();
    Triple t = Distributions.build(spec, SEED, files);
    assertClose(LogSpace.logSoftmax(new double[] {1, 2, 3}), t.logP(), 0);
  }

  // ---- helpers

  static double[] diff(Triple t) {
    double[] d = new double[t.vocabSize()];
    for (int j = 0; j < d.length; j++) d[j] = t.logQ()[j] - t.logP()[j];
    return d;
  }

  static double[] diffMu(Triple t) {
    double[] d = new double[t.vocabSize()];
    for (int j = 0; j < d.length; j++) d[j] = t.logMu()[j] - t.logP()[j];
    return d;
  }

  /** a_j − a_0 and b_j − b_0 proportional across tokens (an affine relation between a and b). */
  static void assertProportional(double[] a, double[] b) {
    double ratio = (b[1] - b[0]) / (a[1] - a[0]);
    for (int j = 2; j < a.length; j++) {
      assertEquals(ratio, (b[j] - b[0]) / (a[j] - a[0]), 1e-6 * Math.abs(ratio), "token " + j);
    }
  }

  static double correlation(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  static double[] normalisedLog(java.util.function.IntToDoubleFunction weight, int v) {
    double[] w = new double[v];
    double sum = 0;
    for (int j = 0; j < v; j++) sum += (w[j] = weight.applyAsDouble(j));
    double[] out = new double[v];
    for (int j = 0; j < v; j++) out[j] = Math.log(w[j] / sum);
    return out;
  }

  static void assertClose(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int j = 0; j < expected.length; j++) {
      if (expected[j] == Double.NEGATIVE_INFINITY) assertEquals(expected[j], actual[j], "token " + j);
      else assertEquals(expected[j], actual[j], tol, "token " + j);
    }
  }

  static void assertBitIdentical(Triple x, Triple y) {
    assertArrayEquals(x.logP(), y.logP());
    assertArrayEquals(x.logQ(), y.logQ());
    assertNotNull(x.logMu());
    assertArrayEquals(x.logMu(), y.logMu());
    for (int j = 0; j < x.vocabSize(); j++) {
      assertEquals(Double.doubleToRawLongBits(x.logQ()[j]), Double.doubleToRawLongBits(y.logQ()[j]));
      assertEquals(Double.doubleToRawLongBits(x.logMu()[j]), Double.doubleToRawLongBits(y.logMu()[j]));
    }
  }
}
