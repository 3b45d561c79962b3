package klbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import klbench.core.Triple;
import klbench.distributions.ConfData;
import klbench.distributions.Distributions;
import klbench.distributions.Families;
import klbench.distributions.Family;
import klbench.distributions.FamilySpec;
import klbench.distributions.Role;
import klbench.distributions.TripleSpec;
import klbench.input.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every family of the registry, in every role it declares, read from a grid file and built: a new
 * family is covered as soon as it is registered (and given an example below).
 */
class FamiliesInEveryRoleTest {
  static final int V = 4;

  /** A valid use of each registered family at V = 4, as written in a grid file. */
  static final Map<String, String> EXAMPLES = Map.of(
      "on_policy", "on_policy: {}",
      "uniform", "uniform: {}",
      "gaussian", "gaussian: {sigma: 1.5}",
      "zipf", "zipf: {exponent: 1}",
      "normal_grid", "normal_grid: {mean: 0, std: 1, lo: -2, hi: 2}",
      "probs", "probs: {values: [1, 2, 3, 4]}",
      "file", "file: {path: four.csv, kind: logits}",
      "perturb", "perturb: {delta: 0.5}",
      "target_kl", "target_kl: {kl: 0.05}",
      "temperature", "temperature: {tau: 2}");

  static final Map<Role, String> OTHERS = Map.of(
      Role.POLICY, "gaussian: {sigma: 1.0}", Role.REFERENCE, "uniform: {}", Role.BEHAVIOUR, "on_policy: {}");

  @Test
  void everyRegisteredFamilyHasAnExample() {
    TreeSet<String> registered = new TreeSet<>();
    for (Family f : Families.all()) registered.add(f.name());
    assertEquals(registered, new TreeSet<>(EXAMPLES.keySet()), "give every registered family an example here");
  }

  @Test
  void theRolesAreThoseOfTheInterface() {
    List<String> policy = List.of("uniform", "gaussian", "zipf", "normal_grid", "probs", "file");
    List<String> reference = new ArrayList<>(policy);
    reference.addAll(List.of("perturb", "target_kl", "temperature"));
    List<String> behaviour = new ArrayList<>(List.of("on_policy"));
    behaviour.addAll(reference);
    assertEquals(policy, Families.names(Role.POLICY));
    assertEquals(reference, Families.names(Role.REFERENCE));
    assertEquals(behaviour, Families.names(Role.BEHAVIOUR));
  }

  @Test
  void everyFamilyBuildsInEveryRoleItDeclares(@TempDir Path dir) throws IOException {
    ConfData.writeCsv(dir.resolve("four.csv"), new String[] {"logit"}, new double[] {0.5, -1, 2, 0});
    int built = 0;
    for (Family f : Families.all()) {
      String example = EXAMPLES.get(f.name());
      assertNotNull(example, "no example of " + f.name());
      for (Role role : f.roles()) {
        String what = f.name() + " as " + role.id();
        Grid g = grid(dir, role, example);
        assertEquals(1, g.triples().size(), what);
        TripleSpec t = g.triples().get(0);
        FamilySpec spec = t.family(role);
        assertEquals(f.name(), spec.family(), what);
        assertEquals(f.parameters(), List.copyOf(spec.params().keySet()), what + ": parameters in declared order");
        assertTrue(f.extraBuildPasses(spec) >= 0, what);
        Triple triple = Distributions.build(t, g.seed(), g.files());
        double[] logProbs = switch (role) {
          case POLICY -> triple.logP();
          case REFERENCE -> triple.logQ();
          case BEHAVIOUR -> triple.logMu();
        };
        assertNormalised(logProbs, what);
        if (role == Role.BEHAVIOUR) {
          assertEquals(f.name().equals("on_policy"), triple.onPolicy(), what + ": on-policy exactly when μ is on_policy");
        }
        built++;
      }
    }
    // 6 policy families in 3 roles, 3 defined from p in 2, on_policy in 1 (theRolesAreThoseOfTheInterface)
    assertEquals(Families.all().stream().mapToInt(f -> f.roles().size()).sum(), built);
    assertTrue(built >= 25, "built " + built);
  }

  @Test
  void aFamilyIsRefusedInTheRolesItDoesNotDeclare(@TempDir Path dir) throws IOException {
    ConfData.writeCsv(dir.resolve("four.csv"), new String[] {"logit"}, new double[] {0.5, -1, 2, 0});
    int refused = 0;
    for (Family f : Families.all()) {
      for (Role role : Role.values()) {
        if (f.roles().contains(role)) continue;
        BadInputException e = assertThrows(BadInputException.class, () -> grid(dir, role, EXAMPLES.get(f.name())));
        assertTrue(e.problem().startsWith("unknown " + role.id() + " family '" + f.name() + "'"), e.getMessage());
        refused++;
      }
    }
    // perturb, target_kl, temperature as policies; on_policy as policy and reference
    assertEquals(Families.all().size() * Role.values().length - Families.all().stream().mapToInt(f -> f.roles().size()).sum(), refused);
    assertTrue(refused >= 5, "refused " + refused);
  }

  /** A grid with {@code example} in {@code role} and a fixed family in the other two. */
  static Grid grid(Path dir, Role role, String example) throws IOException {
    StringBuilder text = new StringBuilder("name: one\nseed: 11\nvocab_sizes: [" + V + "]\n");
    for (Role r : Role.values()) {
      String list = switch (r) {
        case POLICY -> "policies";
        case REFERENCE -> "references";
        case BEHAVIOUR -> "behaviours";
      };
      text.append(list).append(":\n  - ").append(r == role ? example : OTHERS.get(r)).append('\n');
    }
    text.append("estimators: [k1/loss]\nbaselines: [none]\nbatch_sizes: [2]\nbatches: 3\n");
    Path file = dir.resolve("grid.yaml");
    Files.writeString(file, text);
    return GridFile.load(file);
  }

  /** V log-probabilities whose probabilities sum to 1. */
  static void assertNormalised(double[] logProbs, String what) {
    assertNotNull(logProbs, what);
    assertEquals(V, logProbs.length, what);
    double sum = 0;
    for (double l : logProbs) {
      assertTrue(l <= 0, what + ": log-probability " + l);
      sum += Math.exp(l);
    }
    assertEquals(1.0, sum, 1e-12, what);
  }
}
