package klbench.distributions;

import java.util.List;
import java.util.Set;

/**
 * {@code perturb: {delta, spread}}: softmax(log p + δ ε), a given step along the role's direction ε
 * (one per policy, V and row, shared by every δ and KL level: {@link PerturbationPath}); over a
 * model of responses row (t, c) steps δ·exp(spread·z_{t,c} − spread²/2).
 */
final class Perturb implements Family {
  static final Perturb FAMILY = new Perturb();

  private Perturb() {}

  @Override public String name() { return "perturb"; }

  @Override public Set<Role> roles() { return Set.of(Role.REFERENCE, Role.BEHAVIOUR); }

  @Override public List<String> parameters() { return List.of("delta", PerturbationPath.SPREAD); }

  @Override public List<String> optionalParameters() { return List.of(PerturbationPath.SPREAD); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    double delta = params.child("delta").positive();
    return PerturbationPath.spec(name(), "delta", delta, PerturbationPath.readSpread(params));
  }

  @Override
  public String sequenceParameter(FamilySpec spec) {
    return PerturbationPath.spread(spec) != 0 ? PerturbationPath.SPREAD : null;
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    return PerturbationPath.row(input, spec.number("delta"), PerturbationPath.spread(spec));
  }
}
