package klbench.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import klbench.input.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where the files a command names are: {@code --grid}, {@code --out}. Each is a path of any Hadoop
 * file system ({@code file:}, {@code hdfs://}, {@code s3a://}, …) or a plain local path.
 *
 * <p>In cluster deploy mode the driver runs in a worker's scratch folder, so a relative path would
 * silently mean a folder there: a relative {@code --out} is refused, and a relative {@code --grid}
 * is taken from the files shipped with {@code --files} ({@code spark.files}) when one has that name
 * (YARN also puts them in the driver's working folder, where the name resolves as it is); else it
 * is refused too. {@code submit/klbench} makes paths absolute before it submits.
 */
final class Locations {
  private Locations() {}

  /** True in a driver that spark-submit started in cluster deploy mode. */
  static boolean inClusterDeployMode() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /**
   * True when reading these locations needs a Hadoop configuration (building one costs a few
   * hundred milliseconds, which bad input on local files should not pay): a URI of another file
   * system, or a driver in cluster deploy mode.
   */
  static boolean needsHadoop(String... locations) {
    if (inClusterDeployMode()) return true;
    for (String l : locations) {
      if (l != null && !isLocal(l)) return true;
    }
    return false;
  }

  /** True for a path without a scheme that does not start at the root. */
  static boolean isRelative(String location) {
    URI uri = new org.apache.hadoop.fs.Path(location).toUri();
    return uri.getScheme() == null && !location.startsWith("/");
  }

  /** True for a path of the local file system (no scheme, or {@code file:}). */
  static boolean isLocal(String location) {
    String scheme = new org.apache.hadoop.fs.Path(location).toUri().getScheme();
    return scheme == null || scheme.equals("file");
  }

  /**
   * The grid file to read: {@code option}, or {@code conf/<defaultName>} of the klbench folder.
   *
   * @throws BadInputException naming --grid, in cluster deploy mode, for a relative path that
   *     names no file in the working folder nor in spark.files
   */
  static String grid(String option, String defaultName, Configuration hadoop) {
    if (option == null) {
      if (inClusterDeployMode() && System.getProperty("klbench.home") == null) {
        throw new BadInputException(null, "--grid", "give the grid file: in cluster deploy mode there is no klbench folder to take conf/"
            + defaultName + " from");
      }
      String home = System.getProperty("klbench.home");
      return (home == null ? Path.of("conf", defaultName) : Path.of(home, "conf", defaultName)).toString();
    }
    if (!inClusterDeployMode() || !isRelative(option) || exists(option, hadoop)) return option;
    String shipped = shippedFile(option);
    if (shipped != null) return shipped;
    throw new BadInputException(option, "--grid", "a relative path in cluster deploy mode names a file in the driver's scratch folder on a worker: "
        + "give an absolute path or a URI (hdfs://…), or ship the file with --files");
  }

  /**
   * The output folder.
   *
   * @throws BadInputException naming --out for a relative path in cluster deploy mode
   */
  static String out(String option) {
    if (inClusterDeployMode() && isRelative(option)) {
      throw new BadInputException(null, "--out", "'" + option + "' is relative: in cluster deploy mode it would be a folder in the driver's "
          + "scratch folder on a worker; give an absolute path or a URI (hdfs://…)");
    }
    return option;
  }

  /** The spark.files entry (a comma-separated list of URIs) whose file name is {@code name}, or null. */
  static String shippedFile(String name) {
    String files = System.getProperty("spark.files");
    if (files == null || name.contains("/")) return null;
    for (String f : files.split(",")) {
      String uri = f.trim();
      if (!uri.isEmpty() && new org.apache.hadoop.fs.Path(uri).getName().equals(name)) return uri;
    }
    return null;
  }

  private static boolean exists(String location, Configuration hadoop) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      FileSystem fs = p.getFileSystem(hadoop);
      return fs.exists(p);
    } catch (IOException e) {
      return false;
    }
  }
}
