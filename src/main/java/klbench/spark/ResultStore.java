package klbench.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The output folder {@code <out>} of klbench, on any Hadoop file system:
 *
 * <pre>
 * &lt;out&gt;/results/run-&lt;run_id&gt;/part-*.parquet   one folder per finished run: the dataset
 * &lt;out&gt;/runs/&lt;run_id&gt;/grid.yaml, run.json       the grid as given, the record of the run
 * &lt;out&gt;/_staging/&lt;run_id&gt;/                     a run's rows while they are being written
 * </pre>
 *
 * <p>A run's tasks write its rows to {@code _staging/<run_id>} ({@link Staging}) and, once the
 * run is complete, the folder is moved into {@code results/} by one directory rename (atomic on a
 * local file system and on HDFS). Readers of {@code results/} therefore see every run either whole
 * or not at all: a run that fails, or one running beside another, never half-fills or corrupts
 * what earlier runs wrote. On an object store (s3a://) a rename is a copy of each file and then a
 * delete: the commit is neither atomic nor fast there (README, "Results on HDFS and object
 * stores").
 *
 * <p>Why {@code run-<run_id>} and not a Hive-style {@code run_id=<id>} folder: a {@code key=value}
 * folder makes Spark add a partition column whose type it infers from the folder names (a run id
 * that parses as a number or a date would come back as one) and whose place depends on whether the
 * files hold it too. A folder name without {@code =} is no partition at all, so the columns read
 * are exactly those stored in the files: {@link ResultSchema}'s, {@code run_id} included, in
 * {@link klbench.results.Column} order, whatever the run ids look like. The price: Spark reads only
 * the files directly under a non-partitioned root, so a reader of {@code results/} passes {@code
 * recursiveFileLookup=true} (as {@link #read} does) or the glob {@code results/*}.
 *
 * <p>{@code _staging/} itself is left in place: removing it could race with a concurrent run that
 * is creating its own staging folder in it.
 */
public final class ResultStore {
  private static final String RUN_PREFIX = "run-";

  private final SparkSession spark;
  private final Configuration hadoop;
  private final FileSystem fs;
  private final Path out;

  private ResultStore(SparkSession spark, Configuration hadoop, FileSystem fs, Path out) {
    this.spark = spark;
    this.hadoop = hadoop;
    this.fs = fs;
    this.out = out;
  }

  /** The store at {@code out} (a local path or any Hadoop file system URI), with the session's Hadoop configuration. */
  public static ResultStore at(SparkSession spark, String out) throws IOException {
    return at(spark, spark.sparkContext().hadoopConfiguration(), out);
  }

  private static ResultStore at(SparkSession spark, Configuration hadoop, String out) throws IOException {
    Path path = new Path(out);
    FileSystem fs = path.getFileSystem(hadoop);
    return new ResultStore(spark, hadoop, fs, fs.makeQualified(path));
  }

  /** True when runs have been committed under {@code out}; needs no Spark session. */
  public static boolean hasResults(String out, Configuration hadoop) throws IOException {
    return at(hadoop, out).hasResults();
  }

  /** The store at {@code out} without a Spark session: its files only, not {@link #read}. */
  public static ResultStore at(Configuration hadoop, String out) throws IOException {
    return at(null, hadoop, out);
  }

  public Path out() { return out; }

  public Path resultsDir() { return new Path(out, "results"); }

  public Path runDir(String runId) { return new Path(new Path(out, "runs"), runId); }

  Path stagingDir(String runId) { return new Path(new Path(out, "_staging"), runId); }

  Path committedDir(String runId) { return new Path(resultsDir(), RUN_PREFIX + runId); }

  /** True when at least one run has been committed to {@code results/}. */
  public boolean hasResults() throws IOException {
    if (!fs.exists(resultsDir())) return false;
    for (FileStatus s : fs.listStatus(resultsDir())) {
      if (s.isDirectory() && s.getPath().getName().startsWith(RUN_PREFIX)) return true;
    }
    return false;
  }

  /**
   * Every committed row, with the schema of {@link ResultSchema} (given, not inferred: a run
   * written before a column was added reads that column as null). Empty when there are none.
   */
  public Dataset<Row> read() throws IOException {
    if (!hasResults()) return spark.createDataFrame(List.of(), ResultSchema.schema());
    return spark.read()
        .schema(ResultSchema.schema())
        .option("recursiveFileLookup", "true")
        .parquet(resultsDir().toString());
  }

  /** The config_id of every committed row. */
  public Set<String> configIds() throws IOException {
    Set<String> ids = new HashSet<>();
    for (Row r : read().select("config_id").distinct().collectAsList()) ids.add(r.getString(0));
    return ids;
  }

  /** A file of the run's record folder, {@code runs/<run_id>/<name>}, or null when there is none. */
  public byte[] readRunFile(String runId, String name) throws IOException {
    Path file = new Path(runDir(runId), name);
    if (!fs.exists(file)) return null;
    try (java.io.InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  /** Writes a file of the run's record folder, {@code runs/<run_id>/<name>}, replacing it. */
  public void writeRunFile(String runId, String name, byte[] content) throws IOException {
    try (OutputStream o = fs.create(new Path(runDir(runId), name), true)) {
      o.write(content);
    }
  }

  /**
   * Where the run's tasks write its rows (see {@link Staging}), created here on the driver: a task
   * writes only into a folder that exists, so that one outliving its abandoned run cannot
   * recreate it.
   */
  Staging staging(String runId) throws IOException {
    fs.mkdirs(new Path(stagingDir(runId), Staging.ATTEMPTS));
    return new Staging(stagingDir(runId), hadoop);
  }

  /**
   * Moves a run's staged rows into {@code results/} in one rename: the files its tasks published
   * ({@code files}, by name), nothing else. The caller commits nothing for a run of no rows.
   *
   * @throws IOException when a file is missing, or the run's folder exists already
   */
  void commit(String runId, Collection<String> files) throws IOException {
    Path staging = stagingDir(runId);
    Path target = committedDir(runId);
    if (fs.exists(target)) throw new IOException(target + " exists already: run ids must be unique");
    fs.delete(new Path(staging, Staging.ATTEMPTS), true);
    Set<String> expected = new TreeSet<>(files);
    for (FileStatus s : fs.listStatus(staging)) {
      String name = s.getPath().getName();
      // Not one of the run's files: a leftover of an attempt whose task later ran again elsewhere.
      if (!expected.remove(name) && !name.startsWith(".") && !name.startsWith("_")) fs.delete(s.getPath(), true);
    }
    if (!expected.isEmpty()) throw new IOException("staged files missing in " + staging + ": " + expected);
    fs.mkdirs(resultsDir());
    if (!fs.rename(staging, target)) {
      throw new IOException("could not move " + staging + " to " + target);
    }
  }

  /**
   * Removes a run's staging folder, with whatever a failed run left in it (or the empty one of a run
   * that wrote no rows); {@code results/} is untouched.
   */
  public void abandon(String runId) {
    try {
      fs.delete(stagingDir(runId), true);
    } catch (IOException e) {
      // Best effort: a leftover staging folder is never read.
    }
  }
}
