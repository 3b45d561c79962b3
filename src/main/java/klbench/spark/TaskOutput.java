package klbench.spark;

import java.io.Serializable;
import klbench.core.PartialStats;

/**
 * What a simulation task sends on: its {@link TaskReport}, and, for a triple split over several
 * tasks, the chunk statistics its finishing task folds.
 */
sealed interface TaskOutput extends Serializable permits TaskOutput.Chunks, TaskReport {

  /**
   * The statistics of consecutive chunks of one (triple, batch size), folded left in chunk order
   * (a prefix from chunk 0, or a single chunk), with the time they took.
   */
  record Chunks(PartialStats stats, long nanos) implements TaskOutput {}
}
