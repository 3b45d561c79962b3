package klbench.distributions;

import java.util.List;
import java.util.Set;

/** {@code on_policy}: the behaviour is the policy itself (μ = p); its triple has no μ of its own. */
final class OnPolicy implements Family {
  static final OnPolicy FAMILY = new OnPolicy();

  private OnPolicy() {}

  @Override public String name() { return "on_policy"; }

  @Override public Set<Role> roles() { return Set.of(Role.BEHAVIOUR); }

  @Override public List<String> parameters() { return List.of(); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    return Families.spec(name());
  }

  /** null: tokens are drawn from p. */
  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    return null;
  }
}
