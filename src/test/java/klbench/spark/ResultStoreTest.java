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

  /** Stages {@code rows} as one task's file and commits the run, as a run does. */
  static void commit(ResultStore store, String runId, List<ResultRow> rows) throws IOException {
    Staging.RowFile file = store.staging(runId).open("part-s-00000.parquet");
    for (ResultRow r : rows) file.write(r);
    store.commit(runId, List.of(file.publish()));
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
    commit(store, "r1", rows);

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
    commit(store, "r1", first);
    commit(store, "r2", second);

    assertTrue(store.hasResults());
    assertEquals(Set.of("cfg-0", "cfg-1", "cfg-2", "other"), store.configIds());
    List<ResultRow> all = new ArrayList<>(first);
    all.addAll(second);
    SPARK.assertNoOrderEquals(frame(all), store.read());
    try (Stream<Path> runs = Files.list(tmp.resolve("out/results"))) {
      assertEquals(Set.of("run-r1", "run-r2"),
          runs.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    assertThrows(IOException.class, () -> commit(store, "r1", first), "run ids are never reused");
  }

  @Test
  void aRunThatFailsMidwayLeavesResultsUnchanged() throws IOException {
    ResultStore store = store();
    List<ResultRow> earlier = SampleRows.of("r1", 5);
    commit(store, "r1", earlier);
    Map<String, Long> before = listing(tmp.resolve("out/results"));

    // One task published its file, another failed while writing: the run is abandoned.
    Staging staging = store.staging("r2");
    Staging.RowFile published = staging.open("part-s-00000.parquet");
    for (ResultRow r : SampleRows.of("r2", 10)) published.write(r);
    published.publish();
    Staging.RowFile half = staging.open("part-s-00001.parquet");
    half.write(SampleRows.row("r2", "cfg-x", 1));
    assertTrue(ParquetFiles.files(tmp.resolve("out/_staging/r2")).size() == 1, "only the published file is a .parquet");
    store.abandon("r2");

    assertEquals(before, listing(tmp.resolve("out/results")));
    SPARK.assertNoOrderEquals(frame(earlier), store.read());
    assertFalse(Files.exists(tmp.resolve("out/_staging/r2")));
  }

  @Test
  void aCommitTakesThePublishedFilesOnlyAndRefusesWhenOneIsMissing() throws IOException {
    ResultStore store = store();
    Staging staging = store.staging("r3");
    Staging.RowFile file = staging.open("part-s-00000.parquet");
    List<ResultRow> rows = SampleRows.of("r3", 4);
    for (ResultRow r : rows) file.write(r);
    String name = file.publish();
    // A second attempt of the same task publishes the same name: it keeps one copy.
    Staging.RowFile again = staging.open("part-s-00000.parquet");
    for (ResultRow r : rows) again.write(r);
    assertEquals(name, again.publish());
    // An attempt that never finished, and a file no task reported.
    staging.open("part-s-00001.parquet").write(SampleRows.row("r3", "cfg-y", 2));
    Files.writeString(tmp.resolve("out/_staging/r3/part-s-00009.parquet"), "not reported");

    assertThrows(IOException.class, () -> store.commit("r3", List.of(name, "part-s-00002.parquet")));
    store.commit("r3", List.of(name));
    assertEquals(List.of(tmp.resolve("out/results/run-r3/" + name)), ParquetFiles.files(tmp.resolve("out/results")));
    SPARK.assertNoOrderEquals(frame(rows), store.read());
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
