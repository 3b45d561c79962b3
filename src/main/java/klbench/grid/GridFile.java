package klbench.grid;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import klbench.core.Baseline;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.Presets;
import klbench.core.ValueFunction;
import klbench.distributions.DataFiles;
import klbench.distributions.Distributions;
import klbench.distributions.FileVectors;
import klbench.distributions.ValuesKind;
import klbench.input.BadInputException;

/**
 * Loads and validates a grid file (INTERFACE.md, "Grid file"). Validation is strict and complete
 * before anything runs: an unknown key, a wrong type, an empty list, a value out of range, an
 * unknown family, estimator or baseline, a data file that is missing or holds bad numbers, a size
 * conflict, a {@code target_kl} out of reach, each is a {@link BadInputException} naming the file,
 * the key path and the problem.
 *
 * <p>Limits: vocabulary sizes 2 … {@value Families#MAX_VOCAB_SIZE} (2^24), batch sizes 1 … {@value
 * #MAX_BATCH_SIZE} (2^24), batches 1 … 2^31 − 1.
 *
 * <p>Beyond INTERFACE.md: an optional top-level {@code description} (free text); a family without
 * parameters may be written as its bare name ({@code - on_policy}); a {@code file} family's {@code
 * column} may be a 0-based index and may be omitted for a one-column file (its canonical text
 * then names the column it resolved to), and Parquet files may end in {@code .pq}. Duplicate
 * entries in any list are errors, since they would give duplicate config ids.
 */
public final class GridFile {
  private GridFile() {}

  public static final int MAX_BATCH_SIZE = 1 << 24;

  private static final List<String> TOP_KEYS = List.of(
      "name", "description", "seed", "vocab_sizes", "policies", "references", "behaviours",
      "estimators", "baselines", "batch_sizes", "batches");
  private static final List<String> ESTIMATOR_KEYS =
      List.of("value", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip");
  private static final List<String> FILE_KEYS = List.of("path", "column", "kind");

  public static Grid load(Path file) {
    String display = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException(display, null, "grid file not found");
    } catch (IOException e) {
      throw new BadInputException(display, null, "cannot read the grid file: " + e.getMessage());
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException(display, null, "is not UTF-8 text");
    }
    return parse(text, file);
  }

  /**
   * A grid from its text; {@code source} names it in messages and is where relative {@code file}
   * paths start from (its folder).
   */
  public static Grid parse(String text, Path source) {
    return new Loader(source, text).load();
  }

  private static final class Loader {
    final String file;
    final Path baseDir;
    final String text;
    final FileVectors.Builder files = FileVectors.builder();
    /** Sizes of the fixed-size (probs, file) families. */
    final Map<FamilySpec, Integer> fixedSizes = new HashMap<>();

    Loader(Path source, String text) {
      this.file = source.toString();
      Path parent = source.toAbsolutePath().getParent();
      this.baseDir = parent == null ? Path.of("") : parent;
      this.text = text;
    }

    Grid load() {
      YamlNode top = new YamlNode(file, "", parseYaml()).mapping(TOP_KEYS);

      String name = top.child("name").string();
      if (name.contains("\n") || name.contains("\r")) throw top.child("name").bad("must be one line");
      YamlNode descNode = top.child("description");
      String description = descNode.isNull() ? null : descNode.string();
      long seed = top.child("seed").longValue();

      Map<FamilySpec, String> policies = families(top.child("policies"), Families.POLICY, "policy");
      Map<FamilySpec, String> references = families(top.child("references"), Families.REFERENCE, "reference");
      Map<FamilySpec, String> behaviours = families(top.child("behaviours"), Families.BEHAVIOUR, "behaviour");

      List<Estimator> estimators = estimators(top.child("estimators"));
      List<Baseline> baselines = baselines(top.child("baselines"));
      List<Integer> batchSizes = distinctInts(top.child("batch_sizes"), 1, MAX_BATCH_SIZE);
      int batches = top.child("batches").intIn(1, Integer.MAX_VALUE);
      int loo = baselines.indexOf(Baseline.LOO);
      int one = batchSizes.indexOf(1);
      if (loo >= 0 && one >= 0) {
        throw new YamlNode(file, "baselines[" + loo + "]", null)
            .bad("loo needs batch sizes >= 2, but batch_sizes[" + one + "] is 1 (loo averages the other B - 1 tokens of a batch)");
      }

      YamlNode vocabNode = top.child("vocab_sizes");
      List<Integer> vocabSizes = vocabNode.isMissing() ? null : distinctInts(vocabNode, 2, Families.MAX_VOCAB_SIZE);
      vocabSizes = checkSizes(vocabSizes, vocabNode, policies, references, behaviours);
      List<TripleSpec> triples = expand(vocabSizes, vocabNode, policies, references, behaviours);
      FileVectors fileVectors = files.build();
      checkTargets(triples, seed, fileVectors, references, behaviours);

      return new Grid(name, description, seed, List.copyOf(vocabSizes),
          List.copyOf(policies.keySet()), List.copyOf(references.keySet()), List.copyOf(behaviours.keySet()),
          List.copyOf(estimators), List.copyOf(baselines), List.copyOf(batchSizes), batches,
          file, text, fileVectors, List.copyOf(triples));
    }

