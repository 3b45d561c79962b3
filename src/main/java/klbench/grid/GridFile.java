package klbench.grid;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.function.Function;
import klbench.core.Baseline;
import klbench.core.Contexts;
import klbench.core.Estimator;
import klbench.core.GradientRule;
import klbench.core.SequenceModel;
import klbench.core.ValueFunction;
import klbench.distributions.Distributions;
import klbench.distributions.Families;
import klbench.distributions.Family;
import klbench.distributions.FamilySpec;
import klbench.distributions.FileSource;
import klbench.distributions.FileVectors;
import klbench.distributions.ParameterProblem;
import klbench.distributions.Role;
import klbench.distributions.SequenceShape;
import klbench.distributions.TripleSpec;
import klbench.input.BadInputException;
import org.apache.hadoop.conf.Configuration;

/**
 * Loads and validates a grid file (INTERFACE.md, "Grid file"). Validation is strict and complete
 * before anything runs: an unknown key, a wrong type, an empty list, a value out of range, an
 * unknown family, estimator or baseline, a data file that is missing or holds bad numbers, a size
 * conflict, a {@code target_kl} out of reach, each is a {@link BadInputException} naming the file,
 * the key path and the problem. Families are looked up by name in {@link Families}; each validates
 * its own parameters ({@link Family#read}) and says what it cannot meet on a policy ({@link
 * Family#problemOn}), so this loader knows none of them.
 *
 * <p>Sequences (SEQUENCES.md): {@code horizons}, {@code contexts} and {@code discounts} join the
 * product; a long-form {@code file} fixes its V, horizon and contexts as a {@code probs} list fixes
 * V (the lists default to the files', and must contain them when given); files of p, q and μ that
 * disagree on V, horizon or contexts never combine. Where every horizon is 1 the sequence-only
 * settings mean nothing and are errors: a discount or contexts other than 1, the rules
 * reward_token, reward_total and reward_is, a family's {@code spread}.
 *
 * <p>Limits: vocabulary sizes 2 … {@value Families#MAX_VOCAB_SIZE} (2^24), horizons 1 … {@value
 * SequenceModel#MAX_HORIZON}, models of at most {@link SequenceModel#MAX_ROWS} rows (2^22), batch
 * sizes 1 … {@value #MAX_BATCH_SIZE} (2^24), batches 1 … 2^31 − 1.
 *
 * <p>Beyond INTERFACE.md: an optional top-level {@code description} (free text); a family without
 * parameters may be written as its bare name ({@code - on_policy}); a {@code file} family's {@code
 * column} may be a 0-based index and may be omitted for a one-column file (its canonical text
 * then names the column it resolved to), and Parquet files may end in {@code .pq}; a data file
 * is long-form when it has a {@code position} column; {@code spread} is at most 10. Duplicate
 * entries in any list are errors, since they would give duplicate config ids; estimators are
 * compared by their canonical names ({@link Estimator#of(String)}), so {@code k3 / loss} duplicates
 * {@code k3/loss}.
 *
 * <p>Parts (beyond INTERFACE.md): a file may hold, instead of the product keys at its top level,
 * a list {@code parts} of mappings, each with the product keys and an optional {@code
 * description}; name, description and seed stay at the top level, shared. Each part is loaded and
 * checked as a grid of its own would be (a part whose horizons are all 1 cannot use the
 * sequence-only rules, whatever the other parts do), its key paths starting at {@code parts[i]},
 * and no configuration may be in two parts.
 */
public final class GridFile {
  private GridFile() {}

  public static final int MAX_BATCH_SIZE = 1 << 24;

