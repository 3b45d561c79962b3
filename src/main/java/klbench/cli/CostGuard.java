package klbench.cli;

import java.util.Locale;
import klbench.grid.Grid;
import klbench.input.BadInputException;
import klbench.plan.WorkPlan;

/**
 * {@code run}'s guard against a grid far beyond the machine (a typo such as {@code batches:
 * 3000000}): the grid's core-seconds by klbench's cost model ({@link klbench.plan.CostModel}, the
 * one the work plan balances tasks with) spread over the master's cores; above {@value
 * #DEFAULT_MAX_HOURS} h (or {@code -Dklbench.maxHours}) {@code run} refuses unless {@code --force}.
 * Only for local masters, whose cores are known here.
 */
final class CostGuard {
  static final double DEFAULT_MAX_HOURS = 2.0;

  private CostGuard() {}

  /** The grid's core-seconds, every configuration computed. */
  static double coreSeconds(Grid grid) {
    return WorkPlan.Work.of(grid).seconds(WorkPlan.Needed.ALL);
  }

  static double estimatedHours(Grid grid, int cores) {
    return coreSeconds(grid) / cores / 3600.0;
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
    int cores = Masters.localCores(master);
    if (force || cores == 0) return;
    double seconds = coreSeconds(grid);
    double hours = seconds / cores / 3600.0;
    if (hours <= maxHours) return;
    throw new BadInputException(grid.source(), "batches, batch_sizes, vocab_sizes",
        String.format(Locale.ROOT, "estimated %.3g h on %d cores (%.3g core-seconds by klbench's cost model), "
            + "more than the limit of %.3g h: make the grid smaller, or pass --force to run it anyway",
            hours, cores, seconds, maxHours));
  }
}
