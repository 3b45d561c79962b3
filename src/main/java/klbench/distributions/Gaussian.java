package klbench.distributions;

import java.util.List;
import java.util.Set;
import klbench.core.LogSpace;

/**
 * {@code gaussian: {sigma}}: softmax of logits θ_j = σ z_j, z ~ N(0, I_V) from the family's own
 * stream, so a gaussian reference or behaviour is drawn independently of a gaussian p.
 */
final class Gaussian implements Family {
  static final Gaussian FAMILY = new Gaussian();

  private Gaussian() {}

  @Override public String name() { return "gaussian"; }

  @Override public Set<Role> roles() { return Set.of(Role.values()); }

  @Override public List<String> parameters() { return List.of("sigma"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name(), "sigma", params.child("sigma").positive());
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    double sigma = spec.number("sigma");
    double[] theta = input.draws().standardNormals(input.vocabSize());
    for (int j = 0; j < theta.length; j++) theta[j] = sigma * theta[j];
    return LogSpace.logSoftmax(theta);
  }
}
