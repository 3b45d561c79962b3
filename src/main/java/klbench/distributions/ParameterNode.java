package klbench.distributions;

import java.util.List;

/**
 * A family's parameters as written in an input file, seen through their key paths: the typed
 * getters return a value or throw the input's error naming the file, the key path (e.g. {@code
 * policies[1].gaussian.sigma}) and the problem. Families validate their parameters through it
 * ({@link Family#read}) without knowing the file's format; the grid loader implements it on YAML.
 */
public interface ParameterNode {
  ParameterNode child(String key);

  /** The elements of a non-empty list. */
  List<? extends ParameterNode> list();

  /** Absent from the mapping. */
  boolean isMissing();

  /** Absent or written as null. */
  boolean isNull();

  boolean isText();

  boolean isInteger();

  /** A non-blank string. */
  String string();

  /** A finite number (an integer is accepted and widened). */
  double number();

  /** A number &gt; 0. */
  double positive();

  /** A number &ge; 0. */
  double nonNegative();

  /** An integer in [min, max]. */
  int intIn(long min, long max);

  /** What the node holds, for messages: {@code string 'x'}, {@code a list}, {@code nothing}, ... */
  String describe();

  /** The input's error for this node (file, key path, problem), to throw. */
  RuntimeException bad(String problem);
}
