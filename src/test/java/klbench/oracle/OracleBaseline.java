package klbench.oracle;

/**
 * A baseline as the oracle reads it (SEQUENCES.md "Baselines over a response"): {@code b_t} is
 * subtracted from {@code z_t} inside the weight, {@code a_t = ω_t (z_t − b_t)}.
 *
 * @param kind which baseline
 * @param constant c of {@code const(c)} ({@code b_t = −c}); 0 for the other kinds
 */
public record OracleBaseline(Kind kind, double constant) {
  /** The baselines of SEQUENCES.md. */
  public enum Kind { NONE, CONST, ORACLE, LOO }

  public static final OracleBaseline NONE = new OracleBaseline(Kind.NONE, 0.0);
  public static final OracleBaseline ORACLE = new OracleBaseline(Kind.ORACLE, 0.0);
  public static final OracleBaseline LOO = new OracleBaseline(Kind.LOO, 0.0);

  public OracleBaseline {
    if (kind == null) throw new IllegalArgumentException("kind is required");
    if (!Double.isFinite(constant) || (kind != Kind.CONST && constant != 0.0)) {
      throw new IllegalArgumentException("a finite constant, for const only: " + kind + " " + constant);
    }
  }

  /** {@code const(c)}: {@code b_t = −c}. */
  public static OracleBaseline constant(double c) { return new OracleBaseline(Kind.CONST, c); }

  @Override
  public String toString() { return kind == Kind.CONST ? "const(" + constant + ")" : kind.name().toLowerCase(); }
}