    JsonNode parseYaml() {
      YAMLMapper mapper = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
      JsonNode root;
      try (JsonParser parser = mapper.createParser(text)) {
        root = mapper.readTree(parser);
        if (root != null && parser.nextToken() != null) {
          throw new BadInputException(file, null, "holds more than one YAML document");
        }
      } catch (JsonProcessingException e) {
        throw new BadInputException(file, null, "malformed YAML" + where(e) + ": " + yamlProblem(e), e);
      } catch (IOException e) {
        throw new BadInputException(file, null, "cannot parse: " + e.getMessage(), e);
      }
      if (root == null || root.isMissingNode() || root.isNull()) throw new BadInputException(file, null, "is empty");
      return root;
    }

    private static String where(JsonProcessingException e) {
      Throwable c = e.getCause();
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
        return " at line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1);
      }
      JsonLocation loc = e.getLocation();
      return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static String yamlProblem(JsonProcessingException e) {
      Throwable c = e.getCause();
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) return m.getProblem();
      String msg = e.getOriginalMessage();
      return msg.startsWith("Duplicate field") ? "duplicate key" + msg.substring("Duplicate field".length()) : msg;
    }

    // ---- families ------------------------------------------------------------------------------

    /** The families of one list, each with its key path, in order; duplicates are an error. */
    Map<FamilySpec, String> families(YamlNode listNode, List<String> allowed, String role) {
      Map<FamilySpec, String> out = new LinkedHashMap<>();
      for (YamlNode entry : listNode.list()) {
        FamilySpec spec = family(entry, allowed, role);
        String path = entry.path + "." + spec.family();
        String earlier = out.putIfAbsent(spec, path);
        if (earlier != null) throw entry.bad("duplicate of " + earlier + " (" + spec.canonical() + ")");
      }
      return out;
    }

    FamilySpec family(YamlNode entry, List<String> allowed, String role) {
      String family;
      YamlNode body;
      if (entry.json != null && entry.json.isTextual()) {
        family = entry.json.textValue(); // the bare name, e.g. "on_policy" or "uniform"
        body = new YamlNode(file, entry.path + "." + family, null);
      } else if (entry.json != null && entry.json.isObject() && entry.json.size() == 1) {
        family = entry.keys().get(0);
        body = entry.child(family);
      } else if (entry.json != null && entry.json.isObject()) {
        throw entry.bad("must name exactly one family, got " + entry.json.size() + " keys (" + String.join(", ", entry.keys()) + ")");
      } else {
        throw entry.bad("must be a family such as gaussian: {sigma: 1.0}, got " + YamlNode.describe(entry.json));
      }
      if (!allowed.contains(family)) {
        throw entry.bad("unknown " + role + " family '" + family + "' (expected one of " + String.join(", ", allowed) + ")");
      }
      List<String> writable = family.equals(Families.FILE) ? FILE_KEYS : Families.parameters(family);
      if (!body.isNull()) body.mapping(writable);
      return switch (family) {
        case Families.UNIFORM, Families.ON_POLICY -> Families.spec(family);
        case Families.GAUSSIAN -> Families.spec(family, "sigma", body.child("sigma").positive());
        case Families.ZIPF -> Families.spec(family, "exponent", body.child("exponent").nonNegative());
        case Families.NORMAL_GRID -> normalGrid(body);
        case Families.PROBS -> probs(body);
        case Families.FILE -> fileFamily(body);
        case Families.PERTURB -> Families.spec(family, "delta", body.child("delta").positive());
        case Families.TARGET_KL -> Families.spec(family, "kl", body.child("kl").positive());
        case Families.TEMPERATURE -> Families.spec(family, "tau", body.child("tau").positive());
        default -> throw new IllegalStateException("family without a parser: " + family);
      };
    }

