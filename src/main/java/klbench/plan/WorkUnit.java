package klbench.plan;

import java.io.Serializable;
import java.util.List;

/**
 * The smallest piece of simulation: chunk {@code chunk} (see {@link klbench.core.Chunking}) of
 * every needed batch size of one triple that has such a chunk, for every estimator and baseline.
 *
 * @param tripleIndex the triple's position in the grid
 * @param batchSizes the batch sizes that have a chunk {@code chunk}, in grid order
 * @param seconds its simulation time by the {@link CostModel}
 */
public record WorkUnit(int tripleIndex, int chunk, List<Integer> batchSizes, double seconds) implements Serializable {}
