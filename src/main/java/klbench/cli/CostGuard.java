package klbench.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import klbench.grid.Grid;
import klbench.input.BadInputException;

/**
 * {@code run}'s guard against a grid far beyond the machine (a typo such as {@code batches:
 * 3000000}): the grid's {@link Grid#estimatedCost()} turned into hours on the master's cores at a
 * measured throughput; above {@value #DEFAULT_MAX_HOURS} h (or {@code -Dklbench.maxHours}) {@code
 * run} refuses unless {@code --force}. Only for local masters, whose cores are known here.
 */
final class CostGuard {
  /**
   * Steps (one token for one estimator, or one token of the vocabulary for one O(V) pass) per core
   * and second, rounded down from measurements on a noisy 2-core machine: the default grid (5.7e9
   * steps) runs in under 3 minutes on 2 cores, small grids simulate at 3-5e7 steps/s per core.
   */
  static final double STEPS_PER_CORE_SECOND = 2e7;
  static final double DEFAULT_MAX_HOURS = 2.0;
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?\\])?");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),(\\d+),\\d+\\]");

  private CostGuard() {}

  /** The cores a local master uses, or 0 for a cluster master (unknown here). */
  static int cores(String master) {
    Matcher m = LOCAL.matcher(master);
    if (m.matches()) {
      if (m.group(1) == null) return 1;
      return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
    Matcher c = LOCAL_CLUSTER.matcher(master);
    if (c.matches()) return Integer.parseInt(c.group(1)) * Integer.parseInt(c.group(2));
    return 0;
  }

  static double estimatedHours(Grid grid, int cores) {
    Grid.Cost cost = grid.estimatedCost();
    double steps = (double) cost.tokenEstimatorSteps() + (double) cost.vocabSteps();
    return steps / STEPS_PER_CORE_SECOND / cores / 3600.0;
  }

  static double maxHours() {
    String p = System.getProperty("klbench.maxHours");
    return p == null ? DEFAULT_MAX_HOURS : Double.parseDouble(p);
  }

  /**
   * @throws BadInputException naming the grid file and the keys that size it, when the estimate
   *     on {@code master} exceeds {@code maxHours} and {@code force} is false
   */
  static void check(Grid grid, String master, boolean force, double maxHours) {
    int cores = cores(master);
    if (force || cores == 0) return;
    double hours = estimatedHours(grid, cores);
    if (hours <= maxHours) return;
    Grid.Cost cost = grid.estimatedCost();
    throw new BadInputException(grid.source(), "batches, batch_sizes, vocab_sizes",
        String.format(Locale.ROOT, "estimated %.3g h on %d cores (%.3g token-estimator steps + %.3g vocabulary steps at %.0e per core-second), "
            + "more than the limit of %.3g h: make the grid smaller, or pass --force to run it anyway",
            hours, cores, (double) cost.tokenEstimatorSteps(), (double) cost.vocabSteps(), STEPS_PER_CORE_SECOND, maxHours));
  }
}
