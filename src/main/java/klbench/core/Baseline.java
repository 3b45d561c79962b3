package klbench.core;

/**
 * A baseline shifts the per-token coefficient, a_i ← a_i − b_i (ESTIMATORS.md, "Baselines").
 *
 * <ul>
 *   <li>{@code none}: b = 0;
 *   <li>{@code const(c)}: a ← a + c, i.e. b = −c (½∇(c + ℓ)² = (c + ℓ)s);
 *   <li>{@code loo}: b_i is the mean coefficient of the other B − 1 tokens of the batch;
 *   <li>{@code oracle}: b = E_μ[a], exact.
 * </ul>
 *
 * Every baseline is written as one shift of the coefficient, a′ = κ a + s ({@link #scale},
 * {@link #tokenOnlyOffset}, {@link #looOffset}): κ = 1 and s a constant for the token-only
 * baselines; for loo, a_i − (Σ_j a_j − a_i)/(B − 1) = κ a_i + s with κ = B/(B − 1) and
 * s = −Σ_j a_j/(B − 1), the same for every token of the batch. This is the only place κ and s are
 * defined; the exact and Monte Carlo passes expand their sums in them.
 */
public record Baseline(Kind kind, double constant) implements java.io.Serializable {

  public enum Kind { NONE, CONST, LOO, ORACLE }

  public static final Baseline NONE = new Baseline(Kind.NONE, 0.0);
  public static final Baseline LOO = new Baseline(Kind.LOO, 0.0);
  public static final Baseline ORACLE = new Baseline(Kind.ORACLE, 0.0);

  public static Baseline constant(double c) {
    return new Baseline(Kind.CONST, c);
  }

  /**
   * Parses {@code none}, {@code loo}, {@code oracle} or {@code const(c)}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Baseline parse(String text) {
    String s = text.trim();
    switch (s) {
      case "none": return NONE;
      case "loo": return LOO;
      case "oracle": return ORACLE;
      default:
        if (s.startsWith("const(") && s.endsWith(")")) {
          String inner = s.substring(6, s.length() - 1).trim();
          double c;
          try {
            c = Double.parseDouble(inner);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("const(c) needs a number, got '" + inner + "'");
          }
          if (!Double.isFinite(c)) throw new IllegalArgumentException("const(c) needs a finite number, got " + inner);
          return constant(c);
        }
        throw new IllegalArgumentException(
            "unknown baseline '" + text + "' (expected none, loo, oracle or const(c))");
    }
  }

  /** κ of a′ = κa + s: B/(B − 1) for loo, 1 for every other baseline. */
  public double scale(int batchSize) {
    return kind == Kind.LOO ? (double) batchSize / (batchSize - 1) : 1.0;
  }

  /**
   * s of a′ = a + s for a token-only baseline: none 0, const(c) c, oracle −E_μ[a].
   *
   * @param meanCoef E_μ[a] of the estimator's coefficient
   */
  public double tokenOnlyOffset(double meanCoef) {
    return switch (kind) {
      case NONE -> 0.0;
      case CONST -> constant;
      case ORACLE -> -meanCoef;
      case LOO -> throw new IllegalArgumentException("loo's offset depends on the batch: see looOffset");
    };
  }

  /** s of loo's a′ = κa + s for one batch: −Σ_i a_i/(B − 1), from the batch's sum of coefficients. */
  public static double looOffset(int batchSize, double batchSum) {
    return -batchSum / (batchSize - 1);
  }

  /** True when the coefficient still depends on the token alone, so exact metrics exist. */
  public boolean tokenOnly() {
    return kind != Kind.LOO;
  }

  /** The canonical text, as written to the {@code baseline} column: none, loo, oracle, const(c). */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case LOO -> "loo";
      case ORACLE -> "oracle";
      case CONST -> "const(" + constant + ")";
    };
  }
}
