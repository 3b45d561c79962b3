package klbench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code klbench.cli.Main} in a child JVM with this test's classpath and Spark's Java 17 flags
 * (the pom's {@code spark.java17.flags}, as submit/klbench uses them): a driver that can be killed.
 * Stdout and stderr go to files beside the output. Always {@link #close()} it (try-with-resources):
 * that kills the child if it is still alive.
 */
final class ChildRun implements AutoCloseable {
  final Process process;
  final Path stdout;
  final Path stderr;

  private ChildRun(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static Path home() {
    return Path.of(System.getProperty("klbench.home", ".")).toAbsolutePath();
  }

  static List<String> java17Flags() throws IOException {
    String pom = Files.readString(home().resolve("pom.xml"));
    Matcher m = Pattern.compile("<spark.java17.flags>(.*)</spark.java17.flags>").matcher(pom);
    if (!m.find()) throw new IllegalStateException("no <spark.java17.flags> in pom.xml");
    return List.of(m.group(1).trim().split("\\s+"));
  }

  /** Starts {@code klbench <args>}; its output goes to {@code logs/<name>.out|.err}. */
  static ChildRun start(Path logs, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    cmd.addAll(java17Flags());
    cmd.add("-Dlog4j2.configurationFile=" + home().resolve("conf/log4j2.properties"));
    cmd.add("-Dklbench.home=" + home());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("klbench.cli.Main");
    cmd.addAll(List.of(args));
    Files.createDirectories(logs);
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return new ChildRun(pb.start(), out, err);
  }

  String stderrText() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the exit (at most {@code seconds}) and returns the exit status. */
  int await(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("child still running after " + seconds + " s:\n" + tail());
    }
    return process.exitValue();
  }

  String tail() {
    String s = "";
    try {
      s = Files.readString(stdout) + "\n--- stderr\n" + stderrText();
    } catch (IOException e) {
      // what there is
    }
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
