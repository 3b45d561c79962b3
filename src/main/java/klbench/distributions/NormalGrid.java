package klbench.distributions;

import java.util.List;
import java.util.Set;
import klbench.core.LogSpace;

/**
 * {@code normal_grid: {mean, std, lo, hi}}: a Gaussian density N(mean, std²) evaluated at V evenly
 * spaced points from lo to hi, normalised.
 */
final class NormalGrid implements Family {
  static final NormalGrid FAMILY = new NormalGrid();

  private NormalGrid() {}

  @Override public String name() { return "normal_grid"; }

  @Override public Set<Role> roles() { return Set.of(Role.values()); }

  @Override public List<String> parameters() { return List.of("mean", "std", "lo", "hi"); }

  @Override
  public FamilySpec read(ParameterNode params, FileSource files) {
    double mean = params.child("mean").number();
    double std = params.child("std").positive();
    double lo = params.child("lo").number();
    double hi = params.child("hi").number();
    if (!(hi > lo)) throw params.child("hi").bad("must be > lo (" + lo + "), got " + hi);
    return Families.spec(name(), "mean", mean, "std", std, "lo", lo, "hi", hi);
  }

  @Override
  public double[] build(FamilySpec spec, BuildInput input) {
    double mean = spec.number("mean");
    double std = spec.number("std");
    double lo = spec.number("lo");
    double hi = spec.number("hi");
    int v = input.vocabSize();
    double[] theta = new double[v];
    for (int j = 0; j < v; j++) {
      double x = lo + (hi - lo) * j / (v - 1);
      double d = x - mean;
      theta[j] = -(d * d) / (2 * std * std);
    }
    return LogSpace.logSoftmax(theta);
  }
}