    FamilySpec normalGrid(YamlNode body) {
      double mean = body.child("mean").number();
      double std = body.child("std").positive();
      double lo = body.child("lo").number();
      double hi = body.child("hi").number();
      if (!(hi > lo)) throw body.child("hi").bad("must be > lo (" + lo + "), got " + hi);
      return Families.spec(Families.NORMAL_GRID, "mean", mean, "std", std, "lo", lo, "hi", hi);
    }

    FamilySpec probs(YamlNode body) {
      YamlNode valuesNode = body.child("values");
      List<YamlNode> items = valuesNode.list();
      checkLength(valuesNode, items.size());
      List<Double> values = new ArrayList<>();
      boolean anyPositive = false;
      for (YamlNode item : items) {
        double v = item.nonNegative();
        anyPositive |= v > 0;
        values.add(v);
      }
      if (!anyPositive) throw valuesNode.bad("all probabilities are 0");
      FamilySpec spec = Families.spec(Families.PROBS, "values", values);
      fixedSizes.put(spec, values.size());
      return spec;
    }

    FamilySpec fileFamily(YamlNode body) {
      YamlNode pathNode = body.child("path");
      String path = pathNode.string();
      YamlNode columnNode = body.child("column");
      Object column = null;
      if (!columnNode.isNull()) {
        if (columnNode.json.isTextual()) column = columnNode.string();
        else if (columnNode.json.isIntegralNumber()) column = columnNode.intIn(0, Integer.MAX_VALUE);
        else throw columnNode.bad("must be a column name or a 0-based index, got " + YamlNode.describe(columnNode.json));
      }
      YamlNode kindNode = body.child("kind");
      ValuesKind kind = ValuesKind.LOGITS;
      if (!kindNode.isNull()) {
        String k = kindNode.string();
        kind = ValuesKind.byId(k);
        if (kind == null) throw kindNode.bad("unknown kind '" + k + "' (expected logits, logprobs or probs)");
      }
      Path resolved = baseDir.resolve(path);
      DataFiles.ColumnData data;
      try {
        data = DataFiles.read(resolved, column);
      } catch (DataFiles.Problem p) {
        throw body.child(p.field()).bad(p.getMessage());
      }
      String problem = kind.problem(data.values());
      if (problem != null) throw pathNode.bad("column '" + data.name() + "': " + problem + " (kind " + kind.id() + ")");
      checkLength(pathNode, data.values().length);
      // The first 64 bits of the content hash: plenty to tell versions of a file apart, short
      // enough to keep the canonical text readable.
      String sha = data.sha256().substring(0, 16);
      files.put(sha, data.name(), data.values());
      FamilySpec spec = Families.spec(Families.FILE, "path", path, "column", data.name(), "kind", kind.id(), "sha256", sha);
      fixedSizes.put(spec, data.values().length);
      return spec;
    }

    void checkLength(YamlNode node, int n) {
      if (n < 2 || n > Families.MAX_VOCAB_SIZE) {
        throw node.bad("has " + n + " tokens, a vocabulary needs 2 to " + Families.MAX_VOCAB_SIZE);
      }
    }

    // ---- sizes and expansion -------------------------------------------------------------------

    /** The vocabulary sizes to expand over, after checking every fixed size against them. */
    List<Integer> checkSizes(List<Integer> given, YamlNode vocabNode, Map<FamilySpec, String> policies,
        Map<FamilySpec, String> references, Map<FamilySpec, String> behaviours) {
      if (given != null) {
        for (Map<FamilySpec, String> role : List.of(policies, references, behaviours)) {
          for (Map.Entry<FamilySpec, String> e : role.entrySet()) {
            Integer size = fixedSizes.get(e.getKey());
            if (size != null && !given.contains(size)) {
              throw new YamlNode(file, e.getValue(), null)
                  .bad("has " + size + " tokens, but vocab_sizes " + given + " does not contain " + size);
            }
          }
        }
        return given;
      }
      LinkedHashSet<Integer> sizes = new LinkedHashSet<>();
      for (Map.Entry<FamilySpec, String> e : policies.entrySet()) {
        Integer size = fixedSizes.get(e.getKey());
        if (size == null) {
          throw vocabNode.bad("is required unless every policy has a fixed size (probs, file); "
              + e.getValue() + " does not");
        }
        sizes.add(size);
      }
      for (Map<FamilySpec, String> role : List.of(references, behaviours)) {
        for (Map.Entry<FamilySpec, String> e : role.entrySet()) {
          Integer size = fixedSizes.get(e.getKey());
          if (size != null && !sizes.contains(size)) {
            throw new YamlNode(file, e.getValue(), null)
                .bad("has " + size + " tokens, but no policy does (policy sizes " + sizes + ")");
          }
        }
      }
      return new ArrayList<>(sizes);
    }

