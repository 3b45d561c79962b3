package klbench.distributions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code target_kl: {kl, spread}}: the point of the role's {@link PerturbationPath} at which the
 * model's KL is T · kl (the mean KL per position is kl): KL(P‖Q) for a reference, KL(M‖P) for a
 * behaviour, to a relative {@value #TOLERANCE}. One global δ moves every row (t, c), each by its
 * factor from {@code spread} (SEQUENCES.md, "Families per row").
 *
 * <p>For the reference, KL(P‖Q_δ) is a sum of row KLs KL(p‖q_δ) = A(δ) − A(0) − δ E_p[ε] (A the
 * log-partition of θ + δε), each convex in δ, 0 with zero slope at δ = 0, and unbounded when p has
 * two or more tokens; their weights, the occupancies of P, do not depend on δ. For the behaviour
 * each row's KL(μ_δ‖p) has slope δ Var_{μ_δ}(ε) ≥ 0 and tends to −log p(x*) with x* = argmax ε,
 * but the occupancies of M_δ move with δ, so KL(M_δ‖P) need not be monotone: the smallest root is
 * taken, bracketing upward ({@link DeltaSolver}), and a target no δ reaches names the largest KL
 * found. With one row both are the single-token problems, solved by the same steps as ever.
 *
 * <p>A solve costs a few dozen passes over the model's rows ({@link PathKl}), so its outcome is
 * kept per {@link ModelInput#solveKey()} (policy, family, V, T, contexts, seed) for the life of
 * the process: the grid loader's check ({@link #problemOn}), every row built, and every model that
 * shares the role's input (a reference under several behaviours) use one solve.
 */
final class TargetKl implements Family {
  static final TargetKl FAMILY = new TargetKl();

  /** Relative accuracy of the model's KL. */
  static final double TOLERANCE = 1e-9;

  /** KL evaluations, each an O(V) pass over every row, to bracket δ and solve for it: about 60. */
  static final long SOLVE_PASSES = 60;

  /**
   * The scan's step for a behaviour over several rows: a rise above the target and back that
   * spans a factor of 2^(1/4) in δ or more is seen (the rises found in small models span 1.5 or
   * more); each step costs a pass over the rows.
   */
  static final double NON_MONOTONE_GROWTH = Math.pow(2, 0.25);

  /** Solves kept, a few hundred bytes each; the oldest is dropped beyond this many. */
  private static final int KEPT_SOLVES = 4096;

  private static final Map<String, Solution> SOLVED = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Solution> eldest) {
      return size() > KEPT_SOLVES;
    }
  };

  private TargetKl() {}

  @Override public String name() { return "target_kl"; }

  @Override public Set<Role> roles() { return Set.of(Role.REFERENCE, Role.BEHAVIOUR); }

  @Override public List<String> parameters() { return List.of("kl", PerturbationPath.SPREAD); }

  @Override public List<String> optionalParameters() { return List.of(PerturbationPath.SPREAD); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    double kl = params.child("kl").positive();
    return PerturbationPath.spec(name(), "kl", kl, PerturbationPath.readSpread(params));
  }

  @Override
  public String sequenceParameter(FamilySpec spec) {
    return PerturbationPath.spread(spec) != 0 ? PerturbationPath.SPREAD : null;
  }

  @Override
  public long extraBuildPasses(FamilySpec spec) {
    return SOLVE_PASSES;
  }

  /**
   * A reference needs a policy with two or more tokens of positive probability in some row that
   * responses reach; a behaviour needs a T · kl that some δ reaches.
   */
  @Override
  public ParameterProblem problemOn(FamilySpec spec, Supplier<ModelInput> model) {
    String problem = solve(spec, model.get()).problem();
    return problem == null ? null : new ParameterProblem("kl", problem);
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    Solution s = solve(spec, input.model());
    if (s.problem() != null) {
      throw new IllegalArgumentException(spec.canonical() + " is out of reach for the " + input.role().id() + " of "
          + input.model().describePolicy() + ": kl " + s.problem());
    }
    return PerturbationPath.row(input, s.delta(), PerturbationPath.spread(spec));
  }

  /** A solve's outcome: the model's δ, or why no δ will do (the rest of an input error on {@code kl}). */
  record Solution(double delta, String problem) {}

  /** The solve of {@code spec} on {@code model}, kept ({@link #SOLVED}). */
  static Solution solve(FamilySpec spec, ModelInput model) {
    String key = model.solveKey();
    synchronized (SOLVED) {
      Solution s = SOLVED.get(key);
      if (s != null) return s;
    }
    // Solved outside the lock: two threads may solve one model at once, to the same bits.
    Solution s = compute(spec, model);
    synchronized (SOLVED) {
      SOLVED.putIfAbsent(key, s);
    }
    return s;
  }

  private static Solution compute(FamilySpec spec, ModelInput model) {
    double kl = spec.number("kl");
    int horizon = model.horizon();
    double target = horizon * kl;
    boolean oneRow = model.rowCount() == 1;
    String policy = model.describePolicy();
    boolean behaviour = model.role() == Role.BEHAVIOUR;
    PathKl path = new PathKl(model, PerturbationPath.spread(spec));
    PathKl.Start start = path.start();
    if (behaviour && !(target < start.bound())) {
      return new Solution(Double.NaN, oneRow
          ? "must be < " + start.bound() + " for policy " + policy
              + " (KL(mu||p) tends to -log p(x*) = " + start.bound() + " as mu = softmax(theta + delta*eps) grows one-hot on x*), got " + kl
          : "must be < " + start.bound() / horizon + " for policy " + policy + " (KL(M||P) = " + horizon
              + " * kl stays below the sum over positions of the largest -log p(x*) of their rows, " + start.bound()
              + ", which each row's KL(mu||p) tends to as mu grows one-hot on x*), got " + kl);
    }
    if (!behaviour && !(start.fisher() > 0)) {
      return new Solution(Double.NaN, "cannot be reached for policy " + policy + (oneRow
          ? ": p has one token of positive probability, so KL(p||q) = 0 all along q = softmax(theta + delta*eps)"
          : ": every row of p that responses reach has one token of positive probability, so KL(P||Q) = 0 for every delta"));
    }
    String what = behaviour ? "KL(M||P)" : "KL(P||Q)";
    Evaluations f = new Evaluations(path);
    double guess = PerturbationPath.firstGuess(start.fisher(), target);
    // A behaviour's KL over several rows need not be monotone: its scan starts below the
    // quadratic guess, where the KL is about 1/16 of the target, and climbs in steps of 2^(1/4),
    // so that a KL that overshoots its quadratic approximation, crosses the target and falls back
    // is seen crossing first; past the δ where every row is one-hot nothing changes. One row's KL
    // increases: doubling from the guess finds its root, the single-token bracket.
    boolean monotone = !behaviour || oneRow;
    double scanFrom = monotone ? guess : guess / 4;
    double growth = monotone ? 2 : NON_MONOTONE_GROWTH;
    double maxDelta = behaviour ? Math.min(DeltaSolver.MAX_DELTA, growth * start.saturation()) : DeltaSolver.MAX_DELTA;
    double delta;
    try {
      delta = DeltaSolver.solve(f::at, target, scanFrom, growth, maxDelta, what);
    } catch (DeltaSolver.OutOfReach e) {
      return new Solution(Double.NaN, "is out of reach for policy " + policy + ": no delta gives " + what + " = "
          + horizon + " * kl = " + target + "; the largest " + what + " found along the path is " + e.largest()
          + " (kl " + e.largest() / horizon + " per position), got " + kl);
    }
    double got = f.at(delta);
    // Relative 1e-9, but never below the rounding floor of KLs computed from normalised log
    // probabilities: their normaliser is exact only to ~1e-16 absolute per token, which a KL of
    // 1e-8 feels as a relative 1e-8 (found by a target_kl of 1e-8 on V = 32).
    double floor = 1e-14 * Math.sqrt((double) model.vocabSize() * model.rowCount());
    if (!(Math.abs(got - target) <= Math.max(TOLERANCE * target, floor))) {
      throw new IllegalStateException(what + " = " + got + " misses its target " + target + " by more than a relative " + TOLERANCE
          + " (" + spec.canonical() + ", policy " + policy + ")");
    }
    return new Solution(delta, null);
  }

  /** The path's KL with every value kept, so that the solve's last δ is not evaluated twice. */
  private static final class Evaluations {
    private final PathKl path;
    private final Map<Double, Double> seen = new LinkedHashMap<>();

    Evaluations(PathKl path) {
      this.path = path;
    }

    double at(double delta) {
      return seen.computeIfAbsent(delta, path::at);
    }
  }
}
