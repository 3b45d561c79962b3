package klbench.distributions;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Where the data files a family names are read from, and where their contents go.
 *
 * @param folder what relative paths start from (the grid file's folder, on its file system)
 * @param hadoop the Hadoop configuration the files are read with
 * @param contents collects every column read, keyed by content, for {@link FileVectors}
 */
public record FileSource(Path folder, Configuration hadoop, FileVectors.Builder contents) {
  /** The file {@code path} names: itself when absolute (or a URI), else under {@link #folder}. */
  public Path resolve(String path) {
    Path p = new Path(path);
    return p.isAbsolute() || p.toUri().getScheme() != null ? p : new Path(folder, p);
  }
}
