package klbench.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import klbench.core.LogSpace;
import klbench.core.Triple;
import klbench.distributions.ConfData;
import klbench.distributions.DataFiles;
import klbench.distributions.Distributions;
import klbench.distributions.FamilySpec;
import klbench.distributions.FileVectors;
import klbench.distributions.TripleSpec;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** file families end to end: a CSV or Parquet file, read by the grid loader, built into a triple. */
class FileFamiliesTest {
  static final double[] LOGITS = {0.3, -1.2, 2.0, 0.0, 0.7};
  static final double[] PROBS = {0.1, 0.2, 0.0, 0.4, 0.3};
  static final double[] LOGPROBS = LogSpace.logSoftmax(new double[] {1.0, 0.5, -0.5, 0.25, 2.0});

  static Grid gridWith(Path dir, String file, String... families) throws IOException {
    StringBuilder policies = new StringBuilder();
    for (String f : families) policies.append("  - file: ").append(f.replace("FILE", file)).append('\n');
    String text = "name: files\nseed: 3\npolicies:\n" + policies
        + "references:\n  - uniform: {}\nbehaviours:\n  - on_policy: {}\n"
        + "estimators: [k1/loss]\nbaselines: [none]\nbatch_sizes: [2]\nbatches: 5\n";
    Path grid = dir.resolve("sub").resolve("grid.yaml");
    Files.createDirectories(grid.getParent());
    Files.writeString(grid, text);
    return GridFile.load(grid);
  }

  static void writeBoth(Path dir) {
    String[] names = {"logit", "prob", "logprob"};
    ConfData.writeCsv(dir.resolve("tokens.csv"), names, LOGITS, PROBS, LOGPROBS);
    ConfData.writeParquet(dir.resolve("tokens.parquet"), names, LOGITS, PROBS, LOGPROBS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../tokens.csv", "../tokens.parquet"})
  void allThreeKindsFromOneFile(String file, @TempDir Path dir) throws IOException {
    writeBoth(dir);
    Grid g = gridWith(dir, file,
        "{path: FILE, column: logit}",                 // kind defaults to logits
        "{path: FILE, column: prob, kind: probs}",
        "{path: FILE, column: 2, kind: logprobs}");    // a column by 0-based index
    assertEquals(List.of(5), g.parts().get(0).vocabSizes(), "V comes from the file");
    assertEquals(3, g.triples().size());
    FamilySpec first = g.parts().get(0).policies().get(0);
    assertEquals("file", first.family());
    assertEquals(List.of("path", "column", "kind", "sha256"), List.copyOf(first.params().keySet()));
    assertEquals(file, first.params().get("path"), "the path as written");
    assertEquals("logprob", g.parts().get(0).policies().get(2).params().get("column"), "an index resolves to the column's name");
    assertEquals("logits", first.params().get("kind"));

    double[] logits = build(g, 0).logP();
    assertArrayEquals(LogSpace.logSoftmax(LOGITS), logits);
    double[] probs = build(g, 1).logP();
    for (int j = 0; j < PROBS.length; j++) {
      if (PROBS[j] == 0) assertEquals(Double.NEGATIVE_INFINITY, probs[j]);
      else assertEquals(Math.log(PROBS[j]), probs[j], 1e-15);
    }
    double[] logprobs = build(g, 2).logP();
    for (int j = 0; j < LOGPROBS.length; j++) assertEquals(LOGPROBS[j], logprobs[j], 1e-15);
  }

  @Test
  void csvAndParquetOfTheSameNumbersGiveTheSameTriple(@TempDir Path dir) throws IOException {
    writeBoth(dir);
    Triple csv = build(gridWith(dir, "../tokens.csv", "{path: FILE, column: logit}"), 0);
    Triple parquet = build(gridWith(dir, "../tokens.parquet", "{path: FILE, column: logit}"), 0);
    assertArrayEquals(csv.logP(), parquet.logP());
  }

  @Test
  void aSingleColumnNeedsNoColumnName(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("one.csv"), "\uFEFF\"score\"\r\n1.5\r\n-0.5\r\n0\r\n\r\n", StandardCharsets.UTF_8);
    Grid g = gridWith(dir, "../one.csv", "{path: FILE}");
    assertEquals("score", g.parts().get(0).policies().get(0).params().get("column"));
    assertArrayEquals(LogSpace.logSoftmax(new double[] {1.5, -0.5, 0}), build(g, 0).logP());
  }

  @Test
  void parquetIntegerAndFloatColumnsAreRead(@TempDir Path dir) throws IOException {
    ConfData.writeParquet(dir.resolve("ints.parquet"),
        MessageTypeParser.parseMessageType("message t { required int32 count; required float weight; }"),
        (factory, i) -> factory.newGroup().append("count", i + 1).append("weight", 0.5f * (i + 1)), 4);
    Grid g = gridWith(dir, "../ints.parquet", "{path: FILE, column: count, kind: probs}", "{path: FILE, column: weight}");
    assertArrayEquals(new double[] {Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)}, build(g, 0).logP(), 1e-15);
    assertArrayEquals(LogSpace.logSoftmax(new double[] {0.5, 1.0, 1.5, 2.0}), build(g, 1).logP());
  }

