package klbench.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spark master URLs, read in one place: which ones run in this JVM (or, for {@code
 * local-cluster}, in executor JVMs this process starts) and with how many cores.
 */
final class Masters {
  /** {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}, {@code local[*,F]}. */
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|[1-9]\\d*)(?:,[1-9]\\d*)?\\])?");
  /** {@code local-cluster[executors,coresPerExecutor,memoryMiB]}. */
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[([1-9]\\d*),([1-9]\\d*),[1-9]\\d*\\]");

  private Masters() {}

  /** True for a well-formed {@code local…} or {@code local-cluster[…]} master. */
  static boolean isLocal(String master) {
    return LOCAL.matcher(master).matches() || LOCAL_CLUSTER.matcher(master).matches();
  }

  /** The cores a local master uses, or 0 for any other master (a cluster's size is not known here). */
  static int localCores(String master) {
    Matcher m = LOCAL.matcher(master);
    if (m.matches()) {
      if (m.group(1) == null) return 1;
      return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
    Matcher c = LOCAL_CLUSTER.matcher(master);
    if (c.matches()) return Integer.parseInt(c.group(1)) * Integer.parseInt(c.group(2));
    return 0;
  }
}
