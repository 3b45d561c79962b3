package klbench.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import klbench.core.Contexts;
import klbench.core.LogSpace;
import klbench.core.SequenceModel;
import klbench.core.Triple;
import klbench.distributions.ConfData;
import klbench.distributions.Distributions;
import klbench.distributions.FileVectors;
import klbench.distributions.TripleSpec;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The long-form {@code file} family (SEQUENCES.md, "Families per row"): a value per (position,
 * context, token) in CSV or Parquet, read by the grid loader, its V, horizon and contexts taken from
 * the file, built into the rows of a model.
 */
class LongFormFilesTest {

  /** A model's rows as (position, context, token, value), in a shuffled order, with values by row. */
  record Table(double[] position, double[] context, double[] token, double[] value, double[][][] byRow) {}

  /** Every (t, c, y) of V = v, the horizon and contexts (0: tree), values random, rows shuffled. */
  static Table table(int v, int horizon, long contexts, long seed) {
    Random r = new Random(seed);
    List<double[]> rows = new ArrayList<>();
    double[][][] byRow = new double[horizon + 1][][];
    for (int t = 1; t <= horizon; t++) {
      long h = (long) Math.pow(v, t - 1);
      if (contexts != 0) h = Math.min(h, contexts);
      byRow[t] = new double[(int) h][v];
      for (int c = 0; c < h; c++) {
        for (int y = 0; y < v; y++) {
          double value = Math.round(r.nextGaussian() * 1e6) / 1e6;
          byRow[t][c][y] = value;
          rows.add(new double[] {t, c, y, value});
        }
      }
    }
    Collections.shuffle(rows, r);
    double[][] cols = new double[4][rows.size()];
    for (int i = 0; i < rows.size(); i++) for (int k = 0; k < 4; k++) cols[k][i] = rows.get(i)[k];
    return new Table(cols[0], cols[1], cols[2], cols[3], byRow);
  }

  static void write(Path file, Table t) {
    String[] names = {"position", "context", "token", "value"};
    if (file.toString().endsWith(".csv")) ConfData.writeCsv(file, names, t.position(), t.context(), t.token(), t.value());
    else ConfData.writeParquet(file, names, t.position(), t.context(), t.token(), t.value());
  }

  static Grid grid(Path dir, String policies, String references, String more) throws IOException {
    String text = "name: long\nseed: 3\n" + more + "policies:\n" + policies + "references:\n" + references
        + "behaviours:\n  - on_policy: {}\nestimators: [k1/reward]\nbaselines: [none]\nbatch_sizes: [2]\nbatches: 5\n";
    Path file = dir.resolve("grid.yaml");
    Files.writeString(file, text);
    return GridFile.load(file);
  }

  static SequenceModel model(Grid g, int i) {
    return Distributions.model(g.triples().get(i), g.seed(), g.files());
  }

  @ParameterizedTest
  @ValueSource(strings = {"p.csv", "p.parquet"})
  void aLongFormPolicyFixesVHorizonAndContexts(String name, @TempDir Path dir) throws IOException {
    Table t = table(3, 3, 2, 1);
    write(dir.resolve(name), t);
    Grid g = grid(dir, "  - file: {path: " + name + "}\n", "  - uniform: {}\n", "");
    assertEquals(List.of(3), g.parts().get(0).vocabSizes());
    assertEquals(List.of(3), g.parts().get(0).horizons());
    assertEquals(List.of(new Contexts(2)), g.parts().get(0).contexts(), "H_3 = 2 < 3^2: N = 2");
    assertEquals(1, g.triples().size());
    assertEquals("value", g.parts().get(0).policies().get(0).params().get("column"), "the value column by default");
    SequenceModel m = model(g, 0);
    assertEquals(1 + 2 + 2, m.rowCount());
    int rows = 0;
    for (int pos = 1; pos <= 3; pos++) {
      for (int c = 0; c < m.rowsAt(pos); c++) {
        assertArrayEquals(LogSpace.logSoftmax(t.byRow()[pos][c]), m.position(pos)[c].logP(), "row (" + pos + ", " + c + ")");
        rows++;
      }
    }
    assertEquals(5, rows);
  }

  @Test
  void csvAndParquetOfOneTableGiveOneModel(@TempDir Path dir) throws IOException {
    Table t = table(4, 3, 0, 2);
    write(dir.resolve("q.csv"), t);
    write(dir.resolve("q.parquet"), t);
    String more = "vocab_sizes: [4]\n";
    SequenceModel csv = model(grid(dir, "  - gaussian: {sigma: 1}\n", "  - file: {path: q.csv}\n", more), 0);
    SequenceModel parquet = model(grid(dir, "  - gaussian: {sigma: 1}\n", "  - file: {path: q.parquet}\n", more), 0);
    assertEquals(1 + 4 + 16, csv.rowCount());
    for (int pos = 1; pos <= 3; pos++) {
      for (int c = 0; c < csv.rowsAt(pos); c++) {
        Triple a = csv.position(pos)[c];
        assertArrayEquals(a.logQ(), parquet.position(pos)[c].logQ());
        assertArrayEquals(LogSpace.logSoftmax(t.byRow()[pos][c]), a.logQ());
      }
    }
  }

