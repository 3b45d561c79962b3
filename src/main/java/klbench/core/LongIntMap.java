package klbench.core;

import java.util.Arrays;

/**
 * An open-addressing map from long keys to the order in which they were first added (0, 1, 2, …),
 * with linear probing: Monte Carlo uses it to find a draw's (context, token) entry among a batch's
 * or a chunk's. {@link #clear} costs the entries added, not the capacity.
 */
final class LongIntMap {
  private long[] keys;
  private int[] values;
  private int mask;
  private int size;
  private long[] order;
  /** The slot of each index, so that {@link #clear} empties exactly the slots used. */
  private int[] slots;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new int[cap];
    Arrays.fill(values, -1);
    mask = cap - 1;
    order = new long[Math.max(16, expected)];
    slots = new int[order.length];
  }

  /** The key's index; a new key gets the next one. */
  int indexOf(long key) {
    int h = slot(key);
    while (values[h] >= 0) {
      if (keys[h] == key) return values[h];
      h = (h + 1) & mask;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
      return indexOf(key);
    }
    keys[h] = key;
    values[h] = size;
    if (size == order.length) {
      order = Arrays.copyOf(order, 2 * order.length);
      slots = Arrays.copyOf(slots, order.length);
    }
    order[size] = key;
    slots[size] = h;
    return size++;
  }

  int size() { return size; }

  /** The key of index i. */
  long key(int i) { return order[i]; }

  void clear() {
    for (int i = 0; i < size; i++) values[slots[i]] = -1;
    size = 0;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] old = Arrays.copyOf(order, size);
    int cap = keys.length * 2;
    keys = new long[cap];
    values = new int[cap];
    Arrays.fill(values, -1);
    mask = cap - 1;
    int n = size;
    size = 0;
    for (int i = 0; i < n; i++) indexOf(old[i]);
  }
}
