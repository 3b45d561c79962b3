package klbench.distributions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed conf/data files hold what {@link ConfData} generates (and are readable). */
class ConfDataTest {
  static final Path DATA = Path.of(System.getProperty("klbench.home", "."), "conf", "data");

  @Test
  void policyCsv() {
    DataFiles.ColumnData d = DataFiles.read(DATA.resolve("policy16.csv"), "logit");
    assertEquals("logit", d.name());
    assertArrayEquals(ConfData.policyLogits16(), d.values());
  }

  @Test
  void treeFilesAreLongFormOfTheThreeTokenTree() {
    String[] files = {"tree-policy.csv", "tree-reference.parquet"};
    for (int f = 0; f < files.length; f++) {
      DataFiles.Columns d = DataFiles.read(DATA.resolve(files[f]), names -> LongForm.select(names, "logit"));
      assertEquals(java.util.List.of("position", "context", "token", "logit"), d.names());
      double[][] expected = ConfData.columns(ConfData.treeLogits(f == 1));
      for (int k = 0; k < 4; k++) assertArrayEquals(expected[k], d.values()[k], files[f]);
      LongForm.Table table = LongForm.of(d.values(), ValuesKind.LOGITS);
      assertEquals(new SequenceShape(3, klbench.core.Contexts.tree()), table.layout().shape());
      assertEquals(3, table.layout().vocab());
      assertEquals(39, table.values().length);
    }
  }

  @Test
  void behaviourParquet() {
    DataFiles.ColumnData d = DataFiles.read(DATA.resolve("behaviour64.parquet"), "prob");
    assertArrayEquals(ConfData.behaviourProbs64(), d.values());
    assertEquals(null, ValuesKind.PROBS.problem(d.values()));
  }
}
