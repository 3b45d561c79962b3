package klbench.core;

/**
 * Where each lane sits in the Monte Carlo rows of coefficients, for a model of horizon T: lanes in
 * three blocks by their per-token weight ω ({@link Lanes.Block}), each block padded to a multiple
 * of the kernel's lanes. A block is summed with its own token weights (count·1, count·w, Σρ), so
 * that one kernel call gives every lane of the block its five sums.
 */
final class LaneLayout {
  final Lanes lanes;
  final int horizon;
  /** Per lane: its block (0 = ω 1, 1 = ω w, 2 = ω ρ). */
  final int[] blockOf;
  /** Per lane: its column in a row. */
  final int[] columnOf;
  /** Per block: first column and padded width. */
  final int[] blockStart = new int[3];
  final int[] blockWidth = new int[3];
  /** Per block: its lanes in column order. */
  final int[][] blockLanes = new int[3][];
  /**
   * The row width: all blocks, padded to a multiple of {@link #ROW_ALIGN} columns so that rows of
   * {@link SamplingTables} start on cache lines and no vector load straddles two lines.
   */
  final int width;
  /** 8 doubles: one 64-byte cache line. */
  static final int ROW_ALIGN = 8;
  /** The columns the blocks use, before that padding (a multiple of the kernel's lanes). */
  final int usedColumns;

  LaneLayout(Lanes lanes, int horizon) {
    this.lanes = lanes;
    this.horizon = horizon;
    blockOf = new int[lanes.count];
    columnOf = new int[lanes.count];
    int[] counts = new int[3];
    for (int l = 0; l < lanes.count; l++) {
      blockOf[l] = block(l);
      counts[blockOf[l]]++;
    }
    int start = 0;
    for (int b = 0; b < 3; b++) {
      blockStart[b] = start;
      blockWidth[b] = counts[b] == 0 ? 0 : Kernel.columns(counts[b]);
      blockLanes[b] = new int[counts[b]];
      start += blockWidth[b];
    }
    usedColumns = start;
    width = (start + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
    int[] filled = new int[3];
    for (int l = 0; l < lanes.count; l++) {
      int b = blockOf[l];
      blockLanes[b][filled[b]] = l;
      columnOf[l] = blockStart[b] + filled[b]++;
    }
  }

  /** ω = 1 for token rules; w for the reward rules (and reward_is over one token, where ρ_{1:1} = w). */
  private int block(int lane) {
    return switch (lanes.credit(lane)) {
      case OWN -> 0;
      case IMPORTANCE_TO_GO -> horizon == 1 ? 1 : 2;
      default -> 1;
    };
  }
}
