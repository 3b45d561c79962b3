package klbench.distributions;

import java.util.List;
import java.util.Set;

/**
 * {@code perturb: {delta}}: softmax(log p + δ ε), a given step along the role's direction ε (one
 * per policy and V, shared by every δ and KL level: {@link PerturbationPath}).
 */
final class Perturb implements Family {
  static final Perturb FAMILY = new Perturb();

  private Perturb() {}

  @Override public String name() { return "perturb"; }

  @Override public Set<Role> roles() { return Set.of(Role.REFERENCE, Role.BEHAVIOUR); }

  @Override public List<String> parameters() { return List.of("delta"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name(), "delta", params.child("delta").positive());
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    double[] eps = PerturbationPath.direction(input.direction(), input.vocabSize());
    return PerturbationPath.at(input.logP(), eps, spec.number("delta"));
  }
}
