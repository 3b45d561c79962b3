package klbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import klbench.grid.Configuration;
import klbench.grid.Grid;
import klbench.grid.GridErrorCases;
import klbench.grid.GridFile;
import klbench.results.Column;
import klbench.results.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EvalCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String GRID = String.join("\n",
      "name: small",
      "seed: 11",
      "vocab_sizes: [8]",
      "policies:",
      "  - gaussian: {sigma: 1.0}",
      "references:",
      "  - target_kl: {kl: 0.1}",
      "  - probs: {values: [1, 1, 1, 1, 1, 1, 1, 0]}",
      "behaviours:",
      "  - on_policy: {}",
      "estimators: [k1/loss, k3/loss]",
      "baselines: [none, loo]",
      "batch_sizes: [4]",
      "batches: 20",
      "");

  record Result(int code, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  static Path grid(Path dir) throws IOException {
    Path g = dir.resolve("small.yaml");
    Files.writeString(g, GRID);
    return g;
  }

  @Test
  void printsATableWithOneRowPerConfiguration(@TempDir Path dir) throws IOException {
    Result r = run("eval", "--grid", grid(dir).toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    List<String> lines = r.outLines();
    assertEquals(1 + 2 * 2 * 2, lines.size(), r.out());
    List<String> header = List.of(lines.get(0).trim().split("\\s+"));
    List<String> expected = new ArrayList<>();
    for (Column c : Tables.DEFAULT_COLUMNS) expected.add(c.id());
    assertEquals(expected, header, "the probs reference is infeasible, so infeasible_reason is shown");
    assertTrue(lines.get(5).contains("reference q(x)=0 where p(x)>0"), lines.get(5));
  }

  @Test
  void jsonHasEveryColumnOnEveryLineInConfigurationOrder(@TempDir Path dir) throws IOException {
    Path g = grid(dir);
    Result r = run("eval", "--grid", g.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    Grid grid = GridFile.load(g);
    List<Configuration> configs = grid.configurations();
    List<String> lines = r.outLines();
    assertEquals(configs.size(), lines.size());
    Set<String> runIds = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      assertFalse(lines.get(i).contains("NaN"), lines.get(i));
      JsonNode o = JSON.readTree(lines.get(i));
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      assertEquals(Column.names(), keys);
      assertEquals(configs.get(i).configId(), o.get("config_id").textValue());
      assertEquals(configs.get(i).estimator().name(), o.get("estimator").textValue());
      assertEquals("small", o.get("run_name").textValue());
      assertEquals(80, o.get("samples").longValue());
      runIds.add(o.get("run_id").textValue());
    }
    assertEquals(1, runIds.size(), "one run id per eval");
    assertTrue(runIds.iterator().next().length() >= 16);
  }

  @Test
  void columnsChooseWhatIsPrinted(@TempDir Path dir) throws IOException {
    Path g = grid(dir);
    Result table = run("eval", "--grid", g.toString(), "--columns", "estimator,baseline,kl");
    assertEquals(0, table.code(), table.err());
    assertEquals(List.of("estimator", "baseline", "kl"), List.of(table.outLines().get(0).trim().split("\\s+")));
    Result json = run("eval", "--grid", g.toString(), "--json", "--columns", "config_id,value_mean_exact");
    assertEquals(0, json.code(), json.err());
    JsonNode o = JSON.readTree(json.outLines().get(0));
    List<String> keys = new ArrayList<>();
    o.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("config_id", "value_mean_exact"), keys);
  }

  @Test
  void theShippedEvalGridRuns() throws IOException {
    Path g = Path.of(System.getProperty("klbench.home", "."), "conf", "eval.yaml");
    Result r = run("eval", "--grid", g.toString(), "--json", "--columns", "reference,infeasible_reason,value_mean_exact");
    assertEquals(0, r.code(), r.err());
    Grid grid = GridFile.load(g);
    assertEquals(grid.configurationCount(), r.outLines().size());
    for (String line : r.outLines()) {
      JsonNode o = JSON.readTree(line);
      boolean zeroReference = o.get("reference").textValue().startsWith("probs(");
      assertEquals(zeroReference, !o.get("infeasible_reason").isNull(), line);
      assertEquals(zeroReference, o.get("value_mean_exact").isNull(), line);
    }
  }

  @Test
  void unknownColumnIsBadInput(@TempDir Path dir) throws IOException {
    Result r = run("eval", "--grid", grid(dir).toString(), "--columns", "kl,klx");
    assertBadInput(r);
    assertTrue(r.err().startsWith("--columns: unknown column 'klx'"), r.err());
  }

  @Test
  void usageErrorsExit2WithOneLine() {
    Result unknownOption = run("eval", "--gird", "x.yaml");
    assertBadInput(unknownOption);
    assertTrue(unknownOption.err().contains("--gird"), unknownOption.err());
    Result missingValue = run("eval", "--grid");
    assertBadInput(missingValue);
    Result unknownCommand = run("evaluate");
    assertBadInput(unknownCommand);
    assertTrue(unknownCommand.err().contains("evaluate"), unknownCommand.err());
    Result noCommand = run();
    assertBadInput(noCommand);
    assertTrue(noCommand.err().contains("eval"), noCommand.err());
  }

  @Test
  void helpExits0() {
    Result r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("eval"), r.out());
    Result sub = run("eval", "--help");
    assertEquals(0, sub.code());
    assertTrue(sub.out().contains("--json"), sub.out());
  }

  @Test
  void versionNamesKlbenchAndTheKernelThisJvmRuns() {
    Result r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("klbench "), r.out());
    // The test JVM has the Vector API's module (surefire's argLine), so the vector kernel.
    assertTrue(r.out().contains("Monte Carlo kernel: vector "), r.out());
  }

  @Test
  void theDefaultGridIsConfEvalYamlOfTheKlbenchFolder(@TempDir Path dir) {
    String before = System.getProperty("klbench.home");
    System.setProperty("klbench.home", dir.toString());
    try {
      Result r = run("eval");
      assertBadInput(r);
      assertEquals(dir.resolve("conf").resolve("eval.yaml") + ": grid file not found", r.err().trim());
    } finally {
      if (before == null) System.clearProperty("klbench.home");
      else System.setProperty("klbench.home", before);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("klbench.grid.GridErrorCases#cases")
  void badGridExits2WithOneLineAndWritesNothing(GridErrorCases.Case c, @TempDir Path dir) {
    Path g = c.write(dir);
    Result r = run("eval", "--grid", g.toString(), "--json");
    assertBadInput(r);
    String line = r.err().trim();
    assertTrue(line.startsWith(g + ": " + (c.key() == null ? "" : c.key() + ": ")), line);
    assertTrue(line.contains(c.problem()), line);
  }

  static void assertBadInput(Result r) {
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out(), "nothing written to stdout");
    assertTrue(r.err().endsWith("\n"), r.err());
    assertEquals(1, r.err().split("\n").length, "one line: " + r.err());
    assertFalse(r.err().isBlank());
  }
}
