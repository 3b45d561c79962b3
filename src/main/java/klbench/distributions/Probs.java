package klbench.distributions;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code probs: {values}}: probabilities written out, normalised here; the list's length fixes V.
 * A zero makes a reference or behaviour that misses a token (an infeasible triple).
 */
final class Probs implements Family {
  static final Probs FAMILY = new Probs();

  private Probs() {}

  @Override public String name() { return "probs"; }

  @Override public Set<Role> roles() { return Set.of(Role.values()); }

  @Override public List<String> parameters() { return List.of("values"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    ParameterNode valuesNode = params.child("values");
    List<? extends ParameterNode> items = valuesNode.list();
    Families.checkLength(valuesNode, items.size());
    List<Double> values = new ArrayList<>();
    boolean anyPositive = false;
    for (ParameterNode item : items) {
      double v = item.nonNegative();
      anyPositive |= v > 0;
      values.add(v);
    }
    if (!anyPositive) throw valuesNode.bad("all probabilities are 0");
    return Families.spec(name(), "values", values);
  }

  @Override
  public OptionalInt fixedSize(FamilySpec spec, FileVectors files) {
    return OptionalInt.of(values(spec).length);
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    return ValuesKind.PROBS.toLogProbs(values(spec), input.vocabSize(), spec.canonical());
  }

  private static double[] values(FamilySpec spec) {
    @SuppressWarnings("unchecked")
    List<Double> list = (List<Double>) spec.params().get("values");
    double[] values = new double[list.size()];
    for (int j = 0; j < values.length; j++) values[j] = list.get(j);
    return values;
  }
}
