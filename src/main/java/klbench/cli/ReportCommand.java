package klbench.cli;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.stream.Stream;
import klbench.input.BadInputException;
import java.util.concurrent.Callable;
import klbench.report.Report;
import klbench.report.ReportFolder;
import klbench.report.ResultViews;
import klbench.report.SeedTable;
import klbench.report.SequenceTable;
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
 * its charts and prints that path; with {@code --seed-table} or {@code --sequence-table}, prints
 * the README's headline table or its sequence table (markdown) instead.
 *
 * <p>Spark runs embedded ({@code local[*]}) unless a master is configured: {@code --master}, or
 * {@code spark.master} as set by spark-submit. {@code --out} is any Hadoop path: the results are
 * read with Spark, the report is written in a local temporary folder, then copied to {@code
 * <out>/report} through the Hadoop file system. Exit status 0, or 2 with one line on stderr when
 * there is no row to report on or {@code --out} cannot be read or written.
 */
@Command(name = "report",
    description = {
        "Write <out>/report/index.html (tables, interactive and PNG charts, readable offline from the folder)",
        "from <out>/results.",
        "Where a configuration (config_id) is in several runs, the latest run's row is used."})
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--out", defaultValue = "results", paramLabel = "DIR",
      description = "Output folder of the runs, a local path or any Hadoop file system URI such as hdfs://host/dir "
          + "(default: ${DEFAULT-VALUE}); the report goes to DIR/report.")
  String out;

  @Option(names = "--run", paramLabel = "RUN_ID", description = "Report on this run only (default: every run).")
  String run;

  @Option(names = "--seed-table",
      description = "Print the README's headline table (markdown) from the seed grid's rows "
          + "(run_name '" + SeedTable.SEED_RUN_NAME + "', or --run) instead of writing the report.")
  boolean seedTable;

  @Option(names = "--sequence-table",
      description = "Print the README's sequence table (markdown) from the rows of conf/grid-seq.yaml "
          + "(run_name '" + SequenceTable.SEQUENCE_RUN_NAME + "', or --run) instead of writing the report.")
  boolean sequenceTable;

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
    if (seedTable && sequenceTable) {
      throw new BadInputException(null, "--sequence-table", "prints one table at a time: drop --seed-table or --sequence-table");
    }
    // A session that already exists (an embedding program, a test) is used and left running.
    boolean ours = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSessions.check(SparkSessions.effectiveMaster(master));
    SparkSession spark = SparkSessions.start(master);
    // Spark's own INFO lines would bury the one line this command prints (the launcher's log4j2
    // configuration, when there is one, silences start-up as well).
    if (ours) spark.sparkContext().setLogLevel("WARN");
    java.nio.file.Path local = null;
    try {
      Dataset<Row> results = read(spark);
      if (seedTable) {
        outWriter.print(SeedTable.markdown(tableRows(results, SeedTable.SEED_RUN_NAME)));
      } else if (sequenceTable) {
        outWriter.print(SequenceTable.markdown(tableRows(results, SequenceTable.SEQUENCE_RUN_NAME)));
      } else {
        // Written on the local disk, then copied through the Hadoop file system of --out.
        local = Files.createTempDirectory("klbench-report-");
        java.nio.file.Path report = Report.write(results, local, run).getParent();
        String index;
        try {
          index = ReportFolder.publish(report, out, spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
          throw new BadInputException(null, "--out", out + ": cannot write the report there: " + e.getMessage(), e);
        }
        outWriter.println(index);
      }
      outWriter.flush();
      return 0;
    } catch (Report.NoResultsException e) {
      err.println("klbench report: " + e.getMessage() + " in " + out + "/results"
          + (run == null ? " (run `klbench run` first, or check --out)" : ""));
      err.flush();
      return 2;
    } finally {
      if (local != null) deleteTree(local);
      if (ours) spark.stop();
    }
  }

  /** The latest rows of --run, or else of the runs named {@code runName} if any, or else all. */
  private Dataset<Row> tableRows(Dataset<Row> results, String runName) {
    Dataset<Row> rows = ResultViews.latest(results, run);
    if (run != null) return rows;
    Dataset<Row> named = rows.filter(col("run_name").equalTo(runName));
    return named.isEmpty() ? rows : named;
  }

  /** Every committed row under {@code <out>/results}; a folder no file system can read is bad input. */
  private Dataset<Row> read(SparkSession spark) {
    try {
      return ResultViews.read(spark, out);
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException(null, "--out", out + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(java.nio.file.Path p) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.walk(p)) {
      for (java.nio.file.Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }

  /** Runs the command alone (until the lead registers it in {@code klbench.cli.Main}). */
  public static void main(String... args) {
    System.exit(new CommandLine(new ReportCommand()).execute(args));
  }
}
