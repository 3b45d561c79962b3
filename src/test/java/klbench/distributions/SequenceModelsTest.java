package klbench.distributions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import klbench.core.Contexts;
import klbench.core.LogSpace;
import klbench.core.Occupancy;
import klbench.core.SequenceModel;
import klbench.core.Triple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models of responses built row by row (SEQUENCES.md, "Families per row"): per-row streams, row
 * (1, 0) as the single-token triple, spread, and target_kl's one global δ, checked against KLs
 * computed here by enumerating every response ({@link Responses}) or, on a larger model, by the
 * core's occupancy pass over the model's own rows.
 */
class SequenceModelsTest {
  static final long SEED = 20261126L;
  static final FamilySpec GAUSSIAN = Families.spec("gaussian", "sigma", 1.0);
  static final FamilySpec ON_POLICY = Families.spec("on_policy");
  static final FamilySpec UNIFORM = Families.spec("uniform");

  static SequenceModel model(TripleSpec spec, long seed) {
    return Distributions.model(spec, seed, FileVectors.empty());
  }

  static Triple row(SequenceModel m, int t, int c) {
    return m.position(t)[c];
  }

  // ---- single tokens ---------------------------------------------------------------------------

  /**
   * SHA-256 (first 128 bits) of log p, log q and log μ of triples built by the code before
   * sequences (commit cb5b7a6, Distributions.build of a TripleSpec): the single-token streams and
   * the single-token target_kl solve, which the model's row (1, 0) must reproduce bit for bit.
   */
  @Test
  void singleTokenTriplesAreTheBitsTheyWereBeforeSequences() throws Exception {
    assertEquals("059558eb0090dfeca255a37f66428d5f", sha(Distributions.build(new TripleSpec(16, GAUSSIAN,
        Families.spec("target_kl", "kl", 0.1), Families.spec("target_kl", "kl", 0.05)), SEED)));
    assertEquals("ce3c49805f50373972956b6c266929e5", sha(Distributions.build(new TripleSpec(1024, GAUSSIAN,
        Families.spec("target_kl", "kl", 0.001), Families.spec("perturb", "delta", 0.3)), SEED)));
    assertEquals("560bf8b3afc8d8bc5e29aa2a9b76a593", sha(Distributions.build(new TripleSpec(64, Families.spec("zipf", "exponent", 1.1),
        Families.spec("gaussian", "sigma", 2.0), Families.spec("target_kl", "kl", 0.5)), SEED)));
  }

