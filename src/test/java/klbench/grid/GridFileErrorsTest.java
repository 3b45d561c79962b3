package klbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import klbench.input.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GridFileErrorsTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("klbench.grid.GridErrorCases#cases")
  void rejectsWithFileKeyAndProblem(GridErrorCases.Case c, @TempDir Path dir) {
    Path grid = c.write(dir);
    BadInputException e = assertThrows(BadInputException.class, () -> GridFile.load(grid));
    assertEquals(grid.toString(), e.file());
    assertEquals(c.key(), e.key(), e.getMessage());
    assertTrue(e.problem().contains(c.problem()), () -> "problem '" + e.problem() + "' lacks '" + c.problem() + "'");
    String expectedStart = grid + ": " + (c.key() == null ? "" : c.key() + ": ");
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line: " + e.getMessage());
  }

  /**
   * Every check applies inside a part: each case above with a key, its lists moved into
   * {@code parts[0]}, fails the same way with {@code parts[0].} before its key paths.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("klbench.grid.GridErrorCases#asOnePartCases")
  void rejectsInsideAPartNamingThePart(GridErrorCases.Case c, @TempDir Path dir) {
    rejectsWithFileKeyAndProblem(c, dir);
  }

  @Test
  void everyCaseWithAKeyIsAlsoCheckedInsideAPart() {
    long withKey = GridErrorCases.productCases().stream().filter(c -> c.key() != null).count();
    assertEquals(withKey, GridErrorCases.asOnePartCases().count());
    assertTrue(withKey > 140, withKey + " cases");
  }

  @Test
  void theBaseGridsOfThePartsCasesAreValid(@TempDir Path dir) throws java.io.IOException {
    Path grid = new GridErrorCases.Case("base", GridErrorCases.twoParts(GridErrorCases.BASE_PRODUCT, GridErrorCases.RESPONSES), d -> {}, null, "")
        .write(dir);
    Grid g = GridFile.load(grid);
    assertEquals(2, g.parts().size());
    assertEquals(List.of(2, 1), g.parts().stream().map(p -> p.triples().size()).toList());
    // the base grid as one part is the base grid
    Path one = new GridErrorCases.Case("base", PartsText.asOnePart(GridErrorCases.BASE), d -> {}, null, "")
        .write(java.nio.file.Files.createDirectories(dir.resolve("one")));
    Path base = new GridErrorCases.Case("base", GridErrorCases.BASE, d -> {}, null, "").write(dir);
    assertEquals(GridFile.load(base).configurations(), GridFile.load(one).configurations());
  }

  @Test
  void theBaseGridOfTheCasesIsValid(@TempDir Path dir) {
    Path grid = new GridErrorCases.Case("base", GridErrorCases.BASE, d -> {}, null, "").write(dir);
    assertEquals(2, GridFile.load(grid).triples().size());
  }

  @Test
  void missingGridFile(@TempDir Path dir) {
    Path grid = dir.resolve("absent.yaml");
    BadInputException e = assertThrows(BadInputException.class, () -> GridFile.load(grid));
    assertEquals(grid + ": grid file not found", e.getMessage());
  }

  @Test
  void messageIsOneLineEvenWhenTheProblemIsNot() {
    BadInputException e = new BadInputException("g.yaml", "a.b", "first\n   second\r\nthird");
    assertEquals("g.yaml: a.b: first second third", e.getMessage());
  }
}
