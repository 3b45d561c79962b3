package klbench.distributions;

import java.util.List;
import java.util.Set;
import klbench.core.LogSpace;

/** {@code temperature: {tau}}: softmax(θ/τ) of the policy's logits θ. */
final class Temperature implements Family {
  static final Temperature FAMILY = new Temperature();

  private Temperature() {}

  @Override public String name() { return "temperature"; }

  @Override public Set<Role> roles() { return Set.of(Role.REFERENCE, Role.BEHAVIOUR); }

  @Override public List<String> parameters() { return List.of("tau"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name(), "tau", params.child("tau").positive());
  }

  /** log p differs from θ by a constant, which the softmax drops. */
  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    double tau = spec.number("tau");
    double[] logP = input.logP();
    double[] theta = new double[logP.length];
    for (int j = 0; j < theta.length; j++) theta[j] = logP[j] / tau;
    return LogSpace.logSoftmax(theta);
  }
}