  static String sha(Triple t) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (double[] a : new double[][] {t.logP(), t.logQ(), t.onPolicy() ? null : t.logMu()}) {
      if (a == null) continue;
      ByteBuffer b = ByteBuffer.allocate(8 * a.length);
      for (double x : a) b.putLong(Double.doubleToRawLongBits(x));
      md.update(b.array());
    }
    StringBuilder s = new StringBuilder();
    for (byte x : md.digest()) s.append(String.format("%02x", x));
    return s.substring(0, 32);
  }

  @Test
  void aModelOfHorizonOneIsTheSingleTokenTriple() {
    TripleSpec single = new TripleSpec(16, GAUSSIAN, Families.spec("target_kl", "kl", 0.1), Families.spec("target_kl", "kl", 0.05));
    SequenceModel m = model(single, SEED);
    assertEquals(1, m.rowCount());
    assertBitIdentical(Distributions.build(single, SEED), row(m, 1, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Distributions.build(
        new TripleSpec(16, GAUSSIAN, UNIFORM, ON_POLICY, 2, Contexts.ONE), SEED));
    assertTrue(e.getMessage().contains("build its model"), e.getMessage());
  }

  /** Row (1, 0) of a longer model draws the single-token streams: with no model-wide solve it is the single-token triple. */
  @Test
  void rowOneZeroOfALongerModelIsTheSingleTokenTriple() {
    List<FamilySpec[]> triples = List.of(
        new FamilySpec[] {GAUSSIAN, Families.spec("perturb", "delta", 0.4), Families.spec("gaussian", "sigma", 2.0)},
        new FamilySpec[] {Families.spec("zipf", "exponent", 1.0), Families.spec("temperature", "tau", 2.0), Families.spec("perturb", "delta", 0.3)},
        new FamilySpec[] {GAUSSIAN, Families.spec("gaussian", "sigma", 0.5), ON_POLICY});
    int checked = 0;
    for (FamilySpec[] f : triples) {
      Triple single = Distributions.build(new TripleSpec(7, f[0], f[1], f[2]), SEED);
      for (Contexts n : List.of(Contexts.ONE, new Contexts(3), Contexts.tree())) {
        SequenceModel m = model(new TripleSpec(7, f[0], f[1], f[2], 3, n), SEED);
        assertBitIdentical(single, row(m, 1, 0));
        checked++;
      }
    }
    assertEquals(9, checked);
  }

  // ---- per-row streams -------------------------------------------------------------------------

  /** Every row (t, c) ≠ (1, 0) draws from the single-token stream name followed by |t=…|c=…. */
  @Test
  void everyRowDrawsFromItsOwnStreams() {
    int v = 5;
    double delta = 0.4;
    TripleSpec spec = new TripleSpec(v, GAUSSIAN, Families.spec("perturb", "delta", delta), Families.spec("gaussian", "sigma", 2.0),
        3, new Contexts(2));
    SequenceModel m = model(spec, SEED);
    assertEquals(1 + 2 + 2, m.rowCount());
    Set<List<Double>> policies = new HashSet<>();
    int rows = 0;
    for (int t = 1; t <= 3; t++) {
      for (int c = 0; c < m.rowsAt(t); c++) {
        String suffix = t == 1 && c == 0 ? "" : "|t=" + t + "|c=" + c;
        Triple r = row(m, t, c);
        double[] logP = LogSpace.logSoftmax(normals("policy|gaussian(sigma=1.0)|V=5" + suffix, v));
        assertArrayEquals(logP, r.logP());
        double[] eps = normals("reference-direction|gaussian(sigma=1.0)|V=5" + suffix, v);
        double[] theta = new double[v];
        for (int j = 0; j < v; j++) theta[j] = logP[j] + delta * eps[j];
        assertArrayEquals(LogSpace.logSoftmax(theta), r.logQ());
        assertArrayEquals(LogSpace.logSoftmax(scaled(2.0, normals("behaviour|gaussian(sigma=2.0)|V=5" + suffix, v))), r.logMu());
        policies.add(boxed(r.logP()));
        rows++;
      }
    }
    assertEquals(5, rows);
    assertEquals(5, policies.size(), "every row has a policy of its own");
  }

  @Test
  void rowsAreTheSameBitsHoweverOftenAndInWhateverOrderTheyAreBuilt() {
    TripleSpec spec = new TripleSpec(4, GAUSSIAN, Families.spec("target_kl", "kl", 0.05, "spread", 1.0),
        Families.spec("target_kl", "kl", 0.02), 3, Contexts.tree());
    SequenceModel.RowSource a = Distributions.rows(spec, SEED, FileVectors.empty());
    SequenceModel.RowSource b = Distributions.rows(spec, SEED, FileVectors.empty());
    List<int[]> order = new ArrayList<>();
    for (int t = 1; t <= 3; t++) for (int c = 0; c < Math.pow(4, t - 1); c++) order.add(new int[] {t, c});
    List<Triple> forward = new ArrayList<>();
    for (int[] tc : order) forward.add(a.row(tc[0], tc[1]));
    for (int i = order.size() - 1; i >= 0; i--) assertBitIdentical(forward.get(i), b.row(order.get(i)[0], order.get(i)[1]));
    for (int i = 0; i < order.size(); i++) assertBitIdentical(forward.get(i), a.row(order.get(i)[0], order.get(i)[1]));
    assertEquals(21, order.size());
    // a model kept in memory and one rebuilt at every pass hold the same rows
    SequenceModel kept = SequenceModel.of(4, 3, Contexts.tree(), a);
    SequenceModel rebuilt = SequenceModel.rebuilt(4, 3, Contexts.tree(), b);
    assertTrue(kept.kept() && !rebuilt.kept());
    for (int t = 1; t <= 3; t++) {
      for (int c = 0; c < kept.rowsAt(t); c++) assertBitIdentical(row(kept, t, c), row(rebuilt, t, c));
    }
    // another seed, other rows
    assertFalse(java.util.Arrays.equals(forward.get(3).logP(), Distributions.rows(spec, SEED + 1, FileVectors.empty()).row(2, 2).logP()));
  }

  @Test
  void spreadScalesEachRowsStepByItsOwnLogNormalFactor() {
    int v = 6;
    double delta = 0.5;
    double spread = 0.8;
    TripleSpec spec = new TripleSpec(v, GAUSSIAN, Families.spec("perturb", "delta", delta, "spread", spread), ON_POLICY, 2, Contexts.tree());
    SequenceModel m = model(spec, SEED);
    Set<Double> factors = new HashSet<>();
    for (int t = 1; t <= 2; t++) {
      for (int c = 0; c < m.rowsAt(t); c++) {
        String suffix = t == 1 && c == 0 ? "" : "|t=" + t + "|c=" + c;
        Triple r = row(m, t, c);
        double z = normals("reference-spread|gaussian(sigma=1.0)|V=6" + suffix, 1)[0];
        double factor = Math.exp(spread * z - spread * spread / 2);
        double[] eps = normals("reference-direction|gaussian(sigma=1.0)|V=6" + suffix, v);
        double[] theta = new double[v];
        for (int j = 0; j < v; j++) theta[j] = r.logP()[j] + delta * factor * eps[j];
        assertArrayEquals(LogSpace.logSoftmax(theta), r.logQ(), 1e-15);
        factors.add(factor);
      }
    }
    assertEquals(7, factors.size(), "every row its own factor");
    // the factor has mean exp(spread²/2 − spread²/2) = 1: over many rows, within 4 standard errors
    int n = 20000;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      double f = PerturbationPath.scale(new StreamId(SEED, "spread-mean|" + i), spread);
      sum += f;
      sumSq += f * f;
    }
    double mean = sum / n;
    double se = Math.sqrt((sumSq / n - mean * mean) / n);
    assertEquals(1.0, mean, 4 * se);
    assertEquals(1.0, PerturbationPath.scale(new StreamId(SEED, "anything"), 0.0), 0.0, "no spread, factor exactly 1");
  }

  @Test
  void aSingleTokenFileIsCopiedToEveryRow() {
    FamilySpec file = Families.spec("file", "path", "p.csv", "column", "logit", "kind", "logits", "sha256", "0123456789abcdef");
    FileVectors files = FileVectors.builder().put("0123456789abcdef", "logit", new double[] {1, 2, 3}).build();
    SequenceModel m = Distributions.model(new TripleSpec(3, file, GAUSSIAN, ON_POLICY, 3, new Contexts(2)), SEED, files);
    int rows = 0;
    for (int t = 1; t <= 3; t++) {
      for (Triple r : m.position(t)) {
        assertArrayEquals(LogSpace.logSoftmax(new double[] {1, 2, 3}), r.logP());
        rows++;
      }
    }
    assertEquals(5, rows);
  }

  // ---- target_kl: one global δ -----------------------------------------------------------------

  static Stream<Arguments> referenceModels() {
    return Stream.of(
        Arguments.of(3, 3, Contexts.tree(), 0.0, 0.1),
        Arguments.of(3, 3, new Contexts(2), 1.0, 0.1),
        Arguments.of(2, 5, Contexts.tree(), 0.5, 0.01),
        Arguments.of(4, 2, Contexts.ONE, 0.0, 1.0),
        Arguments.of(5, 3, new Contexts(4), 2.0, 1e-4));
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2} spread={3} kl={4}")
  @MethodSource("referenceModels")
  void referenceTargetKlMakesKlOfResponsesTTimesKl(int v, int horizon, Contexts n, double spread, double kl) {
    FamilySpec target = spread == 0 ? Families.spec("target_kl", "kl", kl) : Families.spec("target_kl", "kl", kl, "spread", spread);
    SequenceModel m = model(new TripleSpec(v, GAUSSIAN, target, ON_POLICY, horizon, n), SEED);
    double got = Responses.kl(v, horizon, n.count(), (t, c) -> row(m, t, c).logP(), (t, c) -> row(m, t, c).logQ());
    assertEquals(horizon * kl, got, 1e-9 * horizon * kl);
  }

  /** A model of 8 positions and 8 contexts (57 rows of 64 tokens): KL(P‖Q) by the core's occupancy pass. */
  @Test
  void referenceTargetKlOnALargerModelByOccupancies() {
    int v = 64;
    int horizon = 8;
    Contexts n = new Contexts(8);
    double kl = 0.02;
    SequenceModel m = model(new TripleSpec(v, GAUSSIAN, Families.spec("target_kl", "kl", kl, "spread", 0.5), ON_POLICY, horizon, n), SEED);
    assertEquals(57, m.rowCount());
    double got = Occupancy.expected(v, horizon, n, (t, c) -> LogSpace.exp(row(m, t, c).logP()),
        (t, c, p) -> LogSpace.kl(row(m, t, c).logP(), row(m, t, c).logQ()));
    assertEquals(horizon * kl, got, 1e-9 * horizon * kl);
    // rows differ in closeness: their KLs spread
    double min = Double.MAX_VALUE;
    double max = 0;
    for (int t = 1; t <= horizon; t++) {
      for (Triple r : m.position(t)) {
        double k = LogSpace.kl(r.logP(), r.logQ());
        min = Math.min(min, k);
        max = Math.max(max, k);
      }
    }
    assertTrue(max > 5 * min, "row KLs from " + min + " to " + max);
  }

  /**
   * Models whose KL(M_δ‖P) rises above the target and falls below it again (found by scanning
   * small models): the solve must take the first crossing. V, T, contexts, σ of p, grid seed,
   * target T·kl.
   */
  static Stream<Arguments> nonMonotoneBehaviours() {
    return Stream.of(
        Arguments.of(3, 3, Contexts.tree(), 2.0, 13L, 1.5),
        Arguments.of(2, 3, new Contexts(2), 2.0, 5L, 0.95));
  }

  @ParameterizedTest(name = "V={0} T={1} contexts={2} sigma={3} seed={4} target={5}")
  @MethodSource("nonMonotoneBehaviours")
  void behaviourTargetKlTakesTheSmallestRoot(int v, int horizon, Contexts n, double sigma, long seed, double target) {
    FamilySpec policy = Families.spec("gaussian", "sigma", sigma);
    SequenceModel m = model(new TripleSpec(v, policy, UNIFORM, Families.spec("target_kl", "kl", target / horizon), horizon, n), seed);
    double got = Responses.kl(v, horizon, n.count(), (t, c) -> row(m, t, c).logMu(), (t, c) -> row(m, t, c).logP());
    assertEquals(target, got, 1e-9 * target);

    // δ from row (1, 0): log μ − log p = δ ε − const
    double[] eps0 = direction(seed, policy, v, 1, 0);
    Triple r0 = row(m, 1, 0);
    double delta = ((r0.logMu()[1] - r0.logMu()[0]) - (r0.logP()[1] - r0.logP()[0])) / (eps0[1] - eps0[0]);
    assertEquals(target, behaviourKl(m, seed, policy, v, horizon, n, delta), 1e-6 * target, "δ recovered from the row");
    // below δ the KL stays below the target ...
    int below = 0;
    for (int k = 1; k < 400; k++) {
      double d = delta * k / 400;
      assertTrue(behaviourKl(m, seed, policy, v, horizon, n, d) < target, "KL(M||P) reaches the target below the root, at " + d);
      below++;
    }
    assertEquals(399, below);
    // ... and above it, it comes back below the target: there are larger roots, which were not taken
    double later = Double.MAX_VALUE;
    for (double d = delta; d < 60; d *= 1.05) later = Math.min(later, behaviourKl(m, seed, policy, v, horizon, n, d));
    assertTrue(later < target, "a later root exists: the smallest KL above δ is " + later);
  }

  @Test
  void behaviourTargetNoDeltaReachesNamesTheLargestKlFound() {
    int v = 3;
    int horizon = 3;
    long seed = 13;
    Contexts n = Contexts.tree();
    FamilySpec policy = Families.spec("gaussian", "sigma", 2.0);
    // KL(M_δ‖P) peaks near 2.02 and falls to 0.89 (behaviourTargetKlTakesTheSmallestRoot): 2.4 is out
    // of reach, though below the bound Σ_t max_c −log p(x*) that the solve checks first
    double target = 2.4;
    FamilySpec behaviour = Families.spec("target_kl", "kl", target / horizon);
    TripleSpec spec = new TripleSpec(v, policy, UNIFORM, behaviour, horizon, n);
    ParameterProblem problem = Families.of(behaviour).problemOn(behaviour, () -> Distributions.input(Role.BEHAVIOUR, spec, seed, FileVectors.empty()));
    assertNotNull(problem);
    assertEquals("kl", problem.key());
    Matcher found = Pattern.compile("the largest KL\\(M\\|\\|P\\) found along the path is ([0-9.eE+-]+) ").matcher(problem.problem());
    assertTrue(found.find(), problem.problem());
    double largest = Double.parseDouble(found.group(1));
    SequenceModel m = model(new TripleSpec(v, policy, UNIFORM, Families.spec("perturb", "delta", 1.0), horizon, n), seed);
    double sup = 0;
    for (double d = 0.01; d < 1e4; d *= 1.01) sup = Math.max(sup, behaviourKl(m, seed, policy, v, horizon, n, d));
    double oneHot = behaviourKl(m, seed, policy, v, horizon, n, 1e6);
    assertTrue(largest < target && largest <= sup * (1 + 1e-3) && largest >= oneHot, largest + " within [" + oneHot + ", " + sup + "]");
    assertTrue(problem.problem().startsWith("is out of reach for policy gaussian(sigma=2.0) at V=3, horizon 3, contexts tree"), problem.problem());
    // and building such a model fails with that reason
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model(spec, seed));
    assertTrue(e.getMessage().contains("out of reach"), e.getMessage());
  }

  @Test
  void behaviourTargetAboveTheBoundIsRefusedWithoutSearching() {
    int v = 3;
    FamilySpec policy = Families.spec("gaussian", "sigma", 2.0);
    Contexts n = new Contexts(2);
    SequenceModel m = model(new TripleSpec(v, policy, UNIFORM, ON_POLICY, 2, n), 13);
    // Σ_t max_c −log p_{t,c}(x*), x* the argmax of the row's behaviour direction
    double bound = 0;
    for (int t = 1; t <= 2; t++) {
      double max = 0;
      for (int c = 0; c < m.rowsAt(t); c++) {
        double[] eps = direction(13, policy, v, t, c);
        int best = 0;
        for (int j = 1; j < v; j++) if (eps[j] > eps[best]) best = j;
        max = Math.max(max, -row(m, t, c).logP()[best]);
      }
      bound += max;
    }
    FamilySpec behaviour = Families.spec("target_kl", "kl", bound / 2 * 1.001);
    ParameterProblem problem = Families.of(behaviour).problemOn(behaviour,
        () -> Distributions.input(Role.BEHAVIOUR, new TripleSpec(v, policy, UNIFORM, behaviour, 2, n), 13, FileVectors.empty()));
    assertNotNull(problem);
    assertTrue(problem.problem().startsWith("must be < " + bound / 2 + " for policy"), problem.problem() + " (bound " + bound + ")");
    FamilySpec reachable = Families.spec("target_kl", "kl", 0.05);
    assertNull(Families.of(reachable).problemOn(reachable,
        () -> Distributions.input(Role.BEHAVIOUR, new TripleSpec(v, policy, UNIFORM, reachable, 2, n), 13, FileVectors.empty())));
  }

  @Test
  void referenceTargetFromAPolicyWithOneTokenInEveryReachedRowIsRefused() {
    FamilySpec oneHot = Families.spec("probs", "values", List.of(0.0, 1.0, 0.0));
    FamilySpec target = Families.spec("target_kl", "kl", 0.1);
    ParameterProblem problem = Families.of(target).problemOn(target,
        () -> Distributions.input(Role.REFERENCE, new TripleSpec(3, oneHot, target, ON_POLICY, 3, Contexts.tree()), SEED, FileVectors.empty()));
    assertNotNull(problem);
    assertTrue(problem.problem().contains("every row of p that responses reach has one token of positive probability"), problem.problem());
  }

  // ---- the solver ------------------------------------------------------------------------------

  @Test
  void deltaSolverTakesTheFirstCrossingAboveItsStart() {
    // a bump of height 1 at d = 1, then a rise from d = 6: f = 0.5 at d ≈ 0.232, 2.678 and 6.7
    java.util.function.DoubleUnaryOperator f = d -> d * Math.exp(1 - d) + Math.pow(Math.max(0, d - 6), 2);
    double first = DeltaSolver.solve(f, 0.5, 0.01, "bump");
    assertEquals(0.5, f.applyAsDouble(first), 1e-13);
    assertTrue(first < 0.3, "first crossing " + first);
    // started past the bump, the scan finds the next rise: the start says where "first" begins
    double later = DeltaSolver.solve(f, 0.5, 3.0, "bump");
    assertEquals(0.5, f.applyAsDouble(later), 1e-12);
    assertTrue(later > 6, "crossing after the bump " + later);
    DeltaSolver.OutOfReach e = assertThrows(DeltaSolver.OutOfReach.class,
        () -> DeltaSolver.solve(d -> d * Math.exp(1 - d), 2.0, 0.05, 2, 1e3, "bump"));
    // scanned at 0.05·2^k: the largest is f(0.8) = 0.8 e^0.2
    assertEquals(0.8 * Math.exp(0.2), e.largest(), 1e-15);
    assertTrue(e.getMessage().startsWith("bump cannot reach 2.0 on this path (the largest value found is 0.977"), e.getMessage());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** KL(M_δ‖P) by enumeration, μ rows rebuilt here from the model's policy rows and the behaviour directions. */
  static double behaviourKl(SequenceModel m, long seed, FamilySpec policy, int v, int horizon, Contexts n, double delta) {
    return Responses.kl(v, horizon, n.count(), (t, c) -> {
      double[] logP = row(m, t, c).logP();
      double[] eps = direction(seed, policy, v, t, c);
      double[] theta = new double[v];
      for (int j = 0; j < v; j++) theta[j] = logP[j] + delta * eps[j];
      return LogSpace.logSoftmax(theta);
    }, (t, c) -> row(m, t, c).logP());
  }

  static double[] direction(long seed, FamilySpec policy, int v, int t, int c) {
    String suffix = t == 1 && c == 0 ? "" : "|t=" + t + "|c=" + c;
    return normals(seed, "behaviour-direction|" + policy.canonical() + "|V=" + v + suffix, v);
  }

  static double[] normals(String key, int v) {
    return DistributionsTest.normals(key, v);
  }

  static double[] normals(long seed, String key, int v) {
    return DistributionsTest.normals(seed, key, v);
  }

  static double[] scaled(double c, double[] x) {
    return DistributionsTest.scaled(c, x);
  }

  static List<Double> boxed(double[] x) {
    List<Double> out = new ArrayList<>();
    for (double d : x) out.add(d);
    return out;
  }

  static void assertBitIdentical(Triple x, Triple y) {
    assertArrayEquals(x.logP(), y.logP());
    assertArrayEquals(x.logQ(), y.logQ());
    assertEquals(x.onPolicy(), y.onPolicy());
    assertArrayEquals(x.logMu(), y.logMu());
  }
}
