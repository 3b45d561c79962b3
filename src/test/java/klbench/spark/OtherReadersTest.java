package klbench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import klbench.grid.Grid;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results are plain Parquet: parquet-hadoop's own record reader (no Spark) reads the same
 * rows as Spark does, every column (timing and run_id included) equal, doubles bit for bit.
 */
class OtherReadersTest {
  @RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2]");

  @TempDir Path tmp;

  @Test
  void parquetHadoopReadsWhatSparkReads() throws IOException {
    Grid grid = TestGrids.tiny(List.of(2, 64), TestGrids.ESTIMATORS);
    String out = tmp.resolve("out").toString();
    RunJob.Outcome first = RunJob.run(SPARK.session(), grid, new RunJob.Options(out, false, 3, null));
    RunJob.Outcome second = RunJob.run(SPARK.session(), grid, new RunJob.Options(out, false, 3, null));

    List<Row> spark = ResultStore.at(SPARK.session(), out).read().collectAsList();
    List<Map<String, Object>> parquet = ParquetFiles.rows(tmp.resolve("out").resolve("results"));
    assertEquals(2 * grid.configurationCount(), spark.size());
    assertEquals(spark.size(), parquet.size());

    Map<String, Map<String, Object>> byKey = new HashMap<>();
    for (Map<String, Object> r : parquet) byKey.put(r.get("run_id") + "/" + r.get("config_id"), r);
    assertEquals(parquet.size(), byKey.size(), "(run_id, config_id) unique");
    int nulls = 0;
    for (Row row : spark) {
      ResultRow r = ResultSchema.fromRow(row);
      Map<String, Object> other = byKey.get(r.get(Column.RUN_ID) + "/" + r.get(Column.CONFIG_ID));
      for (Column c : Column.values()) {
        assertEquals(r.get(c), other.get(c.id()), c.id()); // Double.equals: bit-equal
        if (r.get(c) == null) nulls++;
      }
    }
    // What the second run computed is what was read of the first (run_id and timing aside).
    List<ResultRow> secondRows = new java.util.ArrayList<>();
    for (Row row : spark) {
      if (row.getAs("run_id").equals(second.runId())) secondRows.add(ResultSchema.fromRow(row));
    }
    ParquetFiles.assertSameRows(secondRows,
        parquet.stream().filter(m -> m.get("run_id").equals(first.runId())).toList());
    System.out.println("OtherReadersTest: " + spark.size() + " rows x " + Column.values().length
        + " columns equal in both readers (" + nulls + " nulls)");
  }
}
