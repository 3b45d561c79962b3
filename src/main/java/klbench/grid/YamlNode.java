package klbench.grid;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import klbench.distributions.ParameterNode;
import klbench.input.BadInputException;

/**
 * A node of a parsed grid file together with its key path, so that every check can name where it
 * failed ({@code policies[1].gaussian.sigma}). The typed getters are the only way the loader reads
 * values: each one rejects a wrong type with a message that says what it got. Families read their
 * parameters through it as a {@link ParameterNode}.
 */
final class YamlNode implements ParameterNode {
  final String file;
  final String path;
  final JsonNode json;

  YamlNode(String file, String path, JsonNode json) {
    this.file = file;
    this.path = path;
    this.json = json;
  }

  @Override
  public BadInputException bad(String problem) {
    return new BadInputException(file, path.isEmpty() ? null : path, problem);
  }

  @Override
  public boolean isMissing() {
    return json == null || json.isMissingNode();
  }

  @Override
  public boolean isNull() {
    return isMissing() || json.isNull();
  }

  @Override
  public YamlNode child(String key) {
    JsonNode j = json == null ? null : json.get(key);
    return new YamlNode(file, path.isEmpty() ? key : path + "." + key, j);
  }

  /** A mapping whose keys are all in {@code allowed}; an unknown key is an error naming it. */
  YamlNode mapping(List<String> allowed) {
    if (isMissing()) throw bad("is required");
    if (!json.isObject()) throw bad("must be a mapping, got " + describe(json));
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      if (!allowed.contains(k)) {
        throw child(k).bad(allowed.isEmpty() ? "unknown key (this takes no parameters)"
            : "unknown key (expected one of " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  @Override
  public boolean isText() {
    return json != null && json.isTextual();
  }

  @Override
  public boolean isInteger() {
    return json != null && json.isIntegralNumber();
  }

  @Override
  public String describe() {
    return describe(json);
  }

  List<String> keys() {
    List<String> out = new ArrayList<>();
    json.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The elements of a non-empty list. */
  @Override
  public List<YamlNode> list() {
    if (isMissing()) throw bad("is required");
    if (!json.isArray()) throw bad("must be a list, got " + describe(json));
    if (json.isEmpty()) throw bad("must not be empty");
    List<YamlNode> out = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) out.add(new YamlNode(file, path + "[" + i + "]", json.get(i)));
    return out;
  }

  @Override
  public String string() {
    if (isMissing()) throw bad("is required");
    if (!json.isTextual()) throw bad("must be a string, got " + describe(json));
    String s = json.textValue();
    if (s.isBlank()) throw bad("must not be empty");
    return s;
  }

  /** A finite number (an integer is accepted and widened). */
  @Override
  public double number() {
    if (isMissing()) throw bad("is required");
    if (!json.isNumber()) throw bad("must be a number, got " + describe(json));
    double v = json.doubleValue();
    if (!Double.isFinite(v)) throw bad("must be finite, got " + json.asText());
    return v;
  }

  @Override
  public double positive() {
    double v = number();
    if (!(v > 0)) throw bad("must be > 0, got " + v);
    return v;
  }

  @Override
  public double nonNegative() {
    double v = number();
    if (!(v >= 0)) throw bad("must be >= 0, got " + v);
    return v;
  }

  long longValue() {
    if (isMissing()) throw bad("is required");
    if (!json.isIntegralNumber()) throw bad("must be an integer, got " + describe(json));
    if (!json.canConvertToLong()) throw bad("must fit in 64 bits, got " + json.asText());
    return json.longValue();
  }

  @Override
  public int intIn(long min, long max) {
    long v = longValue();
    if (v < min || v > max) {
      throw bad(max == Integer.MAX_VALUE ? "must be >= " + min + ", got " + v
          : "must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  static String describe(JsonNode j) {
    if (j == null || j.isMissingNode()) return "nothing";
    if (j.isNull()) return "null";
    if (j.isTextual()) return "string '" + j.textValue() + "'";
    if (j.isBoolean()) return "boolean " + j.booleanValue();
    if (j.isIntegralNumber()) return "integer " + j.asText();
    if (j.isNumber()) return "number " + j.asText();
    if (j.isArray()) return "a list";
    if (j.isObject()) return "a mapping";
    return j.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
