package klbench.spark;

import java.io.Serializable;
import java.util.List;
import klbench.distributions.TripleSpec;

/**
 * One task's worth of simulation: chunk {@code chunk} (see {@link klbench.core.Chunking}) of every
 * batch size of one triple that has such a chunk, for every estimator and baseline of the grid.
 * The executor builds the triple once and runs all of it on the same tables.
 *
 * @param tripleIndex the triple's position in the grid, the key its partial results are merged by
 * @param batchSizes the batch sizes that have a chunk {@code chunk}, in grid order
 * @param cost the planning cost, V + tokens × estimators (arbitrary units)
 */
public record WorkUnit(int tripleIndex, TripleSpec triple, int chunk, List<Integer> batchSizes, long cost)
    implements Serializable {}
