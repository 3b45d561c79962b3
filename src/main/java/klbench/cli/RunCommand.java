package klbench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.input.BadInputException;
import klbench.plan.WorkPlan;
import klbench.spark.ResultStore;
import klbench.spark.RunJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code klbench run}: the grid evaluated on Spark, its rows appended to {@code <out>/results}.
 * Every input is checked before Spark starts, so bad input costs a second and writes nothing;
 * {@code --dry-run} stops there (what {@code submit/klbench} does before it submits to a cluster).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Evaluate a grid on Spark and append its rows to <out>/results (Parquet).")
public final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--grid", paramLabel = "FILE",
      description = "The grid file, local or any Hadoop file system URI (default: conf/grid.yaml of the klbench folder).")
  String grid;

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
      description = "Simulation tasks (default: two per core).")
  int partitions;

  @Option(names = "--dry-run", description = "Check every input, print what the run would do, start nothing and write nothing.")
  boolean dryRun;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "The run's id (default: a new one, from the time and 24 random bits); what `status --run` asks about.")
  String runId;

  @Override
  public Integer call() throws IOException {
    // 1. Everything the user gave, checked before anything is started or written.
    String effectiveMaster = SparkSessions.effectiveMaster(master);
    Configuration hadoop = Locations.needsHadoop(grid, out) ? SparkSessions.hadoopConfiguration(effectiveMaster) : null;
    String gridLocation = Locations.grid(grid, "grid.yaml", hadoop);
    String outLocation = Locations.out(out);
    Grid g = GridFile.load(gridLocation, hadoop);
    if (partitions < 0) throw new BadInputException(null, "--partitions", "must be >= 0, got " + partitions);
    if (runId != null && !RunJob.isRunId(runId)) {
      throw new BadInputException(null, "--run-id", "'" + runId + "' is not a run id (letters, digits, '-', '_', '.')");
    }
    SparkSessions.check(effectiveMaster);
    CostGuard.check(g, effectiveMaster, force, CostGuard.maxHours());
    checkWritable(outLocation, hadoop);

    PrintWriter stdout = spec.commandLine().getOut();
    if (dryRun) {
      stdout.printf(Locale.ROOT, "grid %s: %d configurations, %d triples, about %.3g core-seconds by klbench's cost model; out %s%n",
          gridLocation, g.configurationCount(), g.triples().size(), WorkPlan.Work.of(g).seconds(WorkPlan.Needed.ALL), outLocation);
      stdout.flush();
      return 0;
    }

    // 2. The job.
    SparkSession spark = SparkSessions.start(master);
    try {
      long startup = ManagementFactory.getRuntimeMXBean().getUptime();
      RunJob.Outcome outcome = RunJob.run(spark, g, new RunJob.Options(outLocation, resume, partitions, System.err, runId));
      String results = ResultStore.at(spark, outLocation).resultsDir().toString();
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

  /**
   * For a local --out: the folder, or the nearest folder above it that exists, must take a new
   * folder. Probed by creating and removing one, which catches permissions, read-only mounts and
   * /proc alike. Of another file system only its scheme is checked (a file system for it must be
   * on the classpath); reaching it is left to the job.
   */
  static void checkWritable(String out, Configuration hadoop) {
    if (!Locations.isLocal(out)) {
      String scheme = new org.apache.hadoop.fs.Path(out).toUri().getScheme();
      try {
        org.apache.hadoop.fs.FileSystem.getFileSystemClass(scheme, hadoop);
      } catch (IOException e) {
        throw new BadInputException(null, "--out", "no Hadoop file system for '" + scheme + "://' on the classpath"
            + (scheme.startsWith("s3") ? " (s3a:// needs hadoop-aws and its AWS SDK: README, \"Results on HDFS and object stores\")" : ""));
      }
      return;
    }
    URI uri = new org.apache.hadoop.fs.Path(out).toUri();
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