  @Test
  void aBehaviourFromAFileIsUsedAsIs(@TempDir Path dir) throws IOException {
    writeBoth(dir);
    String text = "name: files\nseed: 3\nvocab_sizes: [5]\npolicies:\n  - uniform: {}\n"
        + "references:\n  - uniform: {}\nbehaviours:\n  - file: {path: tokens.parquet, column: logprob, kind: logprobs}\n"
        + "estimators: [k1/loss]\nbaselines: [none]\nbatch_sizes: [2]\nbatches: 5\n";
    Files.writeString(dir.resolve("grid.yaml"), text);
    Grid g = GridFile.load(dir.resolve("grid.yaml"));
    Triple t = build(g, 0);
    for (int j = 0; j < 5; j++) assertEquals(LOGPROBS[j], t.logMu()[j], 1e-15);
  }

  @Test
  void theSha256FollowsTheContents(@TempDir Path dir) throws IOException {
    writeBoth(dir);
    String before = (String) gridWith(dir, "../tokens.csv", "{path: FILE, column: logit}").parts().get(0).policies().get(0).params().get("sha256");
    ConfData.writeCsv(dir.resolve("tokens.csv"), new String[] {"logit"}, new double[] {0.3, -1.2, 2.0, 0.0, 0.8});
    String after = (String) gridWith(dir, "../tokens.csv", "{path: FILE, column: logit}").parts().get(0).policies().get(0).params().get("sha256");
    assertNotEquals(before, after);
    assertEquals(16, before.length());
  }

  @Test
  void gridVectorsSurviveSerialisation(@TempDir Path dir) throws Exception {
    writeBoth(dir);
    Grid g = gridWith(dir, "../tokens.parquet", "{path: FILE, column: logit}");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(g.files());
      out.writeObject(g.triples().get(0));
      out.writeObject(g); // the whole grid too, for jobs that ship it
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      FileVectors files = (FileVectors) in.readObject();
      TripleSpec spec = (TripleSpec) in.readObject();
      // Executors build from the broadcast contents, never from the driver's files.
      Files.delete(dir.resolve("tokens.parquet"));
      assertArrayEquals(build(g, 0).logP(), Distributions.build(spec, g.seed(), files).logP());
    }
  }

  @Test
  void dataFileProblemsNameTheirField(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("x.csv"), "a,b\n1,2\n");
    DataFiles.Problem p = assertThrows(DataFiles.Problem.class, () -> DataFiles.read(dir.resolve("x.csv"), "c"));
    assertEquals("column", p.field());
    p = assertThrows(DataFiles.Problem.class, () -> DataFiles.read(dir.resolve("y.csv"), "a"));
    assertEquals("path", p.field());
  }

  static Triple build(Grid g, int i) {
    return Distributions.build(g.triples().get(i), g.seed(), g.files());
  }
}
