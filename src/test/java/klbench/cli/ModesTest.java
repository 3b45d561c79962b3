package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import klbench.results.Column;
import klbench.results.ResultRow;
import klbench.spark.ResultSchema;
import klbench.spark.ResultStore;
import klbench.spark.RunJobTest;
import klbench.spark.SparkSuite;
import klbench.spark.TestGrids;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One grid through {@code run} on local[1] with 1 partition, {@code run} on local[2] with 7
 * partitions, and {@code eval --json}: the same numbers, bit for bit. The two runs make and stop
 * their own sessions (as the command does), so the comparing session starts only after them.
 */
class ModesTest {
  @TempDir static Path tmp;

  static final SparkSuite SPARK = new SparkSuite("local[2]");
  static Cli oneCore;
  static Cli twoCores;
  static Cli eval;

  @BeforeAll
  static void runTheGridThreeWays() {
    Path grid = TestGrids.write(tmp);
    oneCore = Cli.run("run", "--grid", grid.toString(), "--out", tmp.resolve("one").toString(),
        "--master", "local[1]", "--partitions", "1");
    twoCores = Cli.run("run", "--grid", grid.toString(), "--out", tmp.resolve("two").toString(),
        "--master", "local[2]", "--partitions", "7");
    eval = Cli.run("eval", "--grid", grid.toString(), "--json");
    SPARK.start();
  }

  @AfterAll
  static void stop() {
    SPARK.stop();
  }

  private static Dataset<Row> results(String out) throws Exception {
    return ResultStore.at(SPARK.session(), tmp.resolve(out).toString()).read();
  }

  private static List<ResultRow> sorted(Dataset<Row> rows) {
    List<ResultRow> out = new ArrayList<>();
    for (Row r : rows.orderBy("config_id").collectAsList()) out.add(ResultSchema.fromRow(r));
    return out;
  }

  @Test
  void runOnOneCoreAndOnePartitionEqualsRunOnTwoCoresAndSevenPartitions() throws Exception {
    assertEquals(0, oneCore.status(), oneCore.toString());
    assertEquals(0, twoCores.status(), twoCores.toString());
    Dataset<Row> one = results("one");
    Dataset<Row> two = results("two");
    assertEquals(TestGrids.tiny().configurationCount(), one.count());
    SPARK.assertNoOrderEquals(
        one.drop("run_id", "elapsed_ms", "samples_per_second"), two.drop("run_id", "elapsed_ms", "samples_per_second"));
    RunJobTest.assertSameNumbers(sorted(one), sorted(two)); // and bit for bit (-0.0 vs 0.0, NaN payloads)
  }

  @Test
  void runWritesWhatEvalPrints() throws Exception {
    assertEquals(0, eval.status(), eval.toString());
    ObjectMapper json = new ObjectMapper();
    List<ResultRow> printed = new ArrayList<>();
    for (String line : eval.out().split("\n")) {
      JsonNode o = json.readTree(line);
      ResultRow r = new ResultRow();
      for (Column c : Column.values()) {
        JsonNode v = o.get(c.id());
        if (v == null || v.isNull()) continue;
        r.set(c, switch (c.type()) {
          case STRING -> v.asText();
          case INT -> v.intValue();
          case LONG -> v.longValue();
          case DOUBLE -> v.doubleValue(); // Jackson prints the shortest text that reads back to the same double
          case BOOLEAN -> v.booleanValue();
        });
      }
      printed.add(r);
    }
    printed.sort((a, b) -> ((String) a.get(Column.CONFIG_ID)).compareTo((String) b.get(Column.CONFIG_ID)));
    RunJobTest.assertSameNumbers(printed, sorted(results("one")));
    assertEquals(List.of(), listDir(tmp.resolve("one/_staging")));
  }

  private static List<Path> listDir(Path dir) throws Exception {
    if (!Files.exists(dir)) return List.of();
    try (var s = Files.list(dir)) {
      return s.toList();
    }
  }
}
