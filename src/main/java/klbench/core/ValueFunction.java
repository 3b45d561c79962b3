package klbench.core;

/**
 * The value functions f(ℓ) of ESTIMATORS.md ("Value functions"), each with its derivative
 * f′ = df/dℓ, as functions of the log-ratio ℓ = log p − log q. Clamps are applied by {@link
 * Estimator}, not here.
 */
public enum ValueFunction {
  /** k1 = ℓ. */
  K1("k1"),
  /** k2 = ℓ²/2. */
  K2("k2"),
  /** k3 = e^{−ℓ} − 1 + ℓ (Schulman); expm1 keeps it accurate, and non-negative, for small ℓ. */
  K3("k3"),
  /** |ℓ|, with sign(ℓ) as its derivative (0 at 0, as torch.abs's gradient). */
  ABS("abs");

  private final String id;

  ValueFunction(String id) { this.id = id; }

  /** The name used in grid files and result rows: k1, k2, k3, abs. */
  public String id() { return id; }

  /**
   * f(ℓ), given {@code em1} = expm1(−ℓ). Only k3 reads it; callers that evaluate many estimators on
   * one token compute the exponential once (see {@link #em1}).
   */
  // Switches rather than constant-specific methods: one call site then serves every value
  // function and still inlines in the O(V·E) loops.
  public double value(double l, double em1) {
    return switch (this) {
      case K1 -> l;
      case K2 -> k2(l);
      case K3 -> k3(l, em1);
      case ABS -> Math.abs(l);
    };
  }

  /** f′(ℓ), given {@code em1} = expm1(−ℓ) (read by k3 only). */
  public double derivative(double l, double em1) {
    return switch (this) {
      case K1 -> 1.0;
      case K2 -> l;
      case K3 -> -em1;
      case ABS -> Math.signum(l);
    };
  }

  /**
   * {@link #value} over the first n tokens, into {@code out}: the same formulas an array at a time,
   * with the switch outside the loop so that the JIT compiles each case to a plain (vectorisable)
   * loop. The O(V·E) exact pass spends its time here and in {@link GradientRule#coefficients}.
   */
  void values(double[] l, double[] em1, double[] out, int n) {
    switch (this) {
      case K1 -> System.arraycopy(l, 0, out, 0, n);
      case K2 -> { for (int x = 0; x < n; x++) out[x] = k2(l[x]); }
      case K3 -> { for (int x = 0; x < n; x++) out[x] = k3(l[x], em1[x]); }
      case ABS -> { for (int x = 0; x < n; x++) out[x] = Math.abs(l[x]); }
    }
  }

  /** {@link #derivative} over the first n tokens, into {@code out}. */
  void derivatives(double[] l, double[] em1, double[] out, int n) {
    switch (this) {
      case K1 -> java.util.Arrays.fill(out, 0, n, 1.0);
      case K2 -> System.arraycopy(l, 0, out, 0, n);
      case K3 -> { for (int x = 0; x < n; x++) out[x] = -em1[x]; }
      case ABS -> { for (int x = 0; x < n; x++) out[x] = Math.signum(l[x]); }
    }
  }

  private static double k2(double l) { return 0.5 * l * l; }

  private static double k3(double l, double em1) { return em1 + l; }

  /** True when {@link #value} and {@link #derivative} read expm1(−ℓ). */
  public boolean usesExpm1() { return this == K3; }

  /** expm1(−ℓ), the one transcendental any value function needs. */
  public static double em1(double logRatio) { return Math.expm1(-logRatio); }

  /** {@link #em1} of every token's ℓ into {@code into}, which it returns. */
  static double[] em1(double[] logRatio, double[] into) {
    for (int x = 0; x < logRatio.length; x++) into[x] = em1(logRatio[x]);
    return into;
  }

  public double value(double logRatio) { return value(logRatio, usesExpm1() ? em1(logRatio) : 0.0); }

  public double derivative(double logRatio) { return derivative(logRatio, usesExpm1() ? em1(logRatio) : 0.0); }

  public static ValueFunction byId(String id) {
    for (ValueFunction f : values()) if (f.id.equals(id)) return f;
    return null;
  }
}