    boolean fits(FamilySpec f, int v) {
      Integer size = fixedSizes.get(f);
      return size == null || size == v;
    }

    List<TripleSpec> expand(List<Integer> sizes, YamlNode vocabNode, Map<FamilySpec, String> policies,
        Map<FamilySpec, String> references, Map<FamilySpec, String> behaviours) {
      List<TripleSpec> out = new ArrayList<>();
      Set<FamilySpec> used = new HashSet<>();
      for (int i = 0; i < sizes.size(); i++) {
        int v = sizes.get(i);
        int before = out.size();
        for (FamilySpec p : policies.keySet()) {
          if (!fits(p, v)) continue;
          for (FamilySpec q : references.keySet()) {
            if (!fits(q, v)) continue;
            for (FamilySpec mu : behaviours.keySet()) {
              if (!fits(mu, v)) continue;
              out.add(new TripleSpec(v, p, q, mu));
              used.add(p);
              used.add(q);
              used.add(mu);
            }
          }
        }
        if (out.size() == before) {
          String at = vocabNode.isMissing() ? "vocab_sizes" : "vocab_sizes[" + i + "]";
          throw new YamlNode(file, at, null).bad("no (policy, reference, behaviour) combination has " + v
              + " tokens: the fixed-size families (probs, file) of some list all have other sizes");
        }
      }
      for (Map<FamilySpec, String> role : List.of(policies, references, behaviours)) {
        for (Map.Entry<FamilySpec, String> e : role.entrySet()) {
          if (!used.contains(e.getKey())) {
            throw new YamlNode(file, e.getValue(), null).bad("is never used: no combination with the other lists has its "
                + fixedSizes.get(e.getKey()) + " tokens");
          }
        }
      }
      return out;
    }

    /**
     * A {@code target_kl} must be reachable on its path: a reference needs a policy with two or
     * more tokens of positive probability; a behaviour needs kl below the limit KL(μ_δ‖p) tends to.
     * Checked here, on the driver, so that a run cannot fail half-way through.
     */
    void checkTargets(List<TripleSpec> triples, long seed, FileVectors fileVectors,
        Map<FamilySpec, String> references, Map<FamilySpec, String> behaviours) {
      Map<String, double[]> logPs = new HashMap<>();
      Map<String, Double> limits = new HashMap<>();
      Set<String> checked = new HashSet<>();
      for (TripleSpec t : triples) {
        boolean refTarget = t.reference().family().equals(Families.TARGET_KL);
        boolean behTarget = t.behaviour().family().equals(Families.TARGET_KL);
        if (!refTarget && !behTarget) continue;
        String pv = t.policy().canonical() + "|V=" + t.vocabSize();
        if (refTarget && checked.add(pv + "|" + t.reference().canonical())) {
          double[] logP = logPs.computeIfAbsent(pv, k -> Distributions.policyLogProbs(t.policy(), t.vocabSize(), seed, fileVectors));
          if (Distributions.support(logP) < 2) {
            throw new YamlNode(file, references.get(t.reference()) + ".kl", null).bad("cannot be reached for policy "
                + t.policy().canonical() + " at V=" + t.vocabSize()
                + ": p has one token of positive probability, so KL(p||q) = 0 all along q = softmax(theta + delta*eps)");
          }
        }
        if (behTarget && checked.add(pv + "|behaviour|" + t.behaviour().canonical())) {
          double[] logP = logPs.computeIfAbsent(pv, k -> Distributions.policyLogProbs(t.policy(), t.vocabSize(), seed, fileVectors));
          double limit = limits.computeIfAbsent(pv, k -> Distributions.behaviourTargetKlLimit(t.policy(), logP, seed));
          double kl = t.behaviour().number("kl");
          if (!(kl < limit)) {
            throw new YamlNode(file, behaviours.get(t.behaviour()) + ".kl", null).bad("must be < " + limit + " for policy "
                + t.policy().canonical() + " at V=" + t.vocabSize() + " (KL(mu||p) tends to -log p(x*) = " + limit
                + " as mu = softmax(theta + delta*eps) grows one-hot on x*), got " + kl);
          }
        }
      }
    }

