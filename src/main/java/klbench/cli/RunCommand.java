package klbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.input.BadInputException;
import klbench.spark.ResultStore;
import klbench.spark.RunJob;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code klbench run}: the grid evaluated on Spark, its rows appended to {@code <out>/results}.
 * Every input is checked before Spark starts, so bad input costs a second and writes nothing.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Evaluate a grid on Spark and append its rows to <out>/results (Parquet).")
public final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--grid", paramLabel = "FILE", description = "The grid file (default: conf/grid.yaml of the klbench folder).")
  Path grid;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "results",
      description = "The output folder, local or any Hadoop file system URI (default: ${DEFAULT-VALUE}).")
  String out;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: the one spark-submit gives, else embedded local[*]).")
  String master;

  @Option(names = "--resume", description = "Skip configurations whose config_id is already in <out>/results.")
  boolean resume;

  @Option(names = "--force", description = "Run a grid even when its estimated time on this machine is beyond the limit (2 h).")
  boolean force;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = "Partitions of the simulation (default: three per core).")
  int partitions;

  @Override
  public Integer call() throws IOException {
    // 1. Everything the user gave, checked before anything is started or written.
    Grid g = GridFile.load(gridFile());
    if (partitions < 0) throw new BadInputException(null, "--partitions", "must be >= 0, got " + partitions);
    String effectiveMaster = SparkSessions.effectiveMaster(master);
    SparkSessions.check(effectiveMaster);
    CostGuard.check(g, effectiveMaster, force, CostGuard.maxHours());
    checkWritable(out);

    // 2. The job.
    PrintWriter stdout = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.start(master);
    try {
      long startup = ManagementFactory.getRuntimeMXBean().getUptime();
      RunJob.Outcome outcome = RunJob.run(spark, g, new RunJob.Options(out, resume, partitions, System.err));
      String results = ResultStore.at(spark, out).resultsDir().toString();
      // In local mode the executors are this JVM, so its CPU time is the whole cost of the run.
      long processCpu = spark.sparkContext().isLocal() ? processCpuMillis() : 0;
      stdout.print(RunSummary.format(outcome, results, startup, spark.sparkContext().defaultParallelism(), processCpu));
      stdout.flush();
    } finally {
      spark.stop();
    }
    return 0;
  }

  private static long processCpuMillis() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1_000_000 : 0;
  }

  private Path gridFile() {
    if (grid != null) return grid;
    return Path.of(System.getProperty("klbench.home", "."), "conf", "grid.yaml");
  }

  /**
   * For a local --out: the folder, or the nearest folder above it that exists, must take a new
   * folder. Probed by creating and removing one, which catches permissions, read-only mounts and
   * /proc alike. Other file systems are left to the job.
   */
  static void checkWritable(String out) {
    URI uri = new org.apache.hadoop.fs.Path(out).toUri();
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) return;
    Path path = Path.of(uri.getPath()).toAbsolutePath();
    Path existing = path;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null || !Files.isDirectory(existing)) {
      throw new BadInputException(null, "--out", (existing == null ? path : existing) + " is not a folder");
    }
    try {
      Files.delete(Files.createTempDirectory(existing, ".klbench-write-check"));
    } catch (IOException | SecurityException e) {
      throw new BadInputException(null, "--out", "cannot write in " + existing + " (" + e.getMessage() + ")");
    }
  }
}
