package klbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import klbench.core.Baseline;
import klbench.core.Contexts;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.Metrics;
import klbench.core.Presets;
import klbench.core.ValueFunction;
import klbench.distributions.ConfData;
import klbench.distributions.Families;
import klbench.distributions.Family;
import klbench.distributions.FamilySpec;
import klbench.distributions.TripleSpec;
import klbench.input.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridFileTest {

  static final String GRID = String.join("\n",
      "name: example",
      "description: a test grid",
      "seed: 20261126",
      "vocab_sizes: [16, 1024]",
      "policies:",
      "  - gaussian: {sigma: 1}",
      "  - zipf: {exponent: 1.1}",
      "  - normal_grid: {mean: 0, std: 2, lo: -3, hi: 3}",
      "references:",
      "  - target_kl: {kl: 0.01}",
      "  - target_kl: {kl: 0.1}",
      "  - perturb: {delta: 0.5}",
      "behaviours:",
      "  - on_policy: {}",
      "  - target_kl: {kl: 0.01}",
      "estimators:",
      "  - k1/loss",
      "  - k3/loss",
      "  - {value: k3, rule: loss, clamp_log_ratio: 20, clamp_value: 10}",
      "  - {value: k2, rule: straight_through_ratio, ratio_clip: 2}",
      "  - verl.low_var_kl",
      "baselines: [none, loo, \"const(-0.5)\", oracle]",
      "batch_sizes: [2, 64]",
      "batches: 2000",
      "");

  static Grid load(Path dir, String text) throws IOException {
    Path file = dir.resolve("grid.yaml");
    Files.writeString(file, text);
    return GridFile.load(file);
  }

  @Test
  void readsEveryField(@TempDir Path dir) throws IOException {
    Grid g = load(dir, GRID);
    assertEquals("example", g.name());
    assertEquals("a test grid", g.description());
    assertEquals(20261126L, g.seed());
    assertEquals(List.of(16, 1024), g.parts().get(0).vocabSizes());
    // integers widened to doubles, parameters in declared order: canonical texts are stable
    assertEquals(List.of("gaussian(sigma=1.0)", "zipf(exponent=1.1)", "normal_grid(mean=0.0, std=2.0, lo=-3.0, hi=3.0)"),
        canonicals(g.parts().get(0).policies()));
    assertEquals(List.of("target_kl(kl=0.01)", "target_kl(kl=0.1)", "perturb(delta=0.5)"), canonicals(g.parts().get(0).references()));
    assertEquals(List.of("on_policy()", "target_kl(kl=0.01)"), canonicals(g.parts().get(0).behaviours()));
    assertEquals(List.of(2, 64), g.parts().get(0).batchSizes());
    assertEquals(2000, g.parts().get(0).batches());
    assertEquals(List.of(Baseline.NONE, Baseline.LOO, Baseline.constant(-0.5), Baseline.ORACLE), g.parts().get(0).baselines());
    assertEquals(GRID, g.rawText());
    assertEquals(dir.resolve("grid.yaml").toString(), g.source());

    List<Estimator> e = g.parts().get(0).estimators();
    assertEquals(List.of("k1/loss", "k3/loss", "k3/loss[clamp_log_ratio=20.0,clamp_value=10.0]",
        "k2/straight_through_ratio[ratio_clip=2.0]", "verl.low_var_kl"), e.stream().map(Estimator::name).toList());
    assertEquals(new Estimator("k3/loss[clamp_log_ratio=20.0,clamp_value=10.0]", ValueFunction.K3, GradientRule.LOSS, 20.0, 10.0, null), e.get(2));
    assertEquals(2.0, e.get(3).ratioClip());
    assertEquals(Presets.byName("verl.low_var_kl"), e.get(4));
  }

  @Test
  void expandsTheProductInOrder(@TempDir Path dir) throws IOException {
    Grid g = load(dir, GRID);
    List<TripleSpec> t = g.triples();
    assertEquals(2 * 3 * 3 * 2, t.size());
    // vocabulary outermost, then policy, reference, behaviour
    assertEquals(new TripleSpec(16, g.parts().get(0).policies().get(0), g.parts().get(0).references().get(0), g.parts().get(0).behaviours().get(0)), t.get(0));
    assertEquals(new TripleSpec(16, g.parts().get(0).policies().get(0), g.parts().get(0).references().get(0), g.parts().get(0).behaviours().get(1)), t.get(1));
    assertEquals(new TripleSpec(16, g.parts().get(0).policies().get(0), g.parts().get(0).references().get(1), g.parts().get(0).behaviours().get(0)), t.get(2));
    assertEquals(new TripleSpec(16, g.parts().get(0).policies().get(1), g.parts().get(0).references().get(0), g.parts().get(0).behaviours().get(0)), t.get(6));
    assertEquals(new TripleSpec(1024, g.parts().get(0).policies().get(0), g.parts().get(0).references().get(0), g.parts().get(0).behaviours().get(0)), t.get(18));

    List<Configuration> c = g.configurations();
    assertEquals(36 * 2 * 5 * 4, c.size());
    assertEquals(c.size(), g.configurationCount());
    // per triple: batch size, then estimator, then baseline (the order of SequenceEvaluation.finish)
    assertEquals(new Configuration(t.get(0), g.parts().get(0).estimators().get(0), Baseline.NONE, 2, 2000, 20261126L), c.get(0));
    assertEquals(new Configuration(t.get(0), g.parts().get(0).estimators().get(0), Baseline.LOO, 2, 2000, 20261126L), c.get(1));
    assertEquals(new Configuration(t.get(0), g.parts().get(0).estimators().get(1), Baseline.NONE, 2, 2000, 20261126L), c.get(4));
    assertEquals(new Configuration(t.get(0), g.parts().get(0).estimators().get(0), Baseline.NONE, 64, 2000, 20261126L), c.get(20));
    assertEquals(new Configuration(t.get(1), g.parts().get(0).estimators().get(0), Baseline.NONE, 2, 2000, 20261126L), c.get(40));
    assertEquals(c.subList(20, 40), g.configurations(0, 64));
    assertEquals(128000L, c.get(20).samples());
  }

  @Test
  void fixedSizeFamiliesPinTheirVocabulary(@TempDir Path dir) throws IOException {
    ConfData.writeCsv(dir.resolve("p.csv"), new String[] {"logit"}, new double[] {1, 2, 3, 4});
    String text = GRID.replace("vocab_sizes: [16, 1024]", "vocab_sizes: [3, 4, 16]")
        .replace("  - zipf: {exponent: 1.1}\n", "  - file: {path: p.csv}\n")
        .replace("  - perturb: {delta: 0.5}", "  - probs: {values: [1, 2, 3]}");
    Grid g = load(dir, text);
    Set<String> seen = new HashSet<>();
    for (TripleSpec t : g.triples()) {
      if (t.policy().family().equals("file")) assertEquals(4, t.vocabSize());
      if (t.reference().family().equals("probs")) assertEquals(3, t.vocabSize());
      seen.add(t.vocabSize() + " " + t.policy().family() + " " + t.reference().family());
    }
    // V=3: 2 free policies x (2 free + probs); V=4: 3 policies x 2 free refs; V=16: 2 x 2; each x 2 behaviours
    assertEquals((2 * 3 + 3 * 2 + 2 * 2) * 2, g.triples().size());
    assertTrue(seen.contains("3 gaussian probs"));
    assertTrue(seen.contains("4 file target_kl"));
    assertTrue(!seen.contains("4 file probs") && !seen.contains("16 file target_kl"));
  }

  @Test
  void vocabSizesMayBeOmittedWhenEveryPolicyHasAFixedSize(@TempDir Path dir) throws IOException {
    ConfData.writeCsv(dir.resolve("p.csv"), new String[] {"token", "lp"}, new double[] {0, 1, 2, 3},
        new double[] {Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)});
    String text = GRID.replace("vocab_sizes: [16, 1024]\n", "")
        .replace("  - gaussian: {sigma: 1}\n  - zipf: {exponent: 1.1}\n  - normal_grid: {mean: 0, std: 2, lo: -3, hi: 3}\n",
            "  - probs: {values: [1, 1, 2]}\n  - file: {path: p.csv, column: lp, kind: logprobs}\n  - probs: {values: [0.5, 0.5]}\n");
    Grid g = load(dir, text);
    assertEquals(List.of(3, 4, 2), g.parts().get(0).vocabSizes());
    assertEquals(3 * 3 * 2, g.triples().size());
    assertEquals("file(path=p.csv, column=lp, kind=logprobs, sha256=" + g.parts().get(0).policies().get(1).params().get("sha256") + ")",
        g.parts().get(0).policies().get(1).canonical());
    assertEquals(16, ((String) g.parts().get(0).policies().get(1).params().get("sha256")).length());
    assertEquals(1, g.files().size());
  }

  @Test
  void bareFamilyNamesAndNullParametersMeanNoParameters(@TempDir Path dir) throws IOException {
    Grid g = load(dir, GRID.replace("  - on_policy: {}", "  - on_policy").replace("  - gaussian: {sigma: 1}", "  - uniform:"));
    assertEquals("uniform()", g.parts().get(0).policies().get(0).canonical());
    assertEquals("on_policy()", g.parts().get(0).behaviours().get(0).canonical());
  }

  @Test
  void sameGridGivesSameConfigIds(@TempDir Path dir) throws IOException {
    List<String> a = ids(load(dir, GRID));
    List<String> b = ids(load(dir, GRID + "\n# a comment changes nothing\n"));
    assertEquals(a, b);
    assertEquals(a.size(), new HashSet<>(a).size(), "ids are unique within a grid");
    assertTrue(a.get(0).matches("[0-9a-f]{32}"));
  }

  @Test
  void anyChangeGivesNewConfigIds(@TempDir Path dir) throws IOException {
    Set<String> base = new HashSet<>(ids(load(dir, GRID)));
    // each edit changes what defines every configuration it touches
    List<String[]> edits = List.of(
        new String[] {"seed: 20261126", "seed: 20261127"},
        new String[] {"batches: 2000", "batches: 2001"},
        new String[] {"vocab_sizes: [16, 1024]", "vocab_sizes: [17, 1025]"});
    for (String[] edit : edits) {
      List<String> changed = ids(load(dir, GRID.replace(edit[0], edit[1])));
      for (String id : changed) assertTrue(!base.contains(id), "edit " + edit[0] + " kept id " + id);
    }
    // editing one list entry renews exactly the ids of the configurations that use it
    Grid g = load(dir, GRID);
    Grid h = load(dir, GRID.replace("sigma: 1}", "sigma: 1.5}"));
    List<Configuration> gc = g.configurations();
    List<Configuration> hc = h.configurations();
    for (int i = 0; i < gc.size(); i++) {
      boolean touched = gc.get(i).triple().policy().family().equals("gaussian");
      assertEquals(!touched, gc.get(i).configId().equals(hc.get(i).configId()), gc.get(i).canonicalText());
    }
  }

  @Test
  void estimatorsAreNamedCanonicallyWhateverTheSpelling(@TempDir Path dir) throws IOException {
    String spaced = GRID.replace("  - k1/loss\n  - k3/loss\n", "  - \" k1 /loss\"\n  - {value: k3, rule: loss}\n")
        .replace("  - verl.low_var_kl", "  - \"verl.low_var_kl \"");
    assertTrue(!spaced.equals(GRID));
    Grid g = load(dir, GRID);
    Grid h = load(dir, spaced);
    assertEquals(List.of("k1/loss", "k3/loss", "k3/loss[clamp_log_ratio=20.0,clamp_value=10.0]",
        "k2/straight_through_ratio[ratio_clip=2.0]", "verl.low_var_kl"), h.parts().get(0).estimators().stream().map(Estimator::name).toList());
    assertEquals(g.parts().get(0).estimators(), h.parts().get(0).estimators());
    assertEquals(ids(g), ids(h));
  }

  @Test
  void aPresetIsNotADuplicateOfItsDefinition(@TempDir Path dir) throws IOException {
    // torchtune.grpo and trl.grpo.uncorrected are both k3/loss: presets keep their names, as rows
    // that name the framework they mirror
    Grid g = load(dir, GRID.replace("  - verl.low_var_kl", "  - torchtune.grpo\n  - trl.grpo.uncorrected"));
    List<Estimator> e = g.parts().get(0).estimators();
    assertEquals(List.of("k3/loss", "torchtune.grpo", "trl.grpo.uncorrected"),
        List.of(e.get(1).name(), e.get(4).name(), e.get(5).name()));
    Set<String> ids = new HashSet<>(ids(g));
    assertEquals(g.configurations().size(), ids.size());
  }

  @Test
  void configIdsAreThoseOfEarlierRuns() {
    // config_ids written by main before estimator names were canonicalised (conf/grid-seed.yaml and
    // conf/eval.yaml): the canonical spellings keep them
    long seed = 20261126L;
    FamilySpec gaussian = Families.spec("gaussian", "sigma", 1.0);
    TripleSpec seedTriple = new TripleSpec(16, gaussian, Families.spec("target_kl", "kl", 1.0), Families.spec("on_policy"));
    assertEquals("d725eea95f2e58fd6bba788da16facbe",
        new Configuration(seedTriple, Estimator.of(" k3 / loss"), Baseline.NONE, 1, 2000, seed).configId());
    TripleSpec evalTriple = new TripleSpec(16, gaussian, Families.spec("target_kl", "kl", 0.1), Families.spec("on_policy"));
    Estimator clipped = Estimator.of(ValueFunction.K2, GradientRule.STRAIGHT_THROUGH_RATIO, null, null, 2.0);
    assertEquals("ec57343940963a5d9fd99e017df3e748", new Configuration(evalTriple, clipped, Baseline.NONE, 8, 300, seed).configId());
  }

  @Test
  void everyFieldOfAConfigurationIsInItsId() {
    TripleSpec t = new TripleSpec(16, Families.spec("gaussian", "sigma", 1.0), Families.spec("target_kl", "kl", 0.1),
        Families.spec("on_policy"));
    Estimator e = new Estimator("k3/loss", ValueFunction.K3, GradientRule.LOSS, null, null, null);
    Configuration c = new Configuration(t, e, Baseline.NONE, 8, 100, 1L);
    List<Configuration> variants = List.of(
        new Configuration(new TripleSpec(17, t.policy(), t.reference(), t.behaviour()), e, Baseline.NONE, 8, 100, 1L),
        new Configuration(new TripleSpec(16, Families.spec("gaussian", "sigma", 2.0), t.reference(), t.behaviour()), e, Baseline.NONE, 8, 100, 1L),
        new Configuration(new TripleSpec(16, t.policy(), Families.spec("target_kl", "kl", 0.2), t.behaviour()), e, Baseline.NONE, 8, 100, 1L),
        new Configuration(new TripleSpec(16, t.policy(), t.reference(), Families.spec("perturb", "delta", 0.1)), e, Baseline.NONE, 8, 100, 1L),
        new Configuration(t, e.named("torchtune.grpo"), Baseline.NONE, 8, 100, 1L),
        new Configuration(t, new Estimator("k3/loss", ValueFunction.K2, GradientRule.LOSS, null, null, null), Baseline.NONE, 8, 100, 1L),
        new Configuration(t, new Estimator("k3/loss", ValueFunction.K3, GradientRule.REWARD, null, null, null), Baseline.NONE, 8, 100, 1L),
        new Configuration(t, new Estimator("k3/loss", ValueFunction.K3, GradientRule.LOSS, 20.0, null, null), Baseline.NONE, 8, 100, 1L),
        new Configuration(t, new Estimator("k3/loss", ValueFunction.K3, GradientRule.LOSS, null, 10.0, null), Baseline.NONE, 8, 100, 1L),
        new Configuration(t, new Estimator("k3/loss", ValueFunction.K3, GradientRule.LOSS, null, null, 2.0), Baseline.NONE, 8, 100, 1L),
        new Configuration(t, e, Baseline.constant(0.0), 8, 100, 1L),
        new Configuration(t, e, Baseline.NONE, 9, 100, 1L),
        new Configuration(t, e, Baseline.NONE, 8, 101, 1L),
        new Configuration(t, e, Baseline.NONE, 8, 100, 2L));
    Set<String> ids = new HashSet<>();
    ids.add(c.configId());
    for (Configuration v : variants) assertTrue(ids.add(v.configId()), v.canonicalText());
    assertEquals(c.configId(), new Configuration(t, e, Baseline.NONE, 8, 100, 1L).configId());
  }

  @Test
  void aChangedDataFileGivesNewConfigIds(@TempDir Path dir) throws IOException {
    String text = GRID.replace("  - zipf: {exponent: 1.1}", "  - file: {path: p.csv}").replace("vocab_sizes: [16, 1024]", "vocab_sizes: [4]");
    ConfData.writeCsv(dir.resolve("p.csv"), new String[] {"logit"}, new double[] {1, 2, 3, 4});
    List<String> a = ids(load(dir, text));
    assertEquals(a, ids(load(dir, text)));
    ConfData.writeCsv(dir.resolve("p.csv"), new String[] {"logit"}, new double[] {1, 2, 3, 5});
    Grid changed = load(dir, text);
    List<String> b = ids(changed);
    for (int i = 0; i < a.size(); i++) {
      boolean usesFile = changed.configurations().get(i).triple().policy().family().equals("file");
      assertEquals(!usesFile, a.get(i).equals(b.get(i)));
    }
  }

  /** conf/grid-seed.yaml of main (commit 9bcebae), whose config_ids a run of main wrote. */
  static final String MAIN_SEED_GRID = String.join("\n",
      "name: seed",
      "seed: 20261126",
      "vocab_sizes: [16, 1024]",
      "policies:",
      "  - gaussian: {sigma: 1.0}",
      "references:",
      "  - target_kl: {kl: 1.0}",
      "  - target_kl: {kl: 0.1}",
      "  - target_kl: {kl: 0.01}",
      "  - target_kl: {kl: 0.001}",
      "behaviours:",
      "  - on_policy: {}",
      "estimators:",
      "  - k1/loss",
      "  - k2/loss",
      "  - k3/loss",
      "baselines: [none, \"const(-1)\", \"const(-0.5)\", \"const(0.5)\", \"const(1)\"]",
      "batch_sizes: [1, 64]",
      "batches: 2000",
      "");

  /**
   * Single-token grids keep their config_ids: those of conf/grid-seed.yaml as {@code eval --json}
   * of main (9bcebae) wrote them, by position in the grid's order, whether or not the grid spells
   * out the sequence keys at their defaults.
   */
  @Test
  void singleTokenGridsKeepTheConfigIdsOfMain(@TempDir Path dir) throws IOException {
    Map<Integer, String> main = Map.of(
        0, "fc4598ba50712a5baa4c2dd5e3f2601e",
        1, "4c41613152ef470365e27ca421143f79",
        7, "3141f9d0671c0a2d908c45110a65a36a",
        64, "d1afdd4a75aa8e51ba2d3a2b93ebb3c0",
        121, "d1ce5fa19c14c82c4ee21588d2900c6b",
        239, "715dd04f82faf026b9a40b4def4cffbf");
    List<String> ids = ids(load(dir, MAIN_SEED_GRID));
    assertEquals(240, ids.size());
    for (Map.Entry<Integer, String> e : main.entrySet()) assertEquals(e.getValue(), ids.get(e.getKey()), "configuration " + e.getKey());
    Grid explicit = load(dir, MAIN_SEED_GRID + "horizons: [1]\ncontexts: [1]\ndiscounts: [1.0]\n");
    assertEquals(ids, ids(explicit));
    assertEquals(List.of(1), explicit.parts().get(0).horizons());
    assertEquals(List.of(Contexts.ONE), explicit.parts().get(0).contexts());
    assertEquals(List.of(1.0), explicit.parts().get(0).discounts());
  }

  static final String SEQUENCE_GRID = String.join("\n",
      "name: responses",
      "seed: 11",
      "vocab_sizes: [3]",
      "horizons: [1, 4]",
      "contexts: [1, tree]",
      "policies:",
      "  - gaussian: {sigma: 1}",
      "references:",
      "  - target_kl: {kl: 0.05, spread: 0.5}",
      "behaviours:",
      "  - on_policy: {}",
      "  - perturb: {delta: 0.2, spread: 0}",
      "estimators:",
      "  - k1/reward",
      "  - k1/reward_is",
      "discounts: [1.0, 0.9]",
      "baselines: [none, oracle]",
      "batch_sizes: [2, 8]",
      "batches: 30",
      "");

  @Test
  void sequenceKeysJoinTheProductInOrder(@TempDir Path dir) throws IOException {
    Grid g = load(dir, SEQUENCE_GRID);
    assertEquals(List.of(1, 4), g.parts().get(0).horizons());
    assertEquals(List.of(Contexts.ONE, Contexts.tree()), g.parts().get(0).contexts());
    assertEquals(List.of(1.0, 0.9), g.parts().get(0).discounts());
    assertEquals("target_kl(kl=0.05, spread=0.5)", g.parts().get(0).references().get(0).canonical());
    assertEquals("perturb(delta=0.2)", g.parts().get(0).behaviours().get(1).canonical(), "spread 0 is left out");
    // models: triple, then horizon, then contexts
    List<TripleSpec> t = g.triples();
    assertEquals(2 * 2 * 2, t.size());
    FamilySpec p = g.parts().get(0).policies().get(0);
    FamilySpec q = g.parts().get(0).references().get(0);
    assertEquals(new TripleSpec(3, p, q, g.parts().get(0).behaviours().get(0), 1, Contexts.ONE), t.get(0));
    assertEquals(new TripleSpec(3, p, q, g.parts().get(0).behaviours().get(0), 1, Contexts.tree()), t.get(1));
    assertEquals(new TripleSpec(3, p, q, g.parts().get(0).behaviours().get(0), 4, Contexts.ONE), t.get(2));
    assertEquals(new TripleSpec(3, p, q, g.parts().get(0).behaviours().get(0), 4, Contexts.tree()), t.get(3));
    assertEquals(new TripleSpec(3, p, q, g.parts().get(0).behaviours().get(1), 1, Contexts.ONE), t.get(4));
    // per model: batch size, estimator, discount, baseline (SequenceEvaluation.evaluate's order)
    List<Configuration> c = g.configurations();
    assertEquals(8 * 2 * 2 * 2 * 2, c.size());
    assertEquals(c.size(), g.configurationCount());
    Estimator reward = g.parts().get(0).estimators().get(0);
    Estimator rewardIs = g.parts().get(0).estimators().get(1);
    assertEquals(new Configuration(t.get(0), reward, 1.0, Baseline.NONE, 2, 30, 11L), c.get(0));
    assertEquals(new Configuration(t.get(0), reward, 1.0, Baseline.ORACLE, 2, 30, 11L), c.get(1));
    assertEquals(new Configuration(t.get(0), reward, 0.9, Baseline.NONE, 2, 30, 11L), c.get(2));
    assertEquals(new Configuration(t.get(0), rewardIs, 1.0, Baseline.NONE, 2, 30, 11L), c.get(4));
    assertEquals(new Configuration(t.get(0), reward, 1.0, Baseline.NONE, 8, 30, 11L), c.get(8));
    assertEquals(new Configuration(t.get(1), reward, 1.0, Baseline.NONE, 2, 30, 11L), c.get(16));
    assertEquals(c.subList(16, 32), g.configurations(1));
    assertEquals(c.subList(24, 32), g.configurations(1, 8));
    assertEquals(new Metrics.Key(reward, 0.9, Baseline.NONE, 2), c.get(2).metricsKey());
  }

  @Test
  void horizonContextsAndDiscountAreInTheIdOnlyWhereTheyAreNotOne(@TempDir Path dir) throws IOException {
    Grid g = load(dir, SEQUENCE_GRID);
    List<Configuration> c = g.configurations();
    Set<String> ids = new HashSet<>(ids(g));
    assertEquals(c.size(), ids.size(), "horizon, contexts and discount tell configurations apart");
    TripleSpec single = g.triples().get(0);
    TripleSpec tree = g.triples().get(3);
    assertEquals("V=3|p=gaussian(sigma=1.0)|q=target_kl(kl=0.05, spread=0.5)|mu=on_policy()", single.key());
    assertEquals(single.key() + "|T=4|contexts=tree", tree.key());
    assertEquals(single.key() + "|contexts=tree", g.triples().get(1).key());
    assertEquals(single.key() + "|T=4", g.triples().get(2).key());
    assertTrue(c.get(2).canonicalText().contains("|ratio_clip=null|discount=0.9|baseline=none|"), c.get(2).canonicalText());
    assertTrue(!c.get(0).canonicalText().contains("discount"), c.get(0).canonicalText());
    assertEquals(new Configuration(single, g.parts().get(0).estimators().get(0), Baseline.NONE, 2, 30, 11L).configId(), c.get(0).configId());
  }

  @Test
  void spreadZeroIsTheFamilyWithoutSpread(@TempDir Path dir) throws IOException {
    String zero = SEQUENCE_GRID.replace("target_kl: {kl: 0.05, spread: 0.5}", "target_kl: {kl: 0.05, spread: 0}");
    String none = SEQUENCE_GRID.replace("target_kl: {kl: 0.05, spread: 0.5}", "target_kl: {kl: 0.05}");
    Grid a = load(dir, zero);
    assertEquals("target_kl(kl=0.05)", a.parts().get(0).references().get(0).canonical());
    assertEquals(ids(a), ids(load(dir, none)));
    assertTrue(!new HashSet<>(ids(a)).removeAll(ids(load(dir, SEQUENCE_GRID))), "a spread renews every id it touches");
  }


  @Test
  void descriptionIsOptional(@TempDir Path dir) throws IOException {
    assertNull(load(dir, GRID.replace("description: a test grid\n", "")).description());
  }

  @Test
  void theShippedEvalGridUsesEveryFamilyRuleBaselineAndPreset() {
    Grid g = GridFile.load(Path.of(System.getProperty("klbench.home", "."), "conf", "eval.yaml"));
    Set<String> families = new HashSet<>();
    for (TripleSpec t : g.triples()) {
      families.add(t.policy().family());
      families.add(t.reference().family());
      families.add(t.behaviour().family());
    }
    List<String> registered = Families.all().stream().map(Family::name).toList();
    assertTrue(families.containsAll(registered), "missing families: " + registered.stream().filter(f -> !families.contains(f)).toList());
    List<Estimator> estimators = g.parts().stream().flatMap(p -> p.estimators().stream()).toList();
    // every rule, the sequence-only ones in a part of responses
    assertEquals(Set.of(GradientRule.values()), estimators.stream().map(Estimator::rule).collect(Collectors.toSet()));
    assertEquals(Set.of(ValueFunction.values()), estimators.stream().map(Estimator::value).collect(Collectors.toSet()));
    Set<Baseline.Kind> kinds = g.parts().stream().flatMap(p -> p.baselines().stream()).map(Baseline::kind).collect(Collectors.toSet());
    assertEquals(Set.of(Baseline.Kind.values()), kinds);
    assertTrue(estimators.stream().map(Estimator::name).toList().containsAll(Presets.all().keySet()));
    Set<String> kindsOfFiles = new HashSet<>();
    for (TripleSpec t : g.triples()) {
      for (FamilySpec f : List.of(t.policy(), t.behaviour())) if (f.family().equals("file")) kindsOfFiles.add((String) f.params().get("path"));
    }
    assertTrue(kindsOfFiles.stream().anyMatch(p -> p.endsWith(".csv")) && kindsOfFiles.stream().anyMatch(p -> p.endsWith(".parquet")));
    // responses: a discount below 1, one context, several, the tree, on- and off-policy
    Grid.Part responses = g.parts().get(1);
    assertTrue(responses.horizons().stream().allMatch(t -> t > 1), responses.horizons().toString());
    assertTrue(responses.discounts().stream().anyMatch(d -> d < 1));
    assertTrue(responses.contexts().containsAll(List.of(Contexts.ONE, Contexts.tree())) && responses.contexts().size() > 2);
    assertTrue(responses.behaviours().stream().anyMatch(b -> b.family().equals("on_policy"))
        && responses.behaviours().stream().anyMatch(b -> !b.family().equals("on_policy")));
    // the first part is the single-token grid eval.yaml was before it had parts: its rows keep
    // their ids (these, from `eval --json` of that grid)
    assertEquals(6032, g.parts().get(0).configurationCount());
    List<String> ids = ids(g);
    assertEquals(List.of("79c19eb244e07d1f46035cb04f1b593c", "153633493f2322944720a6bcda5fd86f", "25e125e6dbc3dc1ae92626a4b6ee0abd"),
        List.of(ids.get(0), ids.get(3001), ids.get(6031)));
  }

  /** The grid's text without its name, seed and description: its product keys. */
  static String product(String grid) {
    return grid.lines().filter(l -> !l.startsWith("name:") && !l.startsWith("seed:") && !l.startsWith("description:"))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /** {@link #GRID} and {@link #SEQUENCE_GRID} as two parts, under seed 11. */
  static final String TWO_PARTS = PartsText.of("name: two\ndescription: both\nseed: 11\n",
      "description: single tokens\n" + product(GRID), product(SEQUENCE_GRID));

  static Grid.Part withoutDescription(Grid.Part p) {
    return new Grid.Part(null, p.vocabSizes(), p.horizons(), p.contexts(), p.policies(), p.references(), p.behaviours(),
        p.estimators(), p.discounts(), p.baselines(), p.batchSizes(), p.batches(), p.triples());
  }

  @Test
  void aGridWithoutPartsIsOnePart(@TempDir Path dir) throws IOException {
    Grid g = load(dir, GRID);
    assertEquals(1, g.parts().size());
    assertNull(g.parts().get(0).description(), "the description is the grid's");
    assertEquals(g.parts().get(0).triples(), g.triples());
    for (int m = 0; m < g.triples().size(); m++) assertEquals(0, g.partIndex(m));
  }

  @Test
  void partsAreTheProductsOfTheirOwnListsInOrder(@TempDir Path dir) throws IOException {
    Grid g = load(dir, TWO_PARTS);
    Grid a = load(Files.createDirectories(dir.resolve("a")), "name: two\nseed: 11\n" + product(GRID));
    Grid b = load(Files.createDirectories(dir.resolve("b")), "name: two\nseed: 11\n" + product(SEQUENCE_GRID));
    assertEquals("two", g.name());
    assertEquals("both", g.description());
    assertEquals(11L, g.seed());
    assertEquals(2, g.parts().size());
    assertEquals("single tokens", g.parts().get(0).description());
    assertNull(g.parts().get(1).description());
    assertEquals(a.parts().get(0), withoutDescription(g.parts().get(0)));
    assertEquals(b.parts().get(0), g.parts().get(1));
    assertEquals(List.of(2000, 30), g.parts().stream().map(Grid.Part::batches).toList());

    // the models of each part, in part order, each knowing its part
    int na = a.triples().size();
    List<TripleSpec> models = new ArrayList<>(a.triples());
    models.addAll(b.triples());
    assertEquals(models, g.triples());
    for (int m = 0; m < g.triples().size(); m++) {
      assertEquals(m < na ? 0 : 1, g.partIndex(m));
      assertEquals(g.parts().get(m < na ? 0 : 1), g.part(m));
    }
    // the configurations and ids of the parts run as grids of their own, in part order
    List<Configuration> configs = new ArrayList<>(a.configurations());
    configs.addAll(b.configurations());
    assertEquals(configs, g.configurations());
    List<String> ids = new ArrayList<>(ids(a));
    ids.addAll(ids(b));
    assertEquals(ids, ids(g));
    assertEquals(ids.size(), new HashSet<>(ids).size());
    assertEquals(a.configurationCount() + b.configurationCount(), g.configurationCount());
    assertEquals(b.configurations(3), g.configurations(na + 3));
    assertEquals(b.configurations(3, 8), g.configurations(na + 3, 8));
    assertEquals(a.configurations(5, 64), g.configurations(5, 64));
  }

  @Test
  void partsMayShareAModelButNoConfiguration(@TempDir Path dir) throws IOException {
    String k1 = product(GRID).replace("vocab_sizes: [16, 1024]", "vocab_sizes: [16]");
    // the same models with other estimators, or another batch count: other configurations
    String k2 = k1.replaceAll("estimators:\n(  - .*\n)+", "estimators: [k2/loss]\n");
    String fewer = k1.replace("batches: 2000", "batches: 100");
    Grid g = load(dir, PartsText.of("name: t\nseed: 5\n", k1, k2, fewer));
    int n = g.parts().get(0).triples().size();
    assertEquals(g.parts().get(0).triples(), g.parts().get(1).triples());
    assertEquals(3 * n, g.triples().size());
    assertEquals(List.of("k2/loss"), g.part(n).estimators().stream().map(Estimator::name).toList());
    assertEquals(100, g.part(2 * n).batches());
    assertEquals(g.configurationCount(), new HashSet<>(ids(g)).size());

    // one estimator in common at the same batch count: refused, naming both parts and the configuration
    String again = k2.replace("[k2/loss]", "[k2/loss, verl.low_var_kl]");
    BadInputException e = assertThrows(BadInputException.class, () -> load(dir, PartsText.of("name: t\nseed: 5\n", k1, again)));
    assertEquals("parts[1]", e.key());
    Configuration first = new Configuration(g.triples().get(0), Presets.byName("verl.low_var_kl"), Baseline.NONE, 2, 2000, 5L);
    assertEquals("repeats a configuration of parts[0]: " + first.triple().key() + ", estimator verl.low_var_kl, baseline none,"
        + " batch size 2, batches 2000 (config_id " + first.configId() + ") is in both: each configuration may be in one part only",
        e.problem());
  }

  static List<String> canonicals(List<FamilySpec> specs) {
    return specs.stream().map(FamilySpec::canonical).toList();
  }

  static List<String> ids(Grid g) {
    List<String> out = new ArrayList<>();
    for (Configuration c : g.configurations()) out.add(c.configId());
    return out;
  }
}
