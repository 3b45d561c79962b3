package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Reads a results folder with parquet-hadoop's own record reader ({@link GroupReadSupport}), not
 * Spark: what another tool sees. Needs no Spark session, so child-process tests use it too.
 */
public final class ParquetFiles {
  private ParquetFiles() {}

  /** The {@code .parquet} files anywhere under {@code dir}, sorted; none when it does not exist. */
  public static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every row of every Parquet file under {@code dir}, as column name → Java value (null when absent). */
  public static List<Map<String, Object>> rows(Path dir) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Path f : files(dir)) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(f.toUri())).withConf(new Configuration()).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) rows.add(toMap(g));
      } catch (IOException e) {
        throw new UncheckedIOException(f + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  static Map<String, Object> toMap(Group g) {
    GroupType type = g.getType();
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < type.getFieldCount(); i++) {
      String name = type.getFieldName(i);
      if (g.getFieldRepetitionCount(i) == 0) {
        m.put(name, null);
        continue;
      }
      PrimitiveType.PrimitiveTypeName t = type.getType(i).asPrimitiveType().getPrimitiveTypeName();
      m.put(name, switch (t) {
        case BINARY -> g.getString(i, 0);
        case DOUBLE -> g.getDouble(i, 0);
        case INT32 -> g.getInteger(i, 0);
        case INT64 -> g.getLong(i, 0);
        case BOOLEAN -> g.getBoolean(i, 0);
        default -> throw new IllegalStateException(name + ": unexpected Parquet type " + t);
      });
    }
    return m;
  }

  /**
   * Asserts that {@code actual} (Parquet rows, any order) holds exactly {@code expected}'s rows,
   * each column equal ({@link Double#equals}: bit for bit) except run_id and the timing columns.
   */
  public static void assertSameRows(List<ResultRow> expected, List<Map<String, Object>> actual) {
    assertEquals(expected.size(), actual.size(), "row count");
    Map<String, Map<String, Object>> byId = new HashMap<>();
    for (Map<String, Object> r : actual) {
      assertEquals(null, byId.put((String) r.get(Column.CONFIG_ID.id()), r), "duplicate config_id " + r.get("config_id"));
    }
    for (ResultRow e : expected) {
      Map<String, Object> a = byId.get((String) e.get(Column.CONFIG_ID));
      if (a == null) throw new AssertionError("missing config_id " + e.get(Column.CONFIG_ID));
      for (Column c : Column.values()) {
        if (c.isTiming() || c == Column.RUN_ID) continue;
        assertEquals(e.get(c), a.get(c.id()), c.id() + " of " + e.get(Column.CONFIG_ID));
      }
    }
  }
}
