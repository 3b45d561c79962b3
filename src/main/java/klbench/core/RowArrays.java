package klbench.core;

import java.util.ArrayDeque;

/**
 * V-long arrays of rows a pass no longer reads, handed to the rows it builds next ({@link
 * SequenceModel.Pass}).
 *
 * <p>Why: a model too large to keep rebuilds a position's rows (about 2.6 MB each at V = 32,768)
 * at every pass. Freshly allocated, they outlive a few young collections, are copied and promoted,
 * and the collector then grows and shrinks the heap, which costs page faults: measured, building a
 * row inside a pass took 3.6 ms against 1.4 ms alone. A row built into arrays the pass already
 * holds leaves only garbage that dies young.
 */
final class RowArrays {
  private final int size;
  private final ArrayDeque<double[]> free = new ArrayDeque<>();

  RowArrays(int size) {
    this.size = size;
  }

  /**
   * A copy of {@code from} (length V) in a free array, or a new one when none is free: never {@code
   * from} itself, which a row source may hand out again.
   */
  double[] copy(double[] from) {
    double[] to = free.poll();
    if (to == null) return from.clone();
    System.arraycopy(from, 0, to, 0, size);
    return to;
  }

  /** {@code array} is free for a later {@link #copy}. */
  void release(double[] array) {
    if (array.length == size) free.push(array);
  }
}
