package klbench.plan;

import java.util.HashSet;
import java.util.Set;
import klbench.grid.Configuration;
import klbench.grid.Grid;

/**
 * What is left of a grid when some of its configurations are in the results already (--resume): a
 * (triple, batch size) is computed again when any of its configurations is missing, and only the
 * missing rows are written.
 */
public final class Remaining implements WorkPlan.Needed {
  private final Set<String> done;
  /** Per triple, whether each of its part's batch sizes is needed (in the part's order). */
  private final boolean[][] needed;
  private final Grid grid;
  private final int configurations;
  private int skipped;
  private int computed;
  private int triples;
  private long tokens;

  private Remaining(Grid grid, Set<String> done) {
    this.done = done;
    this.grid = grid;
    this.needed = new boolean[grid.triples().size()][];
    this.configurations = grid.configurationCount();
  }

  /** @param done the config_ids already in the results */
  public static Remaining of(Grid grid, Set<String> done) {
    Remaining r = new Remaining(grid, Set.copyOf(done));
    for (int t = 0; t < grid.triples().size(); t++) {
      Grid.Part part = grid.part(t);
      int perPair = part.configurationsPerBatchSize();
      r.needed[t] = new boolean[part.batchSizes().size()];
      boolean any = false;
      for (int k = 0; k < part.batchSizes().size(); k++) {
        int b = part.batchSizes().get(k);
        int present = 0;
        if (!done.isEmpty()) { // computing config_ids costs a hash each: only when some are done
          for (Configuration c : grid.configurations(t, b)) {
            if (done.contains(c.configId())) present++;
          }
        }
        r.skipped += present;
        if (present < perPair) {
          r.needed[t][k] = true;
          r.computed += perPair;
          r.tokens += (long) b * part.batches() * grid.triples().get(t).horizon();
          any = true;
        }
      }
      if (any) r.triples++;
    }
    return r;
  }

  @Override
  public boolean test(int tripleIndex, int batchSize) {
    return needed[tripleIndex][grid.part(tripleIndex).batchSizes().indexOf(batchSize)];
  }

  /** True when the row of {@code configId} is still to be written. */
  public boolean missing(String configId) {
    return !done.contains(configId);
  }

  /** The config_ids already in the results. */
  public Set<String> done() {
    return done;
  }

  /** Every configuration of the grid. */
  public int configurations() { return configurations; }

  /** Configurations found in the results already, not written again. */
  public int skipped() { return skipped; }

  /** Configurations whose (triple, batch size) is computed (some may be skipped when written). */
  public int computed() { return computed; }

  /** Triples with at least one (triple, batch size) to compute. */
  public int triples() { return triples; }

  /** Tokens to simulate. */
  public long tokens() { return tokens; }

  /** A copy of the done set that can be sent to executors. */
  public HashSet<String> doneCopy() {
    return new HashSet<>(done);
  }
}
