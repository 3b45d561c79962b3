package klbench.distributions;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One use of a distribution family, e.g. {@code gaussian: {sigma: 1.0}}: the family's name and its
 * parameter values in declared order ({@link Family#parameters()}). Values are Double, String, or
 * List of Double. {@link Families#of} gives its definition.
 */
public record FamilySpec(String family, LinkedHashMap<String, Object> params) implements Serializable {

  /** Canonical text written to result rows, e.g. {@code gaussian(sigma=1.0)}, {@code on_policy()}. */
  public String canonical() {
    return family + "(" + params.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ")) + ")";
  }

  public double number(String key) {
    return ((Number) params.get(key)).doubleValue();
  }

  public String text(String key) {
    return (String) params.get(key);
  }

  public Map<String, Object> paramsView() {
    return java.util.Collections.unmodifiableMap(params);
  }

  @Override
  public String toString() {
    return canonical();
  }
}
