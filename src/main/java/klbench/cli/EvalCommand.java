package klbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.input.BadInputException;
import klbench.results.Column;
import klbench.results.JsonLines;
import klbench.results.ResultRow;
import klbench.results.Tables;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code klbench eval}: a small grid evaluated in this process, no Spark; one row per configuration. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate a small grid in this process (no Spark) and print one row per configuration.")
public final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--grid", paramLabel = "FILE",
      description = "The grid file, local or any Hadoop file system URI (default: conf/eval.yaml of the klbench folder).")
  String grid;

  @Option(names = "--json", description = "One JSON object per line, keyed by column name, with every result column.")
  boolean json;

  @Option(names = "--columns", split = ",", paramLabel = "COLUMN",
      description = "The columns to print, comma-separated (default: a readable subset; all with --json).")
  List<String> columns;

  @Override
  public Integer call() {
    // Everything that can be bad input is checked before the first line is printed.
    List<Column> selected = selectedColumns();
    // No Spark here, but the same Hadoop configuration a session would have (spark.hadoop.* included).
    Configuration hadoop = Locations.needsHadoop(grid) ? SparkSessions.hadoopConfiguration(SparkSessions.EMBEDDED) : null;
    Grid g = GridFile.load(Locations.grid(grid, "eval.yaml", hadoop), hadoop);
    String runId = UUID.randomUUID().toString();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      LocalEvaluation.run(g, runId, row -> {
        out.println(JsonLines.line(row, selected));
        out.flush();
      });
    } else {
      List<ResultRow> rows = new ArrayList<>();
      LocalEvaluation.run(g, runId, rows::add);
      out.print(Tables.format(rows, columns == null ? withoutEmptyReason(rows, selected) : selected));
      out.flush();
    }
    return 0;
  }

  private List<Column> selectedColumns() {
    if (columns == null) return json ? List.of(Column.values()) : Tables.DEFAULT_COLUMNS;
    try {
      return Tables.columns(columns);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(null, "--columns", e.getMessage());
    }
  }

  /** The default table drops infeasible_reason when no row has one: it is wide and usually empty. */
  private static List<Column> withoutEmptyReason(List<ResultRow> rows, List<Column> cols) {
    for (ResultRow r : rows) if (r.get(Column.INFEASIBLE_REASON) != null) return cols;
    List<Column> out = new ArrayList<>(cols);
    out.remove(Column.INFEASIBLE_REASON);
    return out;
  }
}
