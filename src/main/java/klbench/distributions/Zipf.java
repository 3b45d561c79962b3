package klbench.distributions;

import java.util.List;
import java.util.Set;
import klbench.core.LogSpace;

/** {@code zipf: {exponent}}: p_j ∝ (j + 1)^(−s), a power law over the token index. */
final class Zipf implements Family {
  static final Zipf FAMILY = new Zipf();

  private Zipf() {}

  @Override public String name() { return "zipf"; }

  @Override public Set<Role> roles() { return Set.of(Role.values()); }

  @Override public List<String> parameters() { return List.of("exponent"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name(), "exponent", params.child("exponent").nonNegative());
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    double s = spec.number("exponent");
    double[] theta = new double[input.vocabSize()];
    for (int j = 0; j < theta.length; j++) theta[j] = -s * Math.log(j + 1.0);
    return LogSpace.logSoftmax(theta);
  }
}
