package klbench.core;

/**
 * The two inner loops of the Monte Carlo pass, with estimators as lanes: the five sums of every
 * estimator over a batch ({@link #batchSums}), and loo's per-token rows ({@link #weightedRows}).
 *
 * <p>Two implementations exist and give the same bits: {@link ScalarKernel}, plain Java, and
 * {@code VectorKernel}, which runs four or eight estimators per instruction with the JDK's incubating
 * Vector API when the JVM was started with {@code --add-modules jdk.incubator.vector} (klbench's
 * launcher, tests and benchmarks do). Each lane performs the scalar kernel's operations in the
 * scalar kernel's order (additions and fused multiply-adds, never reassociated), so a run that
 * mixes JVMs with and without the module still merges to identical results.
 *
 * <p>Layout: a token's row holds [p, G, a_1, …, a_C] with C = {@link #columns}(E) (zero columns
 * pad E to a multiple of {@link #lanes}); the sums go to {@code sums[m·C + k]} for sum m of
 * estimator k, m = 0..4 for Σac, Σa²c², Σac², Σacp, ΣacG, and m = 5 for Σan when a second weight n
 * is given.
 */
abstract class Kernel {
  private static final Kernel BEST = choose();

  /** The vector kernel when the JVM has the incubator module and wide vectors, else the scalar one. */
  static Kernel best() { return BEST; }

  /**
   * Estimators per step: 2 for the scalar kernel (it takes them in pairs), 4 or 8 for the vector
   * one (256- or 512-bit registers, whichever the CPU has). Row columns come in multiples of it.
   */
  abstract int lanes();

  /**
   * The coefficient columns of a row for E estimators under {@link #best}: E rounded up to a
   * multiple of its lanes (every kernel accepts a multiple of another's, all being 2, 4 or 8).
   */
  static int columns(int estimators) {
    int lanes = BEST.lanes();
    return (estimators + lanes - 1) / lanes * lanes;
  }

  /** Which implementation this is, for benchmarks and logs: "vector" or "scalar". */
  abstract String name();

  /**
   * The five sums of columns [base, base + columns) over distinct tokens [from, to) of a batch:
   * token tk's coefficients start at rows[rowAt[tk] + base], its weights are c = wc[tk], c·p =
   * wp[tk], c·G = wg[tk]. When every weight c is 1 ({@code repeats} false) the kernel may skip the
   * multiplications by c: the sums are the same bits (a·1 = a, and Σac² = Σac).
   *
   * @param wn null, or a second weight per token whose sum Σ a·n (each product rounded, then added
   *     in batch order) goes to sums[5·columns + k]: loo's Σ count·z of a block weighted by count·w
   */
  abstract void batchSums(int from, int to, boolean repeats, double[] rows, int[] rowAt, int base, double[] wc,
      double[] wp, double[] wg, double[] wn, int columns, double[] sums);

  /**
   * For k &lt; width: dst[d + k] = Σ_r src[row_r·width + k]·c_r over r in [from, to) in order, as
   * fused multiply-adds from 0, where row_r = rowOf[r] and c_r = weight[r]. loo's per-token
   * shifts: the batches' shift rows, weighted by the token's count in each.
   */
  abstract void weightedRows(double[] dst, int d, double[] src, int width, int[] rowOf, double[] weight,
      int from, int to);

  /** The scalar kernel, always available. */
  static Kernel scalar() { return ScalarKernel.INSTANCE; }

  /**
   * The vector kernel, or null when this JVM lacks the module or the CPU has no vectors of 4
   * doubles (where the Vector API would fall back to slow Java code).
   */
  static Kernel vector() {
    if (!vectorModulePresent()) return null;
    try {
      return (Kernel) Class.forName("klbench.core.VectorKernel").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /** {@code -Dklbench.kernel=scalar} forces the scalar kernel (to compare, or to rule it out). */
  private static Kernel choose() {
    if ("scalar".equals(System.getProperty("klbench.kernel"))) return scalar();
    Kernel v = vector();
    return v != null ? v : scalar();
  }
}
