package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
  @RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2]");

  @TempDir Path tmp;

  private Dataset<Row> frame(List<ResultRow> rows) {
    return SPARK.session().createDataFrame(rows.stream().map(ResultSchema::toRow).toList(), ResultSchema.schema());
  }

  private ResultStore store() throws IOException {
    return ResultStore.at(SPARK.session(), tmp.resolve("out").toString());
  }

  @Test
  void schemaIsColumnForColumnTypeForType() {
    StructType schema = ResultSchema.schema();
    assertEquals(Column.values().length, schema.fields().length);
    for (Column c : Column.values()) {
      StructField f = schema.fields()[c.ordinal()];
      assertEquals(c.id(), f.name());
      assertEquals(ResultSchema.sparkType(c.type()), f.dataType(), c.id());
      assertTrue(f.nullable(), c.id());
    }
    assertEquals(DataTypes.StringType, schema.apply("run_id").dataType());
    assertEquals(DataTypes.LongType, schema.apply("seed").dataType());
    assertEquals(DataTypes.IntegerType, schema.apply("vocab_size").dataType());
    assertEquals(DataTypes.BooleanType, schema.apply("consistent").dataType());
  }

  @Test
  void readingResultsBackGivesTheExactSchemaAndRows() throws IOException {
    ResultStore store = store();
    List<ResultRow> rows = SampleRows.of("r1", 12);
    store.commit("r1", frame(rows));

    // Readers that give no schema (and so infer it from the files) see Column's schema exactly.
    String results = store.resultsDir().toString();
    for (Dataset<Row> plain : List.of(
        SPARK.session().read().option("recursiveFileLookup", "true").parquet(results),
        SPARK.session().read().parquet(results + "/*"))) {
      SPARK.base().assertSchemasEqual(ResultSchema.schema(), plain.schema());
      assertEquals(Column.names(), List.of(plain.columns()));
      SPARK.assertNoOrderEquals(frame(rows), plain);
    }

    SPARK.assertNoOrderEquals(frame(rows), store.read());
    Set<ResultRow> back = new HashSet<>();
    for (Row r : store.read().collectAsList()) back.add(ResultSchema.fromRow(r));
    assertEquals(new HashSet<>(rows), back); // bit for bit, nulls included
  }

  @Test
  void runsAppendAsWholeFoldersAndConfigIdsAccumulate() throws IOException {
    ResultStore store = store();
    assertFalse(store.hasResults());
    assertEquals(0, store.read().count());
    assertEquals(Set.of(), store.configIds());

    List<ResultRow> first = SampleRows.of("r1", 3);
    List<ResultRow> second = List.of(SampleRows.row("r2", "other", 9));
    store.commit("r1", frame(first));
    store.commit("r2", frame(second));

    assertTrue(store.hasResults());
    assertEquals(Set.of("cfg-0", "cfg-1", "cfg-2", "other"), store.configIds());
    List<ResultRow> all = new ArrayList<>(first);
    all.addAll(second);
    SPARK.assertNoOrderEquals(frame(all), store.read());
    try (Stream<Path> runs = Files.list(tmp.resolve("out/results"))) {
      assertEquals(Set.of("run-r1", "run-r2"),
          runs.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    assertThrows(IOException.class, () -> store.commit("r1", frame(first)), "run ids are never reused");
  }

  @Test
  void aWriteThatFailsMidwayLeavesResultsUnchanged() throws IOException {
    ResultStore store = store();
    List<ResultRow> earlier = SampleRows.of("r1", 5);
    store.commit("r1", frame(earlier));
    Map<String, Long> before = listing(tmp.resolve("out/results"));

    UserDefinedFunction failOnSeventh = functions.udf((UDF1<String, String>) id -> {
      if (id.equals("cfg-7")) throw new IllegalStateException("injected failure while writing");
      return id;
    }, DataTypes.StringType);
    Dataset<Row> failing = frame(SampleRows.of("r2", 10))
        .withColumn("config_id", failOnSeventh.apply(functions.col("config_id")));
    assertThrows(Exception.class, () -> store.commit("r2", failing));
    store.abandon("r2");

    assertEquals(before, listing(tmp.resolve("out/results")));
    SPARK.assertNoOrderEquals(frame(earlier), store.read());
    assertFalse(Files.exists(tmp.resolve("out/_staging/r2")));
  }

  /** Every file under a folder with its size. */
  static Map<String, Long> listing(Path dir) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) out.put(dir.relativize(p).toString(), Files.size(p));
      }
    }
    return out;
  }
}
