package klbench.core;

/**
 * The value functions f(ℓ) of ESTIMATORS.md ("Value functions"), each with its derivative
 * f′ = df/dℓ, as functions of the log-ratio ℓ = log p − log q. Clamps are applied by {@link
 * Estimator}, not here.
 */
public enum ValueFunction {
  /** k1 = ℓ. */
  K1("k1") {
    @Override public double value(double l) { return l; }
    @Override public double derivative(double l) { return 1.0; }
  },
  /** k2 = ℓ²/2. */
  K2("k2") {
    @Override public double value(double l) { return 0.5 * l * l; }
    @Override public double derivative(double l) { return l; }
  },
  /** k3 = e^{−ℓ} − 1 + ℓ (Schulman); expm1 keeps it accurate, and non-negative, for small ℓ. */
  K3("k3") {
    @Override public double value(double l) { return Math.expm1(-l) + l; }
    @Override public double derivative(double l) { return -Math.expm1(-l); }
  },
  /** |ℓ|, with sign(ℓ) as its derivative (0 at 0, as torch.abs's gradient). */
  ABS("abs") {
    @Override public double value(double l) { return Math.abs(l); }
    @Override public double derivative(double l) { return Math.signum(l); }
  };

  private final String id;

  ValueFunction(String id) { this.id = id; }

  /** The name used in grid files and result rows: k1, k2, k3, abs. */
  public String id() { return id; }

  public abstract double value(double logRatio);

  public abstract double derivative(double logRatio);

  public static ValueFunction byId(String id) {
    for (ValueFunction f : values()) if (f.id.equals(id)) return f;
    return null;
  }
}
