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
  void behaviourParquet() {
    DataFiles.ColumnData d = DataFiles.read(DATA.resolve("behaviour64.parquet"), "prob");
    assertArrayEquals(ConfData.behaviourProbs64(), d.values());
    assertEquals(null, ValuesKind.PROBS.problem(d.values()));
  }
}
