package klbench.spark;

import java.util.ArrayList;
import java.util.List;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.Presets;
import klbench.core.ValueFunction;
import klbench.distributions.FileVectors;
import klbench.grid.Families;
import klbench.grid.FamilySpec;
import klbench.grid.Grid;
import klbench.grid.TripleSpec;

/** TEMPORARY: grids built in Java until GridFile lands; then these become YAML test resources. */
final class TestGrids {
  private TestGrids() {}

  static Grid tiny(List<Integer> batchSizes, List<String> estimatorNames) {
    List<Integer> vocab = List.of(16, 48);
    List<FamilySpec> policies = List.of(Families.spec("gaussian", "sigma", 1.0), Families.spec("zipf", "exponent", 1.1));
    List<FamilySpec> refs = List.of(Families.spec("target_kl", "kl", 0.1));
    List<FamilySpec> behaviours = List.of(Families.spec("on_policy"), Families.spec("target_kl", "kl", 0.05));
    List<Estimator> estimators = new ArrayList<>();
    for (String n : estimatorNames) {
      Estimator p = Presets.byName(n);
      if (p == null) {
        String[] vr = n.split("/");
        p = Estimator.of(ValueFunction.valueOf(vr[0].toUpperCase()), GradientRule.valueOf(vr[1].toUpperCase()));
      }
      estimators.add(p);
    }
    List<TripleSpec> triples = new ArrayList<>();
    for (int v : vocab) for (FamilySpec p : policies) for (FamilySpec q : refs) for (FamilySpec mu : behaviours) {
      triples.add(new TripleSpec(v, p, q, mu));
    }
    return new Grid("tiny", "", 20261126L, vocab, policies, refs, behaviours, estimators,
        List.of(Baseline.NONE, Baseline.LOO), batchSizes, 150, "tiny.yaml", "name: tiny\n", FileVectors.empty(),
        triples);
  }

  static Grid tiny() {
    return tiny(List.of(2, 64, 4096), List.of("k1/loss", "k3/loss", "verl.low_var_kl"));
  }
}
