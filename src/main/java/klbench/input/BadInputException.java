package klbench.input;

/**
 * Bad input from the user: a grid file, a data file it names, or a command-line option. It names
 * the file, the key path inside it (e.g. {@code policies[1].gaussian.sigma}) and the problem, and
 * its message is always one line, {@code file: key: problem}, because the commands print it as the
 * whole of their error output (exit status 2).
 */
public final class BadInputException extends RuntimeException {
  private final String file;
  private final String key;
  private final String problem;

  /**
   * @param file the file as the user named it, or null when the input is not a file (an option)
   * @param key the key path inside the file, or null for the file as a whole
   * @param problem what is wrong, e.g. {@code must be > 0, got -1.0}
   */
  public BadInputException(String file, String key, String problem) {
    this(file, key, problem, null);
  }

  public BadInputException(String file, String key, String problem, Throwable cause) {
    super(compose(file, key, problem), cause);
    this.file = file;
    this.key = key;
    this.problem = problem;
  }

  public String file() { return file; }

  public String key() { return key; }

  public String problem() { return problem; }

  private static String compose(String file, String key, String problem) {
    StringBuilder b = new StringBuilder();
    for (String part : new String[] {file, key, problem}) {
      if (part == null || part.isBlank()) continue;
      if (b.length() > 0) b.append(": ");
      b.append(part);
    }
    // One line, whatever a parser's message looked like.
    return b.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