  /** A long-form reference pins the models it is in to its horizon and contexts; the others take every listed one. */
  @Test
  void aLongFormReferenceCombinesOnlyAtItsShape(@TempDir Path dir) throws IOException {
    write(dir.resolve("q.csv"), table(3, 2, 0, 3));
    Grid g = grid(dir, "  - gaussian: {sigma: 1}\n", "  - uniform: {}\n  - file: {path: q.csv, kind: logprobs}\n",
        "vocab_sizes: [3]\nhorizons: [1, 2]\ncontexts: [1, tree]\n");
    List<String> models = new ArrayList<>();
    for (TripleSpec t : g.triples()) models.add(t.reference().family() + " T=" + t.horizon() + " " + t.contexts().id());
    assertEquals(List.of("uniform T=1 1", "uniform T=1 tree", "uniform T=2 1", "uniform T=2 tree", "file T=2 tree"), models);
    // the gaussian policy draws its rows, the file gives q's: logprobs, renormalised per row
    SequenceModel m = model(g, 4);
    assertTrue(m.position(2)[1].feasible());
    double sum = 0;
    for (double l : m.position(2)[1].logQ()) sum += Math.exp(l);
    assertEquals(1.0, sum, 1e-15);
  }

  @Test
  void parquetKeysMayBeIntegersAndProbabilitiesAreNormalisedPerRow(@TempDir Path dir) throws IOException {
    int v = 2;
    // horizon 2, tree: rows (1,0), (2,0), (2,1); probabilities unnormalised per row
    long[][] keys = {{1, 0, 0}, {1, 0, 1}, {2, 0, 0}, {2, 0, 1}, {2, 1, 0}, {2, 1, 1}};
    double[] probs = {1, 3, 2, 2, 0, 5};
    ConfData.writeParquet(dir.resolve("mu.parquet"), MessageTypeParser.parseMessageType(
        "message t { required int64 position; required int32 context; required int64 token; required double prob; }"),
        (factory, i) -> factory.newGroup().append("position", keys[i][0]).append("context", (int) keys[i][1])
            .append("token", keys[i][2]).append("prob", probs[i]), keys.length);
    String text = "name: long\nseed: 3\npolicies:\n  - probs: {values: [1, 1]}\nreferences:\n  - uniform: {}\n"
        + "behaviours:\n  - file: {path: mu.parquet, column: prob, kind: probs}\n"
        + "estimators: [k1/reward]\nbaselines: [none]\nbatch_sizes: [2]\nbatches: 5\n";
    Files.writeString(dir.resolve("grid.yaml"), text);
    Grid g = GridFile.load(dir.resolve("grid.yaml"));
    assertEquals(List.of(2), g.parts().get(0).horizons());
    assertEquals(List.of(Contexts.tree()), g.parts().get(0).contexts(), "H_2 = 2 = V: the tree");
    SequenceModel m = model(g, 0);
    assertArrayEquals(new double[] {Math.log(0.25), Math.log(0.75)}, m.position(1)[0].logMu(), 1e-15);
    assertArrayEquals(new double[] {Math.log(0.5), Math.log(0.5)}, m.position(2)[0].logMu(), 1e-15);
    assertEquals(Double.NEGATIVE_INFINITY, m.position(2)[1].logMu()[0]);
    assertEquals(0.0, m.position(2)[1].logMu()[1], 1e-15);
    assertEquals(v, m.vocabSize());
  }

  @Test
  void aLongFormFileOfOnePositionIsASingleTokenModel(@TempDir Path dir) throws IOException {
    Table t = table(5, 1, 0, 4);
    write(dir.resolve("p.csv"), t);
    Grid g = grid(dir, "  - file: {path: p.csv}\n", "  - uniform: {}\n", "");
    assertEquals(List.of(1), g.parts().get(0).horizons());
    assertEquals(List.of(Contexts.ONE), g.parts().get(0).contexts());
    assertEquals(new TripleSpec(5, g.parts().get(0).policies().get(0), g.parts().get(0).references().get(0), g.parts().get(0).behaviours().get(0)), g.triples().get(0));
    assertArrayEquals(LogSpace.logSoftmax(t.byRow()[1][0]), Distributions.build(g.triples().get(0), g.seed(), g.files()).logP());
  }

  @Test
  void theFilesContentsTravelWithTheGrid(@TempDir Path dir) throws Exception {
    write(dir.resolve("p.parquet"), table(3, 3, 0, 5));
    Grid g = grid(dir, "  - file: {path: p.parquet}\n", "  - gaussian: {sigma: 1}\n", "");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(g.files());
      out.writeObject(g.triples().get(0));
    }
    Files.delete(dir.resolve("p.parquet"));
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      FileVectors files = (FileVectors) in.readObject();
      TripleSpec spec = (TripleSpec) in.readObject();
      SequenceModel local = model(g, 0);
      SequenceModel shipped = Distributions.model(spec, g.seed(), files);
      for (int pos = 1; pos <= 3; pos++) {
        for (int c = 0; c < local.rowsAt(pos); c++) {
          assertArrayEquals(local.position(pos)[c].logP(), shipped.position(pos)[c].logP());
          assertArrayEquals(local.position(pos)[c].logQ(), shipped.position(pos)[c].logQ());
        }
      }
    }
  }
}