    // ---- estimators, baselines, numbers --------------------------------------------------------

    List<Estimator> estimators(YamlNode listNode) {
      List<Estimator> out = new ArrayList<>();
      Map<String, String> seen = new HashMap<>();
      for (YamlNode n : listNode.list()) {
        Estimator e = estimator(n);
        String earlier = seen.putIfAbsent(e.name(), n.path);
        if (earlier != null) throw n.bad("duplicate of " + earlier + " (" + e.name() + ")");
        out.add(e);
      }
      return out;
    }

    Estimator estimator(YamlNode n) {
      if (n.json != null && n.json.isTextual()) {
        String s = n.string().trim();
        if (s.contains("/")) {
          String[] parts = s.split("/", -1);
          if (parts.length != 2) throw n.bad("must be VALUE/RULE, got '" + s + "'");
          return new Estimator(s, valueFunction(n, parts[0].trim()), rule(n, parts[1].trim()), null, null, null);
        }
        Estimator preset = Presets.byName(s);
        if (preset == null) {
          throw n.bad("unknown estimator '" + s + "' (expected VALUE/RULE such as k3/loss, a mapping {value, rule, ...}"
              + " or a preset: " + String.join(", ", Presets.all().keySet()) + ")");
        }
        return preset;
      }
      if (n.json == null || !n.json.isObject()) {
        throw n.bad("must be VALUE/RULE, a preset name or a mapping {value, rule, ...}, got " + YamlNode.describe(n.json));
      }
      n.mapping(ESTIMATOR_KEYS);
      ValueFunction value = valueFunction(n.child("value"), n.child("value").string());
      GradientRule rule = rule(n.child("rule"), n.child("rule").string());
      Double clampLogRatio = optionalPositive(n.child("clamp_log_ratio"));
      Double clampValue = optionalPositive(n.child("clamp_value"));
      Double ratioClip = optionalPositive(n.child("ratio_clip"));
      if (ratioClip != null && rule != GradientRule.STRAIGHT_THROUGH_RATIO) {
        throw n.child("ratio_clip").bad("applies only to rule " + GradientRule.STRAIGHT_THROUGH_RATIO.id() + ", not " + rule.id());
      }
      List<String> options = new ArrayList<>();
      if (clampLogRatio != null) options.add("clamp_log_ratio=" + clampLogRatio);
      if (clampValue != null) options.add("clamp_value=" + clampValue);
      if (ratioClip != null) options.add("ratio_clip=" + ratioClip);
      String name = value.id() + "/" + rule.id() + (options.isEmpty() ? "" : "[" + String.join(",", options) + "]");
      return new Estimator(name, value, rule, clampLogRatio, clampValue, ratioClip);
    }

    static ValueFunction valueFunction(YamlNode n, String id) {
      ValueFunction v = ValueFunction.byId(id);
      if (v == null) throw n.bad("unknown value function '" + id + "' (expected " + ids(ValueFunction.values()) + ")");
      return v;
    }

    static GradientRule rule(YamlNode n, String id) {
      GradientRule r = GradientRule.byId(id);
      if (r == null) throw n.bad("unknown gradient rule '" + id + "' (expected " + ids(GradientRule.values()) + ")");
      return r;
    }

    private static String ids(Object[] enumValues) {
      List<String> out = new ArrayList<>();
      for (Object o : enumValues) out.add(o instanceof ValueFunction v ? v.id() : ((GradientRule) o).id());
      return String.join(", ", out);
    }

    static Double optionalPositive(YamlNode n) {
      return n.isMissing() ? null : n.positive();
    }

    List<Baseline> baselines(YamlNode listNode) {
      List<Baseline> out = new ArrayList<>();
      for (YamlNode n : listNode.list()) {
        Baseline b;
        try {
          b = Baseline.parse(n.string());
        } catch (IllegalArgumentException e) {
          throw n.bad(e.getMessage());
        }
        int earlier = out.indexOf(b);
        if (earlier >= 0) throw n.bad("duplicate of baselines[" + earlier + "] (" + b + ")");
        out.add(b);
      }
      return out;
    }

    static List<Integer> distinctInts(YamlNode listNode, int min, int max) {
      List<Integer> out = new ArrayList<>();
      for (YamlNode n : listNode.list()) {
        int v = n.intIn(min, max);
        int earlier = out.indexOf(v);
        if (earlier >= 0) throw n.bad("duplicate of " + listNode.path + "[" + earlier + "] (" + v + ")");
        out.add(v);
      }
      return out;
    }
  }
}
