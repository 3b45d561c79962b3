package klbench.results;

import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * One result row: a value per {@link Column}, in column order (null where a metric does not
 * exist). Plain Java, so that {@code eval} prints exactly what {@code run} writes to Parquet.
 */
public final class ResultRow implements Serializable {
  private final Object[] values = new Object[Column.values().length];

  public ResultRow set(Column c, Object v) {
    if (v != null) {
      Class<?> expected = switch (c.type()) {
        case STRING -> String.class;
        case INT -> Integer.class;
        case LONG -> Long.class;
        case DOUBLE -> Double.class;
        case BOOLEAN -> Boolean.class;
      };
      if (!expected.isInstance(v)) {
        throw new IllegalArgumentException(c.id() + " takes " + expected.getSimpleName() + ", got " + v.getClass().getSimpleName());
      }
    }
    values[c.ordinal()] = v;
    return this;
  }

  public Object get(Column c) { return values[c.ordinal()]; }

  /** The values in column order (a copy). */
  public Object[] values() { return values.clone(); }

  public static ResultRow fromValues(Object[] vals) {
    ResultRow r = new ResultRow();
    for (Column c : Column.values()) r.set(c, vals[c.ordinal()]);
    return r;
  }

  public Map<Column, Object> asMap() {
    Map<Column, Object> m = new EnumMap<>(Column.class);
    for (Column c : Column.values()) m.put(c, values[c.ordinal()]);
    return m;
  }

  @Override public boolean equals(Object o) {
    return o instanceof ResultRow r && Arrays.equals(values, r.values);
  }

  @Override public int hashCode() { return Arrays.hashCode(values); }

  @Override public String toString() { return asMap().toString(); }
}
