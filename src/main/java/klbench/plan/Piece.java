package klbench.plan;

import java.io.Serializable;
import java.util.List;

/**
 * What one task does with one triple: build it once, then simulate some of its units, in chunk
 * order. A <b>whole</b> piece holds every unit of its triple, so the task also finishes the
 * triple's batch sizes and writes their rows; the pieces of a <b>split</b> triple hand their chunk
 * statistics to one finishing task, which folds them in chunk order.
 *
 * @param units consecutive units of the triple, in chunk order
 * @param seconds building, simulating and (when whole) finishing, by the {@link CostModel}
 */
public record Piece(int tripleIndex, List<WorkUnit> units, boolean whole, double seconds) implements Serializable {
  public int firstChunk() {
    return units.get(0).chunk();
  }
}
