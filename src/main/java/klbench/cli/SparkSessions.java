package klbench.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import klbench.input.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;

/**
 * Where the command line makes its Spark session (library code never does): master and defaults.
 *
 * <ul>
 *   <li>Master: {@code --master} when given; else the one spark-submit set ({@code spark.master});
 *       else embedded {@code local[*]}.
 *   <li>Embedded runs (a {@code local} master) take {@code conf/spark-defaults.conf}, below any
 *       setting given another way.
 *   <li>A cluster master is checked before Spark starts: a refused or silent port becomes one line
 *       of bad input instead of a minute of retries and a stack trace.
 * </ul>
 */
final class SparkSessions {
  static final String EMBEDDED = "local[*]";
  private static final int CONNECT_TIMEOUT_MS = 3_000;

  private SparkSessions() {}

  /** The master a session will get: the option, else spark-submit's, else embedded local[*]. */
  static String effectiveMaster(String option) {
    if (option != null) return option;
    String submitted = System.getProperty("spark.master");
    return submitted != null ? submitted : EMBEDDED;
  }

  /**
   * Checks a master URL: its form, and for {@code spark://} and {@code k8s://} that something
   * listens at its address.
   *
   * @throws BadInputException naming --master
   */
  static void check(String master) {
    if (Masters.isLocal(master)) return;
    if (master.startsWith("spark://")) {
      String problem = null;
      for (String hostPort : master.substring("spark://".length()).split(",")) {
        problem = unreachable(hostPort, 7077);
        if (problem == null) return; // one live master of an HA list is enough
      }
      throw bad("cannot reach the Spark master " + master + " (" + problem + ")");
    }
    if (master.startsWith("k8s://")) {
      String api = master.substring("k8s://".length());
      URI uri = URI.create(api.contains("://") ? api : "https://" + api);
      String problem = unreachable(uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 443), 443);
      if (problem != null) throw bad("cannot reach the Kubernetes API server " + api + " (" + problem + ")");
      return;
    }
    if (master.equals("yarn")) {
      if (System.getenv("HADOOP_CONF_DIR") == null && System.getenv("YARN_CONF_DIR") == null) {
        throw bad("yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR to find the resource manager");
      }
      return;
    }
    throw bad("'" + master + "' is not a Spark master URL (local[N], local[*], spark://HOST:PORT, yarn, k8s://HOST:PORT)");
  }

  /** Null when a TCP connection to host:port opens within the timeout, else why not. */
  private static String unreachable(String hostPort, int defaultPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    int port;
    try {
      port = colon < 0 ? defaultPort : Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return "bad port in " + hostPort;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      return null;
    } catch (IOException e) {
      return host + ":" + port + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  /**
   * Starts (or joins) the session of this process. Call {@link #check} first.
   *
   * @param masterOption --master, or null for spark-submit's master or embedded local[*]
   */
  static SparkSession start(String masterOption) {
    String master = effectiveMaster(masterOption);
    SparkSession.Builder builder = SparkSession.builder().appName("klbench");
    if (masterOption != null || System.getProperty("spark.master") == null) builder.master(master);
    if (Masters.isLocal(master)) {
      Properties defaults = embeddedDefaults();
      for (String key : defaults.stringPropertyNames()) {
        if (System.getProperty(key) == null) builder.config(key, defaults.getProperty(key).trim());
      }
    }
    return builder.getOrCreate();
  }

  /**
   * The Hadoop configuration a session on {@code master} will have, before any session starts:
   * Hadoop's own files (core-site.xml, hdfs-site.xml on the classpath, e.g. from HADOOP_CONF_DIR),
   * then every {@code spark.hadoop.*} setting (spark-submit's, and for embedded runs
   * conf/spark-defaults.conf's), as Spark builds it. Checks that read --grid or --out use it.
   */
  static Configuration hadoopConfiguration(String master) {
    SparkConf conf = new SparkConf(); // every spark.* system property, as spark-submit sets them
    if (Masters.isLocal(master)) {
      Properties defaults = embeddedDefaults();
      for (String key : defaults.stringPropertyNames()) {
        if (!conf.contains(key)) conf.set(key, defaults.getProperty(key).trim());
      }
    }
    return SparkHadoopUtil.get().newConfiguration(conf);
  }

  /** conf/spark-defaults.conf of the klbench folder ({@code -Dklbench.home}, else the working folder). */
  static Properties embeddedDefaults() {
    Properties p = new Properties();
    Path file = Path.of(System.getProperty("klbench.home", "."), "conf", "spark-defaults.conf");
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r); // the format of Spark's own spark-defaults.conf: "key value", # comments
      } catch (IOException e) {
        throw new BadInputException(file.toString(), null, "cannot read: " + e.getMessage());
      }
    }
    return p;
  }

  private static BadInputException bad(String problem) {
    return new BadInputException(null, "--master", problem);
  }
}
