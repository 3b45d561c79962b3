package klbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import klbench.input.BadInputException;
import klbench.report.ResultViews;
import klbench.results.Tables;
import klbench.spark.ResultStore;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scala.collection.JavaConverters;

/**
 * {@code klbench query}: Spark SQL over the results, registered as the views {@code results},
 * {@code latest} and {@code leaderboard} ({@link ResultViews}).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {"Run Spark SQL over <out>/results, registered as the view `results` (every row),",
        "`latest` (one row per config_id, the latest run's, with kl_level, on_policy, is_preset)",
        "and `leaderboard` (the report's leaderboard tables, ranked by `place`)."})
public final class QueryCommand implements Callable<Integer> {

  enum Format { table, csv, json }

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "results",
      description = "The output folder of the runs, local or any Hadoop file system URI (default: ${DEFAULT-VALUE}).")
  String out;

  @Option(names = "--file", paramLabel = "FILE", description = "Read the SQL from this file.")
  Path file;

  @Option(names = "--format", defaultValue = "table",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); json is one object per line.")
  Format format;

  @Parameters(arity = "0..1", paramLabel = "SQL", description = "The query, e.g. \"SELECT estimator, avg(grad_rel_rmse) FROM results GROUP BY 1\".")
  String sql;

  @Override
  public Integer call() throws IOException {
    String query = query();
    String out = Locations.out(this.out);
    boolean any;
    try {
      any = ResultStore.hasResults(out, SparkSessions.hadoopConfiguration(SparkSessions.effectiveMaster(null)));
    } catch (IOException e) {
      throw new BadInputException(null, "--out", "cannot read " + out + ": " + Main.oneLine(String.valueOf(e.getMessage())));
    }
    if (!any) {
      throw new BadInputException(null, "--out", "no results in " + out + "/results (run `klbench run --out " + out + "` first)");
    }
    SparkSession spark = SparkSessions.start(null);
    try {
      ResultViews.register(ResultViews.read(spark, out));
      Dataset<Row> result;
      List<Row> rows;
      try {
        result = spark.sql(query);
        rows = result.collectAsList();
      } catch (Exception e) { // AnalysisException (ParseException too) is checked but thrown undeclared
        if (e instanceof AnalysisException a) throw new BadInputException(null, "SQL", firstLine(a.getMessage()));
        throw e;
      }
      print(spec.commandLine().getOut(), result.schema().fields(), rows);
    } finally {
      spark.stop();
    }
    return 0;
  }

  private String query() throws IOException {
    if ((file == null) == (sql == null)) {
      throw new BadInputException(null, "SQL", "give the query either as an argument or with --file, not " + (file == null ? "neither" : "both"));
    }
    if (sql != null) return sql;
    if (!Files.isRegularFile(file)) throw new BadInputException(file.toString(), null, "no such file");
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private void print(PrintWriter w, StructField[] fields, List<Row> rows) {
    List<String> header = new ArrayList<>();
    for (StructField f : fields) header.add(f.name());
    switch (format) {
      case table -> {
        List<Object[]> cells = new ArrayList<>();
        for (Row r : rows) cells.add(values(r));
        w.print(Tables.formatValues(header, cells));
      }
      case csv -> {
        w.println(String.join(",", header.stream().map(QueryCommand::csv).toList()));
        for (Row r : rows) {
          List<String> line = new ArrayList<>();
          for (Object v : values(r)) {
            JsonNode n = node(v);
            line.add(n.isNull() ? "" : csv(n.isValueNode() ? n.asText() : n.toString()));
          }
          w.println(String.join(",", line));
        }
      }
      case json -> {
        for (Row r : rows) {
          ObjectNode o = JSON.createObjectNode();
          Object[] v = values(r);
          for (int i = 0; i < v.length; i++) o.set(header.get(i), node(v[i]));
          w.println(o.toString());
        }
      }
    }
    w.flush();
  }

  private static Object[] values(Row r) {
    Object[] v = new Object[r.length()];
    for (int i = 0; i < v.length; i++) v[i] = r.get(i);
    return v;
  }

  /** A Spark value as JSON: nested rows, arrays and maps included; NaN and ±∞ as null (JSON has neither). */
  private static JsonNode node(Object v) {
    if (v == null || v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
      return NullNode.getInstance();
    }
    if (v instanceof Row r) {
      ObjectNode o = JSON.createObjectNode();
      for (int i = 0; i < r.length(); i++) o.set(r.schema().fields()[i].name(), node(r.get(i)));
      return o;
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      ArrayNode a = JSON.createArrayNode();
      for (Object x : JavaConverters.seqAsJavaList(seq)) a.add(node(x));
      return a;
    }
    if (v instanceof scala.collection.Map<?, ?> map) {
      ObjectNode o = JSON.createObjectNode();
      JavaConverters.mapAsJavaMap(map).forEach((k, x) -> o.set(String.valueOf(k), node(x)));
      return o;
    }
    if (v instanceof java.util.Date || v instanceof java.time.temporal.Temporal) return TextNode.valueOf(v.toString());
    return JSON.valueToTree(v);
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break. */
  private static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private static String firstLine(String message) {
    String m = message == null ? "invalid query" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }
}
