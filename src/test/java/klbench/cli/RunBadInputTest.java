package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import klbench.grid.GridErrorCases;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad grid of {@link GridErrorCases}, plus run-specific ones, through {@code run --out}:
 * exit 2, one line on stderr naming the file, the key and the problem, nothing on stdout, the
 * output folder untouched (absent, or byte for byte as it was), and no Spark session started.
 */
class RunBadInputTest {
  @TempDir Path tmp;

  static Stream<Arguments> runCases() {
    List<Arguments> all = new ArrayList<>(GridErrorCases.cases().toList());
    all.addAll(GridErrorCases.runCases().toList());
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runCases")
  void badInputThroughRunExits2AndWritesNothing(GridErrorCases.Case c) throws IOException {
    Path grid = c.write(tmp);
    Path absent = tmp.resolve("out-absent");
    // An --out with earlier results in it: must be byte-identical afterwards.
    Path existing = tmp.resolve("out-existing");
    Files.createDirectories(existing.resolve("results/run-earlier"));
    Files.writeString(existing.resolve("results/run-earlier/part-0.parquet"), "earlier rows");
    Files.createDirectories(existing.resolve("runs/earlier"));
    Files.writeString(existing.resolve("runs/earlier/run.json"), "{}");
    String before = snapshot(existing);

    for (Path out : List.of(absent, existing)) {
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      Cli cli = Cli.run("run", "--grid", grid.toString(), "--out", out.toString(), "--master", "local[1]");
      assertEquals(2, cli.status(), cli.toString());
      assertEquals("", cli.out(), cli.toString());
      String err = cli.err().strip();
      assertFalse(err.isEmpty() || err.contains("\n"), "one line on stderr: " + cli);
      assertTrue(err.startsWith(grid.toString() + ": "), "names the file: " + err);
      if (c.key() != null) assertTrue(err.contains(": " + c.key() + ": "), "names the key " + c.key() + ": " + err);
      assertTrue(err.contains(c.problem()), "names the problem '" + c.problem() + "': " + err);
      assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty(),
          "no Spark session was started");
    }
    assertFalse(Files.exists(absent), "nothing written");
    assertEquals(before, snapshot(existing), "earlier results untouched");
  }

  /** Every path under {@code dir} with the SHA-256 of its content. */
  static String snapshot(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      StringBuilder b = new StringBuilder();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path p : s.sorted().toList()) {
        b.append(dir.relativize(p));
        if (Files.isRegularFile(p)) b.append(' ').append(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
        b.append('\n');
      }
      return b.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