  /** The keys whose lists multiply into configurations: a grid's, or each part's. */
  private static final List<String> PRODUCT_KEYS = List.of(
      "vocab_sizes", "horizons", "contexts", "policies", "references", "behaviours",
      "estimators", "discounts", "baselines", "batch_sizes", "batches");
  private static final List<String> TOP_KEYS = concat(List.of("name", "description", "seed"), PRODUCT_KEYS, List.of("parts"));
  private static final List<String> PART_KEYS = concat(List.of("description"), PRODUCT_KEYS);
  private static final List<String> ESTIMATOR_KEYS =
      List.of("value", "rule", "clamp_log_ratio", "clamp_value", "ratio_clip");

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> out = new ArrayList<>();
    for (List<String> l : lists) out.addAll(l);
    return List.copyOf(out);
  }

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
    return parse(text(bytes, display), file);
  }

  /**
   * The grid file at {@code location}: a local path, or a URI of any Hadoop file system read with
   * {@code hadoop} (as are the data files it names, relative to its folder there).
   */
  public static Grid load(String location, Configuration hadoop) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    String scheme = path.toUri().getScheme();
    if (scheme == null || scheme.equals("file")) return load(Path.of(path.toUri().getPath()));
    byte[] bytes;
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      bytes = in.readAllBytes();
    } catch (FileNotFoundException e) {
      throw new BadInputException(location, null, "grid file not found");
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(location, null, "cannot read the grid file: " + e.getMessage());
    }
    return new Loader(location, path.getParent(), hadoop, text(bytes, location)).load();
  }

  private static String text(byte[] bytes, String display) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException(display, null, "is not UTF-8 text");
    }
  }

  /**
   * A grid from its text; {@code source} names it in messages and is where relative {@code file}
   * paths start from (its folder).
   */
  public static Grid parse(String text, Path source) {
    Path parent = source.toAbsolutePath().getParent();
    return new Loader(source.toString(), new org.apache.hadoop.fs.Path((parent == null ? Path.of("") : parent).toUri()),
        new Configuration(), text).load();
  }

  private static final class Loader {
    final String file;
    final String text;
    final FileSource files;

    Loader(String source, org.apache.hadoop.fs.Path folder, Configuration hadoop, String text) {
      this.file = source;
      this.files = new FileSource(folder, hadoop, FileVectors.builder());
      this.text = text;
    }

    Grid load() {
      YamlNode top = new YamlNode(file, "", parseYaml()).mapping(TOP_KEYS);

      String name = top.child("name").string();
      if (name.contains("\n") || name.contains("\r")) throw top.child("name").bad("must be one line");
      YamlNode descNode = top.child("description");
      String description = descNode.isNull() ? null : descNode.string();
      long seed = top.child("seed").longValue();

      YamlNode partsNode = top.child("parts");
      List<Grid.Part> parts = new ArrayList<>();
      if (partsNode.isMissing()) {
        parts.add(new PartLoader(top, seed).load(null));
      } else {
        for (String key : PRODUCT_KEYS) {
          if (!top.child(key).isMissing()) {
            throw top.child(key).bad("is beside parts: a grid with parts has its product keys in each part (parts[i]." + key
                + "), and only name, description and seed at the top level");
          }
        }
        for (YamlNode partNode : partsNode.list()) {
          partNode.mapping(PART_KEYS);
          YamlNode partDesc = partNode.child("description");
          parts.add(new PartLoader(partNode, seed).load(partDesc.isNull() ? null : partDesc.string()));
        }
        checkNoRepeats(parts, seed);
      }
      return new Grid(name, description, seed, parts, file, text, files.contents().build());
    }

    /**
     * Two parts must not share a configuration (it would be one config_id twice): each part's lists
     * are free of duplicates, so a repeat needs a model and a batch count the two parts share, then
     * an estimator, discount, baseline and batch size. Only shared models are compared, so a large
     * grid of disjoint parts costs nothing here.
     */
    void checkNoRepeats(List<Grid.Part> parts, long seed) {
      for (int j = 1; j < parts.size(); j++) {
        for (int i = 0; i < j; i++) {
          Grid.Part a = parts.get(i);
          Grid.Part b = parts.get(j);
          if (a.batches() != b.batches()) continue;
          Map<String, TripleSpec> models = new HashMap<>();
          for (TripleSpec t : a.triples()) models.put(t.key(), t);
          for (TripleSpec t : b.triples()) {
            TripleSpec shared = models.get(t.key());
            if (shared == null) continue;
            Set<String> inA = new HashSet<>();
            for (int size : a.batchSizes()) {
              for (klbench.grid.Configuration c : a.configurations(shared, size, seed)) inA.add(c.canonicalText());
            }
            for (int size : b.batchSizes()) {
              for (klbench.grid.Configuration c : b.configurations(t, size, seed)) {
                if (inA.contains(c.canonicalText())) {
                  throw new YamlNode(file, "parts[" + j + "]", null).bad("repeats a configuration of parts[" + i + "]: "
                      + c.triple().key() + ", estimator " + c.estimator().name()
                      + (c.discount() == 1.0 ? "" : ", discount " + c.discount()) + ", baseline " + c.baseline()
                      + ", batch size " + c.batchSize() + ", batches " + c.batches() + " (config_id " + c.configId()
                      + ") is in both: each configuration may be in one part only");
                }
              }
            }
          }
        }
      }
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

    /**
     * Loads one product of lists: the grid file's top level, or one of its {@code parts}. Every key
     * path it names starts at {@code node} ({@code parts[1].estimators[3]}).
     */
    final class PartLoader {
      final YamlNode node;
      final long seed;
      /** Sizes of the fixed-size (probs, file) families, once every family is read. */
      final Map<FamilySpec, Integer> fixedSizes = new HashMap<>();
      /** Horizon and contexts of the long-form files, once every family is read. */
      final Map<FamilySpec, SequenceShape> fixedShapes = new HashMap<>();
      /** Every family of the part with its key path, policies first. */
      final Map<FamilySpec, String> paths = new LinkedHashMap<>();

      PartLoader(YamlNode node, long seed) {
        this.node = node;
        this.seed = seed;
      }

      /** The key path of {@code key} in this part, e.g. {@code parts[1].estimators}. */
      String at(String key) {
        return node.child(key).path;
      }

      Grid.Part load(String description) {
        Map<FamilySpec, String> policies = families(node.child("policies"), Role.POLICY);
        Map<FamilySpec, String> references = families(node.child("references"), Role.REFERENCE);
        Map<FamilySpec, String> behaviours = families(node.child("behaviours"), Role.BEHAVIOUR);
        Map<Role, Map<FamilySpec, String>> byRole = Map.of(Role.POLICY, policies, Role.REFERENCE, references, Role.BEHAVIOUR, behaviours);
        FileVectors fileVectors = files.contents().build();
        for (Map<FamilySpec, String> list : List.of(policies, references, behaviours)) {
          for (Map.Entry<FamilySpec, String> e : list.entrySet()) {
            FamilySpec f = e.getKey();
            paths.putIfAbsent(f, e.getValue());
            Families.of(f).fixedSize(f, fileVectors).ifPresent(n -> fixedSizes.put(f, n));
            Families.of(f).fixedShape(f, fileVectors).ifPresent(shape -> fixedShapes.put(f, shape));
          }
        }

        List<Integer> horizons = horizons(node.child("horizons"));
        List<Contexts> contexts = contexts(node.child("contexts"));
        List<Double> discounts = discounts(node.child("discounts"));
        List<Estimator> estimators = estimators(node.child("estimators"));
        if (horizons.stream().allMatch(t -> t == 1)) {
          checkSingleTokens(node, contexts, discounts, estimators);
        }
        List<Baseline> baselines = baselines(node.child("baselines"));
        List<Integer> batchSizes = distinctInts(node.child("batch_sizes"), 1, MAX_BATCH_SIZE);
        int batches = node.child("batches").intIn(1, Integer.MAX_VALUE);
        int loo = baselines.indexOf(Baseline.LOO);
        int one = batchSizes.indexOf(1);
        if (loo >= 0 && one >= 0) {
          throw new YamlNode(file, at("baselines") + "[" + loo + "]", null).bad("loo needs batch sizes >= 2, but "
              + at("batch_sizes") + "[" + one + "] is 1 (loo averages the other B - 1 tokens of a batch)");
        }

        YamlNode vocabNode = node.child("vocab_sizes");
        List<Integer> vocabSizes = vocabNode.isMissing() ? null : distinctInts(vocabNode, 2, Families.MAX_VOCAB_SIZE);
        vocabSizes = checkSizes(vocabSizes, vocabNode, policies, references, behaviours);
        List<TripleSpec> triples = expand(vocabSizes, vocabNode, horizons, contexts, node.child("contexts"),
            policies, references, behaviours);
        checkReachable(triples, seed, fileVectors, byRole);

        return new Grid.Part(description, List.copyOf(vocabSizes), List.copyOf(horizons), List.copyOf(contexts),
            List.copyOf(policies.keySet()), List.copyOf(references.keySet()), List.copyOf(behaviours.keySet()),
            List.copyOf(estimators), List.copyOf(discounts), List.copyOf(baselines), List.copyOf(batchSizes), batches,
            List.copyOf(triples));
      }

      // ---- families ------------------------------------------------------------------------------

      /** The families of one list, each with its key path, in order; duplicates are an error. */
      Map<FamilySpec, String> families(YamlNode listNode, Role role) {
        Map<FamilySpec, String> out = new LinkedHashMap<>();
        for (YamlNode entry : listNode.list()) {
          FamilySpec spec = family(entry, role);
          String path = entry.path + "." + spec.family();
          String earlier = out.putIfAbsent(spec, path);
          if (earlier != null) throw entry.bad("duplicate of " + earlier + " (" + spec.canonical() + ")");
        }
        return out;
      }

      FamilySpec family(YamlNode entry, Role role) {
        String name;
        YamlNode body;
        if (entry.json != null && entry.json.isTextual()) {
          name = entry.json.textValue(); // the bare name, e.g. "on_policy" or "uniform"
          body = new YamlNode(file, entry.path + "." + name, null);
        } else if (entry.json != null && entry.json.isObject() && entry.json.size() == 1) {
          name = entry.keys().get(0);
          body = entry.child(name);
        } else if (entry.json != null && entry.json.isObject()) {
          throw entry.bad("must name exactly one family, got " + entry.json.size() + " keys (" + String.join(", ", entry.keys()) + ")");
        } else {
          throw entry.bad("must be a family such as gaussian: {sigma: 1.0}, got " + YamlNode.describe(entry.json));
        }
        Family family = Families.byName(name);
        if (family == null || !family.roles().contains(role)) {
          throw entry.bad("unknown " + role.id() + " family '" + name + "' (expected one of "
              + String.join(", ", Families.names(role)) + ")");
        }
        if (!body.isNull()) body.mapping(family.writableKeys());
        return family.read(body, files);
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

      // ---- sequences -----------------------------------------------------------------------------

      /**
       * The horizons as written, each of which a long-form file's must be among; when absent, the
       * long-form files' horizons in order of appearance, else [1].
       */
      List<Integer> horizons(YamlNode node) {
        if (node.isMissing()) return fixedShapeValues(SequenceShape::horizon, List.of(1));
        List<Integer> given = distinctInts(node, 1, SequenceModel.MAX_HORIZON);
        for (Map.Entry<FamilySpec, SequenceShape> e : fixedShapes.entrySet()) {
          int t = e.getValue().horizon();
          if (!given.contains(t)) {
            throw new YamlNode(file, paths.get(e.getKey()), null).bad("is a long-form file of horizon " + t + ", but horizons "
                + given + " does not contain " + t);
          }
        }
        return given;
      }

      /** The contexts as written (positive integers or tree), each long-form file's among them; else theirs, else [1]. */
      List<Contexts> contexts(YamlNode node) {
        if (node.isMissing()) return fixedShapeValues(SequenceShape::contexts, List.of(Contexts.ONE));
        List<Contexts> given = new ArrayList<>();
        for (YamlNode n : node.list()) {
          Contexts c;
          if (n.isText() && n.string().equals("tree")) {
            c = Contexts.tree();
          } else if (n.isInteger() && n.json.canConvertToLong() && n.json.longValue() >= 1) {
            c = new Contexts(n.json.longValue());
          } else {
            throw n.bad("must be a positive integer or tree, got " + n.describe());
          }
          int earlier = given.indexOf(c);
          if (earlier >= 0) throw n.bad("duplicate of " + node.path + "[" + earlier + "] (" + c.id() + ")");
          given.add(c);
        }
        List<String> ids = given.stream().map(Contexts::id).toList();
        for (Map.Entry<FamilySpec, SequenceShape> e : fixedShapes.entrySet()) {
          Contexts c = e.getValue().contexts();
          if (!given.contains(c)) {
            throw new YamlNode(file, paths.get(e.getKey()), null).bad("is a long-form file of contexts " + c.id() + ", but contexts "
                + ids + " does not contain " + c.id());
          }
        }
        return given;
      }

      /** What the long-form files fix, distinct, in order of appearance; {@code otherwise} when there are none. */
      <T> List<T> fixedShapeValues(Function<SequenceShape, T> value, List<T> otherwise) {
        LinkedHashSet<T> out = new LinkedHashSet<>();
        for (FamilySpec f : paths.keySet()) {
          SequenceShape shape = fixedShapes.get(f);
          if (shape != null) out.add(value.apply(shape));
        }
        return out.isEmpty() ? otherwise : new ArrayList<>(out);
      }

      /** The discounts γ ∈ (0, 1] as written; [1.0] when absent. */
      List<Double> discounts(YamlNode node) {
        if (node.isMissing()) return List.of(1.0);
        List<Double> out = new ArrayList<>();
        for (YamlNode n : node.list()) {
          double g = n.number();
          if (!(g > 0 && g <= 1)) throw n.bad("must be in (0, 1], got " + g);
          int earlier = out.indexOf(g);
          if (earlier >= 0) throw n.bad("duplicate of " + node.path + "[" + earlier + "] (" + g + ")");
          out.add(g);
        }
        return out;
      }

      /**
       * With every horizon 1 a response is one token: a discount other than 1, contexts other than
       * 1, the sequence-only rules and a family's sequence parameter ({@code spread}) would say
       * something that cannot happen, and are errors rather than rows that silently ignore them.
       */
      void checkSingleTokens(YamlNode top, List<Contexts> contexts, List<Double> discounts, List<Estimator> estimators) {
        String why = " (every horizon is 1: a response is one token)";
        for (int i = 0; i < discounts.size(); i++) {
          if (discounts.get(i) != 1.0) {
            throw top.child("discounts").bad("has " + discounts.get(i) + " at [" + i + "], but a discount other than 1 needs a horizon > 1,"
                + " since it weighs the later tokens of a response" + why);
          }
        }
        for (int i = 0; i < contexts.size(); i++) {
          if (!contexts.get(i).equals(Contexts.ONE)) {
            throw new YamlNode(file, at("contexts") + "[" + i + "]", null).bad("is " + contexts.get(i).id()
                + ", but contexts other than 1 need a horizon > 1, since they tell apart the pasts of later positions" + why);
          }
        }
        for (int i = 0; i < estimators.size(); i++) {
          GradientRule rule = estimators.get(i).rule();
          if (rule.sequenceOnly()) {
            throw new YamlNode(file, at("estimators") + "[" + i + "]", null).bad("has rule " + rule.id()
                + ", which needs a horizon > 1: with one token it is the reward rule" + why);
          }
        }
        for (Map.Entry<FamilySpec, String> e : paths.entrySet()) {
          String parameter = Families.of(e.getKey()).sequenceParameter(e.getKey());
          if (parameter != null) {
            throw new YamlNode(file, e.getValue() + "." + parameter, null).bad("varies the family over the rows of a response,"
                + " but with every horizon 1 a model has one row" + why);
          }
        }
      }

      /** A long-form file whose horizon or contexts differ from an earlier one of the same triple's. */
      record Disagreement(FamilySpec family, String problem) {}

      /** The first of p, q and μ whose fixed shape differs from an earlier one's, or null when they agree. */
      Disagreement disagreement(FamilySpec... families) {
        FamilySpec first = null;
        for (FamilySpec f : families) {
          SequenceShape shape = fixedShapes.get(f);
          if (shape == null) continue;
          if (first == null) {
            first = f;
          } else if (!shape.equals(fixedShapes.get(first))) {
            return new Disagreement(f, "is a long-form file of " + shape.describe() + ", but " + paths.get(first) + " is one of "
                + fixedShapes.get(first).describe() + ": files of p, q and mu must agree on V, horizon and contexts to combine");
          }
        }
        return null;
      }

      List<TripleSpec> expand(List<Integer> sizes, YamlNode vocabNode, List<Integer> horizons, List<Contexts> contexts,
          YamlNode contextsNode, Map<FamilySpec, String> policies, Map<FamilySpec, String> references, Map<FamilySpec, String> behaviours) {
        List<TripleSpec> out = new ArrayList<>();
        Set<FamilySpec> used = new HashSet<>();
        Map<FamilySpec, String> disagreements = new LinkedHashMap<>();
        for (int i = 0; i < sizes.size(); i++) {
          int v = sizes.get(i);
          int before = out.size();
          for (int j = 0; j < contexts.size(); j++) checkRows(v, horizons, contexts.get(j), contextsNode.isMissing() ? contextsNode.path : contextsNode.path + "[" + j + "]");
          for (FamilySpec p : policies.keySet()) {
            if (!fits(p, v)) continue;
            for (FamilySpec q : references.keySet()) {
              if (!fits(q, v)) continue;
              for (FamilySpec mu : behaviours.keySet()) {
                if (!fits(mu, v)) continue;
                Disagreement d = disagreement(p, q, mu);
                if (d != null) {
                  disagreements.putIfAbsent(d.family(), d.problem());
                  continue;
                }
                SequenceShape shape = fixedShapes.get(p) != null ? fixedShapes.get(p)
                    : fixedShapes.get(q) != null ? fixedShapes.get(q) : fixedShapes.get(mu);
                for (int t : horizons) {
                  for (Contexts n : contexts) {
                    if (shape != null && !shape.equals(new SequenceShape(t, n))) continue;
                    out.add(new TripleSpec(v, p, q, mu, t, n));
                    used.add(p);
                    used.add(q);
                    used.add(mu);
                  }
                }
              }
            }
          }
          if (out.size() == before) {
            if (!disagreements.isEmpty()) throw firstDisagreement(disagreements);
            String at = vocabNode.isMissing() ? vocabNode.path : vocabNode.path + "[" + i + "]";
            throw new YamlNode(file, at, null).bad("no (policy, reference, behaviour) combination has " + v
                + " tokens: the fixed-size families (probs, file) of some list all have other sizes");
          }
        }
        for (Map<FamilySpec, String> role : List.of(policies, references, behaviours)) {
          for (Map.Entry<FamilySpec, String> e : role.entrySet()) {
            if (used.contains(e.getKey())) continue;
            if (disagreements.containsKey(e.getKey())) {
              throw new YamlNode(file, e.getValue(), null).bad(disagreements.get(e.getKey()));
            }
            if (!disagreements.isEmpty()) throw firstDisagreement(disagreements);
            throw new YamlNode(file, e.getValue(), null).bad("is never used: no combination with the other lists has its "
                + fixedSizes.get(e.getKey()) + " tokens");
          }
        }
        return out;
      }

      private BadInputException firstDisagreement(Map<FamilySpec, String> disagreements) {
        Map.Entry<FamilySpec, String> first = disagreements.entrySet().iterator().next();
        return new YamlNode(file, paths.get(first.getKey()), null).bad(first.getValue());
      }

      /** A model of V tokens, any of the horizons and {@code contexts} has at most {@link SequenceModel#MAX_ROWS} rows. */
      void checkRows(int v, List<Integer> horizons, Contexts contexts, String at) {
        int longest = horizons.stream().mapToInt(Integer::intValue).max().orElse(1);
        long rows = SequenceModel.rows(v, longest, contexts);
        if (rows > SequenceModel.MAX_ROWS) {
          throw new YamlNode(file, at, null).bad("is " + contexts.id() + ", which at V=" + v + " and horizon " + longest + " makes a model of "
              + (rows == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(rows))
              + " rows (sum over positions t of min(N, V^(t-1)) contexts), more than the limit of " + SequenceModel.MAX_ROWS + " rows");
        }
      }

      /**
       * Every family must be buildable on every model it is part of (a {@code target_kl} must be
       * reachable: {@link Family#problemOn}). Checked here, on the driver, so that a run cannot fail
       * half-way through; each (role, policy, family, V, horizon, contexts) once.
       */
      void checkReachable(List<TripleSpec> triples, long seed, FileVectors fileVectors, Map<Role, Map<FamilySpec, String>> paths) {
        Set<String> checked = new HashSet<>();
        for (TripleSpec t : triples) {
          for (Role role : Role.values()) {
            FamilySpec f = t.family(role);
            String key = role.id() + "|" + f.canonical() + "|p=" + t.policy().canonical() + "|V=" + t.vocabSize()
                + "|T=" + t.horizon() + "|contexts=" + t.contexts().id();
            if (!checked.add(key)) continue;
            ParameterProblem problem = Families.of(f).problemOn(f, () -> Distributions.input(role, t, seed, fileVectors));
            if (problem != null) throw new YamlNode(file, paths.get(role).get(f) + "." + problem.key(), null).bad(problem.problem());
          }
        }
      }

      // ---- estimators, baselines, numbers --------------------------------------------------------

      /**
       * The estimators, each under its canonical name ({@link Estimator#of(String)}): two spellings
       * of one estimator ({@code k3 / loss}, {@code k3/loss}, {@code {value: k3, rule: loss}}) would
       * be one configuration twice, so they are duplicates like any other.
       */
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
          try {
            return Estimator.of(n.string());
          } catch (IllegalArgumentException e) {
            throw n.bad(e.getMessage());
          }
        }
        if (n.json == null || !n.json.isObject()) {
          throw n.bad("must be VALUE/RULE, a preset name or a mapping {value, rule, ...}, got " + YamlNode.describe(n.json));
        }
        n.mapping(ESTIMATOR_KEYS);
        ValueFunction value = parsed(n.child("value"), Estimator::valueFunction);
        GradientRule rule = parsed(n.child("rule"), Estimator::gradientRule);
        Double clampLogRatio = optionalPositive(n.child("clamp_log_ratio"));
        Double clampValue = optionalPositive(n.child("clamp_value"));
        Double ratioClip = optionalPositive(n.child("ratio_clip"));
        if (ratioClip != null && rule != GradientRule.STRAIGHT_THROUGH_RATIO) {
          throw n.child("ratio_clip").bad("applies only to rule " + GradientRule.STRAIGHT_THROUGH_RATIO.id() + ", not " + rule.id());
        }
        return Estimator.of(value, rule, clampLogRatio, clampValue, ratioClip);
      }

      /** {@code parse} of the node's string, its IllegalArgumentException turned into bad input at the node. */
      static <T> T parsed(YamlNode n, Function<String, T> parse) {
        String s = n.string();
        try {
          return parse.apply(s);
        } catch (IllegalArgumentException e) {
          throw n.bad(e.getMessage());
        }
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
          if (earlier >= 0) throw n.bad("duplicate of " + listNode.path + "[" + earlier + "] (" + b + ")");
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
}
