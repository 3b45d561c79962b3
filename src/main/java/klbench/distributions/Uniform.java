package klbench.distributions;

import java.util.List;
import java.util.Set;
import klbench.core.LogSpace;

/** {@code uniform}: 1/V on every token. */
final class Uniform implements Family {
  static final Uniform FAMILY = new Uniform();

  private Uniform() {}

  @Override public String name() { return "uniform"; }

  @Override public Set<Role> roles() { return Set.of(Role.values()); }

  @Override public List<String> parameters() { return List.of(); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name());
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    return LogSpace.logSoftmax(new double[input.vocabSize()]);
  }
}
