package klbench.report;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/**
 * Puts a report written on the local disk ({@link Report#write}) at {@code <out>/report} on any
 * Hadoop file system ({@code file:}, {@code hdfs://}, …): copied next to it under a hidden name,
 * then renamed into place in one step after the old report is removed, so that a reader never
 * sees half a report.
 */
public final class ReportFolder {
  private ReportFolder() {}

  /**
   * Copies the folder {@code local} (a report) to {@code <out>/report}, replacing what was there.
   *
   * @return where {@code index.html} now is: a local absolute path for the local file system, else its URI
   */
  public static String publish(java.nio.file.Path local, String out, Configuration conf) throws IOException {
    Path dir = new Path(out);
    // Our own instance (closed below): a local file system must not write .crc files into the
    // report, and the setting must not leak into the instance Spark shares.
    try (FileSystem fs = FileSystem.newInstance(dir.toUri(), conf)) {
      fs.setWriteChecksum(false);
      dir = fs.makeQualified(dir);
      Path target = new Path(dir, "report");
      Path staging = new Path(dir, ".report-" + UUID.randomUUID());
      fs.mkdirs(dir);
      try {
        if (!FileUtil.copy(local.toFile(), fs, staging, false, conf)) throw new IOException("could not copy to " + staging);
        if (fs.exists(target) && !fs.delete(target, true)) throw new IOException("could not remove " + target);
        if (!fs.rename(staging, target)) throw new IOException("could not move " + staging + " to " + target);
      } finally {
        if (fs.exists(staging)) fs.delete(staging, true);
      }
      Path index = new Path(target, "index.html");
      return "file".equals(index.toUri().getScheme())
          ? java.nio.file.Path.of(index.toUri()).toAbsolutePath().toString()
          : index.toString();
    }
  }
}
