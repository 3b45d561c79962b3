package klbench.cli;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import klbench.report.Report;
import klbench.report.ResultViews;
import klbench.report.SeedTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code klbench report}: reads {@code <out>/results}, writes {@code <out>/report/index.html} with
 * its charts and prints that path; with {@code --seed-table}, prints the README's headline table
 * (markdown) instead.
 *
 * <p>Spark runs embedded ({@code local[*]}) unless a master is configured: {@code --master}, or
 * {@code spark.master} as set by spark-submit. The report itself is written on the driver's local
 * file system. Exit status 0, or 2 with one line on stderr when there is no row to report on.
 */
@Command(name = "report",
    description = {
        "Write <out>/report/index.html (tables and PNG charts, readable offline) from <out>/results.",
        "Where a configuration (config_id) is in several runs, the latest run's row is used."})
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--out", defaultValue = "results", paramLabel = "DIR",
      description = "Output folder of the runs (default: ${DEFAULT-VALUE}); the report goes to DIR/report.")
  Path out;

  @Option(names = "--run", paramLabel = "RUN_ID", description = "Report on this run only (default: every run).")
  String run;

  @Option(names = "--seed-table",
      description = "Print the README's headline table (markdown) from the seed grid's rows "
          + "(run_name '" + SeedTable.SEED_RUN_NAME + "', or --run) instead of writing the report.")
  boolean seedTable;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark.master if set, else local[*]).")
  String master;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outWriter = spec.commandLine().getOut();
    // A session that already exists (an embedding program, a test) is used and left running.
    boolean ours = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSessions.check(SparkSessions.effectiveMaster(master));
    SparkSession spark = SparkSessions.start(master);
    // Spark's own INFO lines would bury the one line this command prints (the launcher's log4j2
    // configuration, when there is one, silences start-up as well).
    if (ours) spark.sparkContext().setLogLevel("WARN");
    try {
      Dataset<Row> results = ResultViews.read(spark, out.toString());
      if (seedTable) {
        Dataset<Row> rows = ResultViews.latest(results, run);
        if (run == null) {
          Dataset<Row> seed = rows.filter(col("run_name").equalTo(SeedTable.SEED_RUN_NAME));
          if (!seed.isEmpty()) rows = seed;
        }
        outWriter.print(SeedTable.markdown(rows));
      } else {
        Path index = Report.write(results, out, run);
        outWriter.println(index.toAbsolutePath());
      }
      outWriter.flush();
      return 0;
    } catch (Report.NoResultsException e) {
      err.println("klbench report: " + e.getMessage() + " in " + out.resolve("results")
          + (run == null ? " (run `klbench run` first, or check --out)" : ""));
      err.flush();
      return 2;
    } finally {
      if (ours) spark.stop();
    }
  }


  /** Runs the command alone (until the lead registers it in {@code klbench.cli.Main}). */
  public static void main(String... args) {
    System.exit(new CommandLine(new ReportCommand()).execute(args));
  }
}
