package klbench.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.UUID;
import klbench.results.ResultRow;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A run's staging folder, {@code <out>/_staging/<run_id>}, as its tasks see it (it travels with
 * the job). A task writes its rows to a file of its own: first under {@code _attempts/} with a name
 * no other attempt uses, then, once complete, renamed to its final name beside {@code _attempts/}.
 * So a failed or retried attempt never leaves half a file under a final name, and two attempts of
 * one task (a retry after a lost executor) publish the same rows under the same name: whichever
 * rename comes second finds the name taken and drops its own copy. {@link ResultStore#commit}
 * then removes {@code _attempts/} and moves the folder into the results in one rename.
 */
final class Staging implements Serializable {
  static final String ATTEMPTS = "_attempts";

  private final String dir;
  private final SerializableConfiguration hadoop;

  Staging(Path dir, org.apache.hadoop.conf.Configuration hadoop) {
    this.dir = dir.toString();
    this.hadoop = new SerializableConfiguration(hadoop);
  }

  /** A new file for one task's rows, to be published as {@code name} (a {@code .parquet} name). */
  RowFile open(String name) throws IOException {
    Path target = new Path(dir, name);
    Path attempt = new Path(new Path(dir, ATTEMPTS), name + "." + UUID.randomUUID() + ".inprogress");
    FileSystem fs = target.getFileSystem(hadoop.value());
    // The driver made the folder and removes it when it abandons the run; a task of a cancelled
    // job that is still running must not bring it back (its writer would create the parents).
    if (!fs.exists(attempt.getParent())) {
      throw new IOException("the run's staging folder " + dir + " is gone: the run was abandoned");
    }
    return new RowFile(fs, attempt, target, ParquetRows.writer(attempt, hadoop.value()));
  }

  /** One task's file of rows: {@link #write} them, then {@link #publish} (or {@link #discard}). */
  static final class RowFile {
    private final FileSystem fs;
    private final Path attempt;
    private final Path target;
    private final ParquetWriter<ResultRow> writer;
    private long rows;
    private boolean closed;

    private RowFile(FileSystem fs, Path attempt, Path target, ParquetWriter<ResultRow> writer) {
      this.fs = fs;
      this.attempt = attempt;
      this.target = target;
      this.writer = writer;
    }

    void write(ResultRow row) throws IOException {
      writer.write(row);
      rows++;
    }

    long rows() { return rows; }

    String name() { return target.getName(); }

    /** Completes the file and gives it its final name; returns that name. */
    String publish() throws IOException {
      closed = true;
      writer.close();
      if (!fs.rename(attempt, target)) {
        // Another attempt of this task published the same rows first (or the run is over).
        fs.delete(attempt, false);
        if (!fs.exists(target)) throw new IOException("could not publish " + attempt + " as " + target);
      }
      return target.getName();
    }

    /** Drops the file (a task that fails). */
    void discard() {
      if (closed) return;
      closed = true;
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        // the file is deleted next; nothing in it is ever read
      }
      try {
        fs.delete(attempt, false);
      } catch (IOException e) {
        // best effort: _attempts/ is removed with the staging folder
      }
    }
  }
}
