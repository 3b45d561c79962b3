package klbench.grid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import klbench.distributions.ConfData;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every kind of bad grid input, each with the key path and the problem its error must name. Shared
 * by {@link GridFileErrorsTest} (the exception) and the command-line test (exit status 2, one line
 * on stderr, nothing on stdout).
 */
public final class GridErrorCases {
  private GridErrorCases() {}

  /** A valid grid; each case breaks it in one place. */
  public static final String BASE = String.join("\n",
      "name: t",
      "seed: 7",
      "vocab_sizes: [16]",
      "policies:",
      "  - uniform: {}",
      "  - gaussian: {sigma: 1.0}",
      "references:",
      "  - target_kl: {kl: 0.1}",
      "behaviours:",
      "  - on_policy: {}",
      "estimators:",
      "  - k1/loss",
      "  - {value: k3, rule: loss, clamp_value: 10}",
      "baselines: [none, loo]",
      "batch_sizes: [4]",
      "batches: 10",
      "");

  /**
   * @param text the grid file's text
   * @param setup writes the data files the grid names into its folder
   * @param key the key path the error must name (null: the file as a whole)
   * @param problem a fragment the problem must contain
   */
  public record Case(String name, String text, Consumer<Path> setup, String key, String problem) {
    /** Writes the grid (and its data files) into {@code dir} and returns the grid's path. */
    public Path write(Path dir) {
      setup.accept(dir);
      Path grid = dir.resolve("grid.yaml");
      try {
        Files.writeString(grid, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return grid;
    }

    @Override public String toString() { return name; }
  }

  static String replace(String from, String to) {
    if (!BASE.contains(from)) throw new IllegalArgumentException("not in the base grid: " + from);
    return BASE.replace(from, to);
  }

  static final Consumer<Path> NO_FILES = dir -> {};

  static Consumer<Path> csv(String name, String content) {
    return dir -> {
      try {
        Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  static String csvColumn(String header, String... values) {
    return header + "\n" + String.join("\n", values) + "\n";
  }

  static String sixteen(String... overrides) {
    String[] v = new String[16];
    for (int i = 0; i < 16; i++) v[i] = i < overrides.length ? overrides[i] : Double.toString(0.1 * (i + 1));
    return csvColumn("token,logit", indexed(v));
  }

  private static String[] indexed(String[] v) {
    String[] out = new String[v.length];
    for (int i = 0; i < v.length; i++) out[i] = i + "," + v[i];
    return out;
  }

  static String withFilePolicy(String body) {
    return replace("  - uniform: {}", "  - file: " + body);
  }

  /**
   * The rows of a long-form file of a model of V tokens, a horizon and contexts (0: tree), one
   * (position, context, token, value) per line without the header: every row of the model.
   */
  static List<String> longRows(int v, int horizon, long contexts) {
    List<String> out = new ArrayList<>();
    for (int t = 1; t <= horizon; t++) {
      long h = (long) Math.pow(v, t - 1);
      if (contexts != 0) h = Math.min(h, contexts);
      for (int c = 0; c < h; c++) {
        for (int y = 0; y < v; y++) out.add(t + "," + c + "," + y + "," + (0.1 * (y + 1) + 0.01 * c + 0.05 * t));
      }
    }
    return out;
  }

  static String longCsv(List<String> rows) {
    return "position,context,token,value\n" + String.join("\n", rows) + "\n";
  }

  /** The base grid with a long-form policy file at V = 3 in place of uniform. */
  static String withLongPolicy(String body) {
    return withFilePolicy(body).replace("vocab_sizes: [16]", "vocab_sizes: [3]");
  }

  /** The rows of the V = 3, horizon 2 tree with {@code edit} applied. */
  static Consumer<Path> treeFile(java.util.function.UnaryOperator<List<String>> edit) {
    return csv("p.csv", longCsv(edit.apply(new ArrayList<>(longRows(3, 2, 0)))));
  }

  static final String SEQUENCE = "horizons: [2]\ncontexts: [tree]\n";

  static Case c(String name, String text, String key, String problem) {
    return new Case(name, text, NO_FILES, key, problem);
  }

  static Case f(String name, String text, Consumer<Path> setup, String key, String problem) {
    return new Case(name, text, setup, key, problem);
  }

  public static Stream<Arguments> cases() {
    List<Case> all = new ArrayList<>(productCases());
    all.addAll(partsCases());
    return all.stream().map(Arguments::of);
  }

  /** The cases of a grid without parts: its lists at the top level. */
  static List<Case> productCases() {
    List<Case> all = new ArrayList<>();
    // --- the file as a whole
    all.add(c("malformed YAML", replace("seed: 7", "seed: [7"), null, "malformed YAML at line 3, column 12: expected ',' or ']'"));
    all.add(c("duplicate key", BASE + "seed: 8\n", null, "duplicate key 'seed'"));
    all.add(c("empty file", "", null, "is empty"));
    all.add(c("comments only", "# nothing here\n", null, "is empty"));
    all.add(c("two documents", BASE + "---\nname: u\n", null, "more than one YAML document"));
    all.add(c("not a mapping", "- a\n- b\n", null, "must be a mapping, got a list"));
    all.add(c(".inf is not a number", replace("sigma: 1.0", "sigma: .inf"), null, "Malformed numeric value '.inf'"));
    // --- unknown keys
    all.add(c("unknown top-level key", BASE + "repeats: 3\n", "repeats", "unknown key"));
    all.add(c("unknown family parameter", replace("sigma: 1.0}", "sigma: 1.0, mu: 0}"), "policies[1].gaussian.mu", "unknown key"));
    all.add(c("parameter of a family without any", replace("uniform: {}", "uniform: {sigma: 1}"), "policies[0].uniform.sigma", "unknown key (this takes no parameters)"));
    all.add(c("unknown estimator key", replace("clamp_value: 10}", "clamp_value: 10, clip: 3}"), "estimators[1].clip", "unknown key"));
    all.add(c("sha256 is not written by users", withFilePolicy("{path: p.csv, sha256: abc}"), "policies[0].file.sha256", "unknown key"));
    // --- missing keys and wrong types
    all.add(c("missing seed", BASE.replace("seed: 7\n", ""), "seed", "is required"));
    all.add(c("missing batches", BASE.replace("batches: 10\n", ""), "batches", "is required"));
    all.add(c("missing parameter", replace("sigma: 1.0", "sd: 1.0"), "policies[1].gaussian.sd", "unknown key"));
    all.add(c("parameter absent", replace("{sigma: 1.0}", "{}"), "policies[1].gaussian.sigma", "is required"));
    all.add(c("name not a string", replace("name: t", "name: [t]"), "name", "must be a string, got a list"));
    all.add(c("seed not an integer", replace("seed: 7", "seed: abc"), "seed", "must be an integer, got string 'abc'"));
    all.add(c("seed a float", replace("seed: 7", "seed: 7.5"), "seed", "must be an integer, got number 7.5"));
    all.add(c("seed too big", replace("seed: 7", "seed: 99999999999999999999"), "seed", "must fit in 64 bits"));
    all.add(c("sigma a string", replace("sigma: 1.0", "sigma: wide"), "policies[1].gaussian.sigma", "must be a number, got string 'wide'"));
    all.add(c("sigma null", replace("sigma: 1.0", "sigma: null"), "policies[1].gaussian.sigma", "must be a number, got null"));
    all.add(c("sigma a boolean", replace("sigma: 1.0", "sigma: yes"), "policies[1].gaussian.sigma", "must be a number, got boolean true"));
    all.add(c("policies not a list", replace("policies:\n  - uniform: {}\n  - gaussian: {sigma: 1.0}", "policies: {gaussian: {sigma: 1.0}}"), "policies", "must be a list, got a mapping"));
    all.add(c("batches a float", replace("batches: 10", "batches: 10.5"), "batches", "must be an integer"));
    all.add(c("batch size a string", replace("batch_sizes: [4]", "batch_sizes: [four]"), "batch_sizes[0]", "must be an integer, got string 'four'"));
    all.add(c("family entry a number", replace("  - uniform: {}", "  - 5"), "policies[0]", "must be a family such as"));
    all.add(c("family entry two families", replace("  - uniform: {}", "  - {uniform: {}, zipf: {exponent: 1}}"), "policies[0]", "must name exactly one family, got 2 keys"));
    all.add(c("family parameters a list", replace("gaussian: {sigma: 1.0}", "gaussian: [1.0]"), "policies[1].gaussian", "must be a mapping, got a list"));
    all.add(c("estimator a number", replace("  - k1/loss", "  - 3"), "estimators[0]", "must be VALUE/RULE, a preset name or a mapping"));
    all.add(c("baseline not a string", replace("baselines: [none, loo]", "baselines: [none, 3]"), "baselines[1]", "must be a string, got integer 3"));
    all.add(c("name on two lines", replace("name: t", "name: \"a\\nb\""), "name", "must be one line"));
    // --- empty lists
    for (String list : List.of("vocab_sizes: [16]", "baselines: [none, loo]", "batch_sizes: [4]")) {
      String key = list.substring(0, list.indexOf(':'));
      all.add(c("empty " + key, replace(list, key + ": []"), key, "must not be empty"));
    }
    all.add(c("empty policies", replace("policies:\n  - uniform: {}\n  - gaussian: {sigma: 1.0}", "policies: []"), "policies", "must not be empty"));
    all.add(c("empty references", replace("references:\n  - target_kl: {kl: 0.1}", "references: []"), "references", "must not be empty"));
    all.add(c("empty behaviours", replace("behaviours:\n  - on_policy: {}", "behaviours: []"), "behaviours", "must not be empty"));
    all.add(c("empty estimators", replace("estimators:\n  - k1/loss\n  - {value: k3, rule: loss, clamp_value: 10}", "estimators: []"), "estimators", "must not be empty"));
    all.add(c("empty probs", replace("  - uniform: {}", "  - probs: {values: []}"), "policies[0].probs.values", "must not be empty"));
    // --- unknown names
    all.add(c("unknown policy family", replace("uniform: {}", "laplace: {b: 1}"), "policies[0]", "unknown policy family 'laplace'"));
    all.add(c("on_policy is no policy", replace("uniform: {}", "on_policy: {}"), "policies[0]", "unknown policy family 'on_policy'"));
    all.add(c("on_policy is no reference", replace("target_kl: {kl: 0.1}", "on_policy: {}"), "references[0]", "unknown reference family 'on_policy'"));
    all.add(c("perturb is no policy", replace("uniform: {}", "perturb: {delta: 1}"), "policies[0]", "unknown policy family 'perturb'"));
    all.add(c("unknown behaviour family", replace("on_policy: {}", "stale: {}"), "behaviours[0]", "unknown behaviour family 'stale'"));
    all.add(c("unknown preset", replace("  - k1/loss", "  - verl.nope"), "estimators[0]", "unknown estimator 'verl.nope'"));
    all.add(c("unknown value function", replace("k1/loss", "k9/loss"), "estimators[0]", "unknown value function 'k9'"));
    all.add(c("unknown rule", replace("k1/loss", "k1/lossy"), "estimators[0]", "unknown gradient rule 'lossy'"));
    all.add(c("three-part estimator", replace("k1/loss", "k1/loss/x"), "estimators[0]", "must be VALUE/RULE"));
    all.add(c("unknown value in object", replace("value: k3,", "value: k4,"), "estimators[1].value", "unknown value function 'k4'"));
    all.add(c("unknown rule in object", replace("rule: loss,", "rule: los,"), "estimators[1].rule", "unknown gradient rule 'los'"));
    all.add(c("object without rule", replace("rule: loss, ", ""), "estimators[1].rule", "is required"));
    all.add(c("ratio_clip on another rule", replace("clamp_value: 10}", "clamp_value: 10, ratio_clip: 2}"), "estimators[1].ratio_clip", "applies only to rule straight_through_ratio"));
    all.add(c("clamp_value 0", replace("clamp_value: 10", "clamp_value: 0"), "estimators[1].clamp_value", "must be > 0, got 0.0"));
    all.add(c("clamp_log_ratio negative", replace("clamp_value: 10", "clamp_log_ratio: -20"), "estimators[1].clamp_log_ratio", "must be > 0, got -20.0"));
    all.add(c("unknown baseline", replace("[none, loo]", "[none, mean]"), "baselines[1]", "unknown baseline 'mean'"));
    all.add(c("const without number", replace("[none, loo]", "[none, \"const(x)\"]"), "baselines[1]", "const(c) needs a number"));
    all.add(c("unknown kind", withFilePolicy("{path: p.csv, kind: odds}"), "policies[0].file.kind", "unknown kind 'odds'"));
    // --- values out of range (the brief's example: policies[1].gaussian.sigma: must be > 0, got -1.0)
    all.add(c("negative sigma", replace("sigma: 1.0", "sigma: -1"), "policies[1].gaussian.sigma", "must be > 0, got -1.0"));
    all.add(c("zero sigma", replace("sigma: 1.0", "sigma: 0"), "policies[1].gaussian.sigma", "must be > 0, got 0.0"));
    all.add(c("zero kl", replace("kl: 0.1", "kl: 0"), "references[0].target_kl.kl", "must be > 0, got 0.0"));
    all.add(c("negative kl", replace("kl: 0.1", "kl: -0.5"), "references[0].target_kl.kl", "must be > 0, got -0.5"));
    all.add(c("zero tau", replace("target_kl: {kl: 0.1}", "temperature: {tau: 0}"), "references[0].temperature.tau", "must be > 0, got 0.0"));
    all.add(c("negative delta", replace("target_kl: {kl: 0.1}", "perturb: {delta: -0.1}"), "references[0].perturb.delta", "must be > 0, got -0.1"));
    all.add(c("zero behaviour delta", replace("on_policy: {}", "perturb: {delta: 0}"), "behaviours[0].perturb.delta", "must be > 0, got 0.0"));
    all.add(c("negative exponent", replace("uniform: {}", "zipf: {exponent: -1}"), "policies[0].zipf.exponent", "must be >= 0, got -1.0"));
    all.add(c("zero std", replace("uniform: {}", "normal_grid: {mean: 0, std: 0, lo: -1, hi: 1}"), "policies[0].normal_grid.std", "must be > 0, got 0.0"));
    all.add(c("hi not above lo", replace("uniform: {}", "normal_grid: {mean: 0, std: 1, lo: 1, hi: 1}"), "policies[0].normal_grid.hi", "must be > lo (1.0), got 1.0"));
    all.add(c("zero batch size", replace("batch_sizes: [4]", "batch_sizes: [0]"), "batch_sizes[0]", "must be between 1 and 16777216, got 0"));
    all.add(c("huge batch size", replace("batch_sizes: [4]", "batch_sizes: [16777217]"), "batch_sizes[0]", "must be between 1 and 16777216"));
    all.add(c("zero batches", replace("batches: 10", "batches: 0"), "batches", "must be >= 1, got 0"));
    all.add(c("negative batches", replace("batches: 10", "batches: -5"), "batches", "must be >= 1, got -5"));
    all.add(c("vocab size 1", replace("vocab_sizes: [16]", "vocab_sizes: [16, 1]"), "vocab_sizes[1]", "must be between 2 and 16777216, got 1"));
    all.add(c("vocab size too big", replace("vocab_sizes: [16]", "vocab_sizes: [16777217]"), "vocab_sizes[0]", "must be between 2 and 16777216, got 16777217"));
    all.add(c("loo with batch size 1", replace("batch_sizes: [4]", "batch_sizes: [4, 1]"), "baselines[1]", "loo needs batch sizes >= 2, but batch_sizes[1] is 1"));
    all.add(c("negative probability", replace("  - uniform: {}", "  - probs: {values: [0.5, -0.1, 0.6]}"), "policies[0].probs.values[1]", "must be >= 0, got -0.1"));
    all.add(c("all-zero probs", replace("  - uniform: {}", "  - probs: {values: [0, 0, 0]}"), "policies[0].probs.values", "all probabilities are 0"));
    all.add(c("one-token probs", replace("  - uniform: {}", "  - probs: {values: [1]}"), "policies[0].probs.values", "has 1 tokens, a vocabulary needs 2"));
    // --- duplicates
    all.add(c("duplicate family", replace("  - uniform: {}", "  - gaussian: {sigma: 1}"), "policies[1]", "duplicate of policies[0].gaussian (gaussian(sigma=1.0))"));
    all.add(c("duplicate estimator", replace("  - k1/loss", "  - k3/loss\n  - {value: k3, rule: loss}"), "estimators[1]", "duplicate of estimators[0] (k3/loss)"));
    // two spellings of one estimator are one configuration: canonical names are compared
    all.add(c("duplicate estimator, spaced", replace("  - k1/loss", "  - k3/loss\n  - \" k3 / loss \""), "estimators[1]", "duplicate of estimators[0] (k3/loss)"));
    all.add(c("duplicate estimator, object form first", replace("  - k1/loss", "  - {value: k1, rule: loss}\n  - k1 /loss"), "estimators[1]", "duplicate of estimators[0] (k1/loss)"));
    all.add(c("duplicate preset, spaced", replace("  - k1/loss", "  - verl.kl\n  - \" verl.kl\""), "estimators[1]", "duplicate of estimators[0] (verl.kl)"));
    all.add(c("duplicate baseline", replace("[none, loo]", "[none, loo, none]"), "baselines[2]", "duplicate of baselines[0]"));
    all.add(c("duplicate batch size", replace("batch_sizes: [4]", "batch_sizes: [4, 8, 4]"), "batch_sizes[2]", "duplicate of batch_sizes[0]"));
    all.add(c("duplicate vocab size", replace("vocab_sizes: [16]", "vocab_sizes: [16, 16]"), "vocab_sizes[1]", "duplicate of vocab_sizes[0]"));
    // --- sizes
    all.add(c("probs size conflicts with vocab_sizes", replace("  - uniform: {}", "  - probs: {values: [1, 2, 3]}"), "policies[0].probs", "has 3 tokens, but vocab_sizes [16] does not contain 3"));
    all.add(c("vocab_sizes omitted with a free policy", BASE.replace("vocab_sizes: [16]\n", ""), "vocab_sizes", "is required unless every policy has a fixed size"));
    all.add(c("fixed reference size no policy has",
        BASE.replace("vocab_sizes: [16]\n", "").replace("  - uniform: {}\n  - gaussian: {sigma: 1.0}", "  - probs: {values: [1, 2]}")
            .replace("target_kl: {kl: 0.1}", "probs: {values: [1, 2, 3]}"),
        "references[0].probs", "has 3 tokens, but no policy does (policy sizes [2])"));
    all.add(c("fixed reference never combined",
        replace("vocab_sizes: [16]", "vocab_sizes: [2, 3]").replace("  - uniform: {}\n  - gaussian: {sigma: 1.0}", "  - probs: {values: [1, 2]}")
            .replace("  - target_kl: {kl: 0.1}", "  - target_kl: {kl: 0.1}\n  - probs: {values: [1, 2, 3]}"),
        "vocab_sizes[1]", "no (policy, reference, behaviour) combination has 3 tokens"));
    // --- target_kl out of reach
    all.add(c("behaviour target_kl out of reach", replace("on_policy: {}", "target_kl: {kl: 50}"), "behaviours[0].target_kl.kl", "must be < "));
    all.add(c("reference target_kl from a one-hot policy",
        replace("  - uniform: {}\n  - gaussian: {sigma: 1.0}", "  - probs: {values: [0, 0, 1, 0]}").replace("vocab_sizes: [16]", "vocab_sizes: [4]"),
        "references[0].target_kl.kl", "cannot be reached for policy probs"));
    // --- data files
    all.add(c("data file missing", withFilePolicy("{path: nowhere.csv}"), "policies[0].file.path", "file not found"));
    all.add(f("data file empty", withFilePolicy("{path: p.csv}"), csv("p.csv", ""), "policies[0].file.path", "file is empty"));
    all.add(f("data file header only", withFilePolicy("{path: p.csv, column: logit}"), csv("p.csv", "token,logit\n"), "policies[0].file.path", "has a header but no rows"));
    all.add(f("data file lacks the column", withFilePolicy("{path: p.csv, column: logits}"), csv("p.csv", sixteen()), "policies[0].file.column", "no column 'logits' (the file has token, logit)"));
    all.add(f("column index out of range", withFilePolicy("{path: p.csv, column: 2}"), csv("p.csv", sixteen()), "policies[0].file.column", "index 2 is out of range"));
    all.add(f("column omitted with two columns", withFilePolicy("{path: p.csv}"), csv("p.csv", sixteen()), "policies[0].file.column", "is required: the file has 2 columns"));
    all.add(f("data file NaN", withFilePolicy("{path: p.csv, column: logit}"), csv("p.csv", sixteen("0.1", "0.2", "NaN")), "policies[0].file.path", "token 2 is NaN"));
    all.add(f("data file inf", withFilePolicy("{path: p.csv, column: logit}"), csv("p.csv", sixteen("0.1", "-inf")), "policies[0].file.path", "token 1 is infinite"));
    all.add(f("data file not a number", withFilePolicy("{path: p.csv, column: logit}"), csv("p.csv", sixteen("0.1", "abc")), "policies[0].file.path", "'abc' is not a number"));
    all.add(f("data file negative probability", withFilePolicy("{path: p.csv, column: logit, kind: probs}"), csv("p.csv", sixteen("0.1", "-0.2")), "policies[0].file.path", "token 1 is a negative probability (-0.2)"));
    all.add(f("data file all-zero probabilities", withFilePolicy("{path: p.csv, column: p, kind: probs}"),
        csv("p.csv", csvColumn("p", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0.0")), "policies[0].file.path", "all probabilities are 0"));
    all.add(f("data file length conflicts", withFilePolicy("{path: p.csv}"), csv("p.csv", csvColumn("logit", "1", "2", "3", "4", "5")), "policies[0].file", "has 5 tokens, but vocab_sizes [16] does not contain 5"));
    all.add(f("data file ragged row", withFilePolicy("{path: p.csv, column: logit}"), csv("p.csv", "token,logit\n0,1\n1\n"), "policies[0].file.path", "has 1 fields, the header has 2"));
    all.add(f("data file unknown type", withFilePolicy("{path: p.txt}"), csv("p.txt", "logit\n1\n2\n"), "policies[0].file.path", "unknown file type"));
    all.add(f("parquet file corrupt", withFilePolicy("{path: p.parquet}"), csv("p.parquet", "not parquet at all"), "policies[0].file.path", "not a readable Parquet file"));
    all.add(f("parquet file lacks the column", withFilePolicy("{path: p.parquet, column: logit}"),
        dir -> ConfData.writeParquet(dir.resolve("p.parquet"), new String[] {"x"}, new double[16]), "policies[0].file.column", "no column 'logit' (the file has x)"));
    all.add(f("parquet file NaN", withFilePolicy("{path: p.parquet, column: x}"),
        dir -> {
          double[] v = new double[16];
          v[3] = Double.NaN;
          ConfData.writeParquet(dir.resolve("p.parquet"), new String[] {"x"}, v);
        }, "policies[0].file.path", "token 3 is NaN"));
    all.add(f("behaviour file missing", replace("on_policy: {}", "file: {path: mu.csv}"), NO_FILES, "behaviours[0].file.path", "file not found"));
    all.add(f("reference file length conflicts", replace("target_kl: {kl: 0.1}", "file: {path: q.csv, kind: logprobs}"),
        csv("q.csv", csvColumn("lp", "-1", "-1")), "references[0].file", "has 2 tokens, but vocab_sizes [16] does not contain 2"));
    // --- sequence keys (SEQUENCES.md)
    all.add(c("horizon 0", BASE + "horizons: [0]\n", "horizons[0]", "must be between 1 and 4096, got 0"));
    all.add(c("horizon beyond the limit", BASE + "horizons: [4097]\n", "horizons[0]", "must be between 1 and 4096, got 4097"));
    all.add(c("horizons not a list", BASE + "horizons: 8\n", "horizons", "must be a list, got integer 8"));
    all.add(c("duplicate horizon", BASE + "horizons: [2, 8, 2]\n", "horizons[2]", "duplicate of horizons[0] (2)"));
    all.add(c("contexts neither a number nor tree", BASE + "horizons: [2]\ncontexts: [forest]\n", "contexts[0]", "must be a positive integer or tree, got string 'forest'"));
    all.add(c("contexts 0", BASE + "horizons: [2]\ncontexts: [0]\n", "contexts[0]", "must be a positive integer or tree, got integer 0"));
    all.add(c("contexts negative", BASE + "horizons: [2]\ncontexts: [4, -3]\n", "contexts[1]", "must be a positive integer or tree, got integer -3"));
    all.add(c("contexts a fraction", BASE + "horizons: [2]\ncontexts: [1.5]\n", "contexts[0]", "must be a positive integer or tree, got number 1.5"));
    all.add(c("duplicate contexts", BASE + "horizons: [2]\ncontexts: [tree, 4, tree]\n", "contexts[2]", "duplicate of contexts[0] (tree)"));
    all.add(c("discount 0", BASE + "horizons: [2]\ndiscounts: [0]\n", "discounts[0]", "must be in (0, 1], got 0.0"));
    all.add(c("discount above 1", BASE + "horizons: [2]\ndiscounts: [1.0, 1.5]\n", "discounts[1]", "must be in (0, 1], got 1.5"));
    all.add(c("discount negative", BASE + "horizons: [2]\ndiscounts: [-0.9]\n", "discounts[0]", "must be in (0, 1], got -0.9"));
    all.add(c("discount a string", BASE + "horizons: [2]\ndiscounts: [high]\n", "discounts[0]", "must be a number, got string 'high'"));
    all.add(c("duplicate discount", BASE + "horizons: [2]\ndiscounts: [0.9, 1, 0.9]\n", "discounts[2]", "duplicate of discounts[0] (0.9)"));
    all.add(c("spread negative", replace("on_policy: {}", "perturb: {delta: 0.3, spread: -1}") + SEQUENCE, "behaviours[0].perturb.spread", "must be >= 0, got -1.0"));
    all.add(c("spread too large", replace("target_kl: {kl: 0.1}", "target_kl: {kl: 0.1, spread: 11}") + SEQUENCE, "references[0].target_kl.spread", "must be <= 10.0"));
    // what makes no sense when every response is one token
    all.add(c("discount with every horizon 1", BASE + "discounts: [1.0, 0.9]\n", "discounts", "has 0.9 at [1], but a discount other than 1 needs a horizon > 1"));
    all.add(c("contexts with every horizon 1", BASE + "horizons: [1]\ncontexts: [1, 64]\n", "contexts[1]", "is 64, but contexts other than 1 need a horizon > 1"));
    all.add(c("tree with every horizon 1", BASE + "contexts: [tree]\n", "contexts[0]", "is tree, but contexts other than 1 need a horizon > 1"));
    all.add(c("reward_token with every horizon 1", replace("  - k1/loss", "  - k1/reward_token"), "estimators[0]", "has rule reward_token, which needs a horizon > 1"));
    all.add(c("reward_total with every horizon 1", replace("  - k1/loss", "  - k1/loss\n  - {value: k3, rule: reward_total}"), "estimators[1]", "has rule reward_total, which needs a horizon > 1"));
    all.add(c("reward_is with every horizon 1", replace("  - k1/loss", "  - k2/reward_is"), "estimators[0]", "has rule reward_is, which needs a horizon > 1"));
    all.add(c("spread with every horizon 1", replace("on_policy: {}", "perturb: {delta: 0.3, spread: 0.5}"), "behaviours[0].perturb.spread", "varies the family over the rows of a response, but with every horizon 1"));
    // models too large
    all.add(c("tree too large", BASE + "horizons: [2, 64]\ncontexts: [1, tree]\n", "contexts[1]",
        "is tree, which at V=16 and horizon 64 makes a model of more than 9223372036854775807 rows"));
    all.add(c("too many contexts", BASE + "horizons: [4096]\ncontexts: [2048]\n", "contexts[0]",
        "is 2048, which at V=16 and horizon 4096 makes a model of 8382737 rows (sum over positions t of min(N, V^(t-1)) contexts), more than the limit of 4194304 rows"));
    // target_kl over a model
    all.add(c("behaviour target_kl above the bound over a model", replace("on_policy: {}", "target_kl: {kl: 50}") + SEQUENCE,
        "behaviours[0].target_kl.kl", "must be < "));
    all.add(c("behaviour target_kl no delta reaches",
        "name: t\nseed: 13\nvocab_sizes: [3]\nhorizons: [3]\ncontexts: [tree]\npolicies:\n  - gaussian: {sigma: 2.0}\n"
            + "references:\n  - uniform: {}\nbehaviours:\n  - target_kl: {kl: 0.8}\nestimators: [k1/loss]\nbaselines: [none]\n"
            + "batch_sizes: [4]\nbatches: 10\n",
        "behaviours[0].target_kl.kl", "is out of reach for policy gaussian(sigma=2.0) at V=3, horizon 3, contexts tree: no delta gives KL(M||P) = 3 * kl"));
    all.add(c("reference target_kl from a one-hot policy over a model",
        replace("  - uniform: {}\n  - gaussian: {sigma: 1.0}", "  - probs: {values: [0, 0, 1, 0]}").replace("vocab_sizes: [16]", "vocab_sizes: [4]") + SEQUENCE,
        "references[0].target_kl.kl", "every row of p that responses reach has one token of positive probability"));
    // long-form files
    all.add(f("long-form row missing", withLongPolicy("{path: p.csv}"), treeFile(r -> {
      r.remove("2,1,2," + (0.3 + 0.01 + 0.1));
      return r;
    }), "policies[0].file.path", "(position=2, context=1, token=2) is missing"));
    all.add(f("long-form row repeated", withLongPolicy("{path: p.csv}"), treeFile(r -> {
      r.add(r.get(4));
      return r;
    }), "policies[0].file.path", "(position=2, context=0, token=1) is repeated (rows 4 and 12)"));
    all.add(f("long-form whole context missing", withLongPolicy("{path: p.csv}"), csv("p.csv", longCsv(longRows(3, 3, 0).stream()
        .filter(l -> !l.startsWith("2,1,")).toList())), "policies[0].file.path", "(position=2, context=1, token=0) is missing"));
    all.add(f("long-form unknown value column", withLongPolicy("{path: p.csv, column: logit}"), treeFile(r -> r),
        "policies[0].file.column", "no column 'logit' (the file has position, context, token, value)"));
    all.add(f("long-form value column a key", withLongPolicy("{path: p.csv, column: token}"), treeFile(r -> r),
        "policies[0].file.column", "'token' is a key column of a long-form file, not its values"));
    all.add(f("long-form without a context column", withLongPolicy("{path: p.csv}"), csv("p.csv", "position,token,value\n1,0,0.5\n1,1,0.2\n"),
        "policies[0].file.path", "needs the columns position, context and token; it has position, token, value"));
    all.add(f("long-form NaN", withLongPolicy("{path: p.csv}"), treeFile(r -> {
      r.set(6, "2,1,0,NaN");
      return r;
    }), "policies[0].file.path", "(position=2, context=1, token=0) is NaN (kind logits)"));
    all.add(f("long-form infinite", withLongPolicy("{path: p.csv, kind: logprobs}"), treeFile(r -> {
      r.set(0, "1,0,0,-inf");
      return r;
    }), "policies[0].file.path", "(position=1, context=0, token=0) is infinite (-Infinity) (kind logprobs)"));
    all.add(f("long-form row of zero probabilities", withLongPolicy("{path: p.csv, kind: probs}"), treeFile(r -> {
      for (int y = 0; y < 3; y++) r.set(9 + y, "2,2," + y + ",0");
      return r;
    }), "policies[0].file.path", "row (position=2, context=2): all probabilities are 0 (kind probs)"));
    all.add(f("long-form position not whole", withLongPolicy("{path: p.csv}"), treeFile(r -> {
      r.set(0, "1.5,0,0,0.1");
      return r;
    }), "policies[0].file.path", "row 0: position must be a whole number from 1 to 4096, got 1.5"));
    all.add(f("long-form position 0", withLongPolicy("{path: p.csv}"), treeFile(r -> {
      r.set(1, "0,0,1,0.1");
      return r;
    }), "policies[0].file.path", "row 1: position must be a whole number from 1 to 4096, got 0.0"));
    all.add(f("long-form context beyond the tree", withLongPolicy("{path: p.csv}"), treeFile(r -> {
      for (int y = 0; y < 3; y++) r.add("2,3," + y + ",0.5");
      return r;
    }), "policies[0].file.path", "position 2 has contexts up to 3, but a model of V=3 with contexts tree (from position 2, the last) has 3 there"));
    all.add(f("long-form horizon not in horizons", withLongPolicy("{path: p.csv}") + "horizons: [3]\n", treeFile(r -> r),
        "policies[0].file", "is a long-form file of horizon 2, but horizons [3] does not contain 2"));
    all.add(f("long-form contexts not in contexts", withLongPolicy("{path: p.csv}") + "horizons: [2]\ncontexts: [1, 2]\n", treeFile(r -> r),
        "policies[0].file", "is a long-form file of contexts tree, but contexts [1, 2] does not contain tree"));
    all.add(f("long-form size not in vocab_sizes", withFilePolicy("{path: p.csv}").replace("vocab_sizes: [16]", "vocab_sizes: [4]"), treeFile(r -> r),
        "policies[0].file", "has 3 tokens, but vocab_sizes [4] does not contain 3"));
    all.add(f("long-form files of p and q disagree",
        withLongPolicy("{path: p.csv}").replace("target_kl: {kl: 0.1}", "file: {path: q.csv}") + "horizons: [2]\ncontexts: [2, tree]\n",
        dir -> {
          treeFile(r -> r).accept(dir);
          csv("q.csv", longCsv(longRows(3, 2, 2))).accept(dir);
        },
        "references[0].file", "is a long-form file of horizon 2, contexts 2, but policies[0].file is one of horizon 2, contexts tree: files of p, q and mu must agree"));
    return all;
  }

  /** The base grid's product keys: everything but its name and seed. */
  static final String BASE_PRODUCT = BASE.substring(BASE.indexOf("vocab_sizes:"));

  /** A valid second part: responses, where the sequence-only rules mean something. */
  static final String RESPONSES = String.join("\n",
      "vocab_sizes: [3]",
      "horizons: [2]",
      "contexts: [tree]",
      "policies: [uniform]",
      "references:",
      "  - target_kl: {kl: 0.1}",
      "behaviours: [on_policy]",
      "estimators: [k1/reward_token]",
      "baselines: [none, loo]",
      "batch_sizes: [4]",
      "batches: 10",
      "");

  /** The base grid as two parts, the base's lists and then {@link #RESPONSES}, each edited. */
  static String twoParts(String first, String second) {
    return PartsText.of("name: t\nseed: 7\n", first, second);
  }

  static List<Case> partsCases() {
    List<Case> all = new ArrayList<>();
    String top = "name: t\nseed: 7\n";
    all.add(c("parts not a list", top + "parts: {estimators: [k1/loss]}\n", "parts", "must be a list, got a mapping"));
    all.add(c("parts empty", top + "parts: []\n", "parts", "must not be empty"));
    all.add(c("parts null", top + "parts:\n", "parts", "must be a list, got null"));
    all.add(c("a part not a mapping", top + "parts: [3]\n", "parts[0]", "must be a mapping, got integer 3"));
    all.add(c("a product key beside parts", twoParts(BASE_PRODUCT, RESPONSES) + "batch_sizes: [8]\n", "batch_sizes",
        "is beside parts: a grid with parts has its product keys in each part (parts[i].batch_sizes)"));
    all.add(c("unknown key in a part", twoParts(BASE_PRODUCT, RESPONSES + "repeats: 3\n"), "parts[1].repeats",
        "unknown key (expected one of description, vocab_sizes, horizons"));
    all.add(c("name inside a part", twoParts(BASE_PRODUCT, RESPONSES + "name: u\n"), "parts[1].name", "unknown key"));
    all.add(c("part description not a string", twoParts(BASE_PRODUCT, RESPONSES + "description: [a]\n"), "parts[1].description",
        "must be a string, got a list"));
    all.add(c("missing key in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("batches: 10\n", "")), "parts[1].batches", "is required"));
    all.add(c("unknown estimator in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("k1/reward_token", "k1/nope")),
        "parts[1].estimators[0]", "unknown gradient rule 'nope'"));
    all.add(c("duplicate estimator in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("[k1/reward_token]", "[k1/reward_token, \" k1 / reward_token\"]")),
        "parts[1].estimators[1]", "duplicate of parts[1].estimators[0] (k1/reward_token)"));
    all.add(c("duplicate baseline in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("[none, loo]", "[none, loo, none]")),
        "parts[1].baselines[2]", "duplicate of parts[1].baselines[0] (none)"));
    all.add(c("loo with batch size 1 in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("batch_sizes: [4]", "batch_sizes: [1]")),
        "parts[1].baselines[1]", "loo needs batch sizes >= 2, but parts[1].batch_sizes[0] is 1"));
    all.add(c("bad family parameter in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("kl: 0.1", "kl: -1")),
        "parts[1].references[0].target_kl.kl", "must be > 0, got -1.0"));
    all.add(c("tree too large in a part", twoParts(BASE_PRODUCT, RESPONSES.replace("horizons: [2]", "horizons: [2, 64]")),
        "parts[1].contexts[0]", "is tree, which at V=3 and horizon 64 makes a model of"));
    all.add(c("vocab_sizes omitted in a part", twoParts(BASE_PRODUCT.replace("vocab_sizes: [16]\n", ""), RESPONSES),
        "parts[0].vocab_sizes", "is required unless every policy has a fixed size (probs, file); parts[0].policies[0].uniform does not"));
    // the sequence-only rules and keys are checked per part: another part's horizons do not make them mean something
    all.add(c("reward_token in a part whose horizons are all 1", twoParts(BASE_PRODUCT.replace("  - k1/loss", "  - k1/reward_token"), RESPONSES),
        "parts[0].estimators[0]", "has rule reward_token, which needs a horizon > 1"));
    all.add(c("tree in a part whose horizons are all 1", twoParts(BASE_PRODUCT + "contexts: [tree]\n", RESPONSES),
        "parts[0].contexts[0]", "is tree, but contexts other than 1 need a horizon > 1"));
    all.add(c("discount in a part whose horizons are all 1", twoParts(RESPONSES, BASE_PRODUCT + "discounts: [0.9]\n"),
        "parts[1].discounts", "has 0.9 at [0], but a discount other than 1 needs a horizon > 1"));
    all.add(c("spread in a part whose horizons are all 1", twoParts(RESPONSES, BASE_PRODUCT.replace("on_policy: {}", "perturb: {delta: 0.3, spread: 0.5}")),
        "parts[1].behaviours[0].perturb.spread", "varies the family over the rows of a response, but with every horizon 1"));
    // one configuration in two parts: one config_id twice
    all.add(c("a part repeating another's configuration", twoParts(BASE_PRODUCT, BASE_PRODUCT.replace("baselines: [none, loo]", "baselines: [loo]")),
        "parts[1]", "repeats a configuration of parts[0]: V=16|p=uniform()|q=target_kl(kl=0.1)|mu=on_policy(), estimator k1/loss, baseline loo,"
            + " batch size 4, batches 10 (config_id "));
    all.add(c("the third part repeating the first", PartsText.of("name: t\nseed: 7\n", BASE_PRODUCT, RESPONSES,
            BASE_PRODUCT.replace("  - gaussian: {sigma: 1.0}\n", "")),
        "parts[2]", "repeats a configuration of parts[0]: V=16|p=uniform()"));
    return all;
  }

  /**
   * Every case of {@link #cases()} that names a key, with its grid's product keys moved into one
   * part ({@link PartsText#asOnePart}): the same error, its key and the key paths in its problem
   * now under {@code parts[0]} (name and seed stay at the top level, and so do their errors).
   */
  public static Stream<Arguments> asOnePartCases() {
    return productCases().stream().filter(c -> c.key() != null).map(c -> {
      boolean shared = PartsText.SHARED.contains(c.key().split("[.\\[]")[0]);
      return Arguments.of(new Case(c.name() + ", in a part", PartsText.asOnePart(c.text()), c.setup(),
          shared ? c.key() : "parts[0]." + c.key(),
          c.problem().replaceAll("(?<![\\w.\\]])(vocab_sizes|horizons|contexts|policies|references|behaviours|estimators|discounts|baselines|batch_sizes)\\[",
              "parts[0].$1[")));
    });
  }

  /**
   * Cases the run command's test adds to {@link #cases()}: vocabulary sizes at and below the
   * bottom of the range, and data files of a reference or behaviour (the cases above read them as
   * a policy).
   */
  public static Stream<Arguments> runCases() {
    List<Case> all = new ArrayList<>();
    all.add(c("vocab size 0", replace("vocab_sizes: [16]", "vocab_sizes: [0]"), "vocab_sizes[0]", "must be between 2 and 16777216, got 0"));
    all.add(c("vocab size negative", replace("vocab_sizes: [16]", "vocab_sizes: [-16]"), "vocab_sizes[0]", "must be between 2 and 16777216, got -16"));
    all.add(c("vocab size 2^31", replace("vocab_sizes: [16]", "vocab_sizes: [2147483648]"), "vocab_sizes[0]", "must be"));
    all.add(f("behaviour file NaN", replace("on_policy: {}", "file: {path: mu.csv, column: logit}"),
        csv("mu.csv", sixteen("0.1", "0.2", "NaN")), "behaviours[0].file.path", "token 2 is NaN"));
    all.add(f("reference file infinite", replace("target_kl: {kl: 0.1}", "file: {path: q.csv, column: logit}"),
        csv("q.csv", sixteen("inf")), "references[0].file.path", "token 0 is infinite"));
    all.add(f("reference file lacks the column", replace("target_kl: {kl: 0.1}", "file: {path: q.csv, column: lp}"),
        csv("q.csv", sixteen()), "references[0].file.column", "no column 'lp'"));
    all.add(f("behaviour file negative probability", replace("on_policy: {}", "file: {path: mu.csv, column: logit, kind: probs}"),
        csv("mu.csv", sixteen("0.1", "0.1", "0.1", "-1e-3")), "behaviours[0].file.path", "token 3 is a negative probability"));
    all.add(f("behaviour file empty", replace("on_policy: {}", "file: {path: mu.csv}"), csv("mu.csv", ""), "behaviours[0].file.path", "file is empty"));
    return all.stream().map(Arguments::of);
  }
}
