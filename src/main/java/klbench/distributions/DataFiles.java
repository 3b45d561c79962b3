package klbench.distributions;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads numeric columns of a CSV file (with a header row) or a Parquet file: one column, one row per
 * token in token order (the single-token {@code file} family), or several chosen from the header
 * (the long-form family's position, context, token and value). The SHA-256 of the file's bytes
 * comes with the values, so that a changed file changes the identity of every configuration that
 * uses it.
 *
 * <p>Reads are cached by (path, SHA-256, columns): a grid that names one file in several
 * families, or is loaded twice in one JVM, parses it once. Values are held through soft references,
 * so a cached 16M-token column does not pin memory the JVM needs.
 *
 * <p>Files are read through Hadoop's {@code FileSystem} (a local path, {@code hdfs://}, …). Parquet
 * is read with parquet-hadoop's example {@link Group} reader, projected onto the chosen columns; no
 * Spark classes are involved.
 */
public final class DataFiles {
  private DataFiles() {}

  /** One column of a data file: its name (from the header or schema), values and SHA-256 (hex). */
  public record ColumnData(String name, double[] values, String sha256) {}

  /** Chosen columns of a data file: their names, values (one array per column) and the file's SHA-256. */
  public record Columns(List<String> names, double[][] values, String sha256) {}

  /**
   * Which columns to read, by index, given the file's column names, and what a row is called in
   * messages ({@code token 3 (line 5)}, {@code row 3 …}); throws {@link Problem}.
   */
  @FunctionalInterface
  public interface Choice {
    Selection select(List<String> names);
  }

  /** The columns to read (indices into the file's columns) and the name of a row in messages. */
  public record Selection(List<Integer> columns, String rowNoun) {}

  /** What is wrong with a data file; {@link #field()} says which family key it is about. */
  public static final class Problem extends RuntimeException {
    private final String field;

    Problem(String field, String message) {
      super(message);
      this.field = field;
    }

    /** {@code path} (the file itself) or {@code column}. */
    public String field() { return field; }
  }

  private static final Map<String, SoftReference<Columns>> CACHE = new ConcurrentHashMap<>();

  /**
   * One column, one row per token.
   *
   * @param column a column name (String), a 0-based index (Integer), or null for a file that has
   *     exactly one column
   * @throws Problem naming what is wrong (missing, empty, unreadable file; no such column; a
   *     value that is not a number or is null)
   */
  public static ColumnData read(Path file, Object column) {
    return read(new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri()), new Configuration(), column);
  }

  /** {@link #read(Path, Object)} on any Hadoop file system, with the configuration given. */
  public static ColumnData read(org.apache.hadoop.fs.Path file, Configuration hadoop, Object column) {
    Columns c = read(file, hadoop, names -> new Selection(List.of(resolveColumn(names, column)), "token"));
    return new ColumnData(c.names().get(0), c.values()[0], c.sha256());
  }

  /** The columns {@code choice} picks from a local file's column names. */
  public static Columns read(Path file, Choice choice) {
    return read(new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri()), new Configuration(), choice);
  }

  /**
   * The columns {@code choice} picks from the file's column names, on any Hadoop file system.
   *
   * @throws Problem naming what is wrong
   */
  public static Columns read(org.apache.hadoop.fs.Path file, Configuration hadoop, Choice choice) {
    String shown = shown(file);
    byte[] bytes;
    try (java.io.InputStream in = file.getFileSystem(hadoop).open(file)) {
      bytes = in.readAllBytes();
    } catch (java.io.FileNotFoundException e) {
      throw new Problem("path", "file not found: " + shown);
    } catch (IOException | RuntimeException e) {
      throw new Problem("path", "cannot read " + shown + ": " + e.getMessage());
    }
    if (bytes.length == 0) throw new Problem("path", "file is empty: " + shown);
    String sha = sha256(bytes);
    String lower = file.getName().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return new CsvFile(new String(bytes, StandardCharsets.UTF_8)).read(file, choice, sha);
    } else if (lower.endsWith(".parquet") || lower.endsWith(".pq")) {
      return readParquet(file, hadoop, choice, sha);
    }
    throw new Problem("path", "unknown file type of " + shown + " (expected .csv or .parquet)");
  }

  /** A file as messages name it: a local file by its path, another by its URI. */
  private static String shown(org.apache.hadoop.fs.Path file) {
    java.net.URI uri = file.toUri();
    return uri.getScheme() == null || uri.getScheme().equals("file") ? uri.getPath() : file.toString();
  }

  /** The cached read of {@code columns} of the file with {@code sha}, or the read made now. */
  private static Columns cached(org.apache.hadoop.fs.Path file, String sha, Selection selection,
      java.util.function.Supplier<Columns> read) {
    String key = file + "|" + sha + "|" + selection;
    SoftReference<Columns> ref = CACHE.get(key);
    Columns hit = ref == null ? null : ref.get();
    if (hit != null) return hit;
    Columns read2 = read.get();
    CACHE.put(key, new SoftReference<>(read2));
    return read2;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** A CSV file's lines: its header, then one row per line up to the last non-blank one. */
  private static final class CsvFile {
    final String[] lines;
    final int last;

    CsvFile(String text) {
      if (text.startsWith("\uFEFF")) text = text.substring(1);
      lines = text.split("\r?\n", -1);
      int n = lines.length;
      while (n > 0 && lines[n - 1].isBlank()) n--; // trailing blank lines are not rows
      last = n;
    }

    Columns read(org.apache.hadoop.fs.Path file, Choice choice, String sha) {
      if (last == 0) throw new Problem("path", "file has no header row");
      List<String> header = splitCsv(lines[0]);
      Selection selection = choice.select(header);
      return cached(file, sha, selection, () -> parse(header, selection.columns(), selection.rowNoun(), sha));
    }

    private Columns parse(List<String> header, List<Integer> chosen, String rowNoun, String sha) {
      if (last == 1) throw new Problem("path", "file has a header but no rows");
      double[][] values = new double[chosen.size()][last - 1];
      for (int row = 1; row < last; row++) {
        int index = row - 1;
        String where = rowNoun + " " + index + " (line " + (row + 1) + ")";
        if (lines[row].isBlank()) throw new Problem("path", where + " is blank");
        List<String> cells = splitCsv(lines[row]);
        if (cells.size() != header.size()) {
          throw new Problem("path", where + " has " + cells.size() + " fields, the header has " + header.size());
        }
        for (int k = 0; k < chosen.size(); k++) {
          String cell = cells.get(chosen.get(k));
          if (cell.isEmpty()) throw new Problem("path", where + " is empty in column '" + header.get(chosen.get(k)) + "'");
          values[k][index] = parseNumber(cell, where);
        }
      }
      List<String> names = new ArrayList<>();
      for (int c : chosen) names.add(header.get(c));
      return new Columns(List.copyOf(names), values, sha);
    }
  }

  /** Fields of one CSV line: split on commas, trimmed, with surrounding double quotes removed. */
  private static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    for (String f : line.split(",", -1)) {
      String t = f.trim();
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1).trim();
      out.add(t);
    }
    return out;
  }

  private static double parseNumber(String cell, String where) {
    // Java's parser takes NaN and Infinity; common spellings from numpy/pandas are accepted too,
    // so that the value checks can name them ("is NaN") rather than "not a number".
    switch (cell.toLowerCase(Locale.ROOT)) {
      case "nan": return Double.NaN;
      case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
      case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
      default:
    }
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new Problem("path", where + ": '" + cell + "' is not a number");
    }
  }

  /**
   * The index of {@code column} among {@code names}: a name (String), a 0-based index (Integer), or
   * null for a file that has exactly one column.
   */
  static int resolveColumn(List<String> names, Object column) {
    if (column == null) {
      if (names.size() == 1) return 0;
      throw new Problem("column", "is required: the file has " + names.size() + " columns (" + String.join(", ", names) + ")");
    }
    if (column instanceof Integer i) {
      if (i < 0 || i >= names.size()) {
        throw new Problem("column", "index " + i + " is out of range: the file has " + names.size() + " columns");
      }
      return i;
    }
    int at = names.indexOf((String) column);
    if (at < 0) throw new Problem("column", "no column '" + column + "' (the file has " + String.join(", ", names) + ")");
    return at;
  }

  private static Columns readParquet(org.apache.hadoop.fs.Path hadoopPath, Configuration hadoop, Choice choice, String sha) {
    String file = shown(hadoopPath);
    Configuration conf = new Configuration(hadoop);
    MessageType schema;
    long rows;
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(hadoopPath, conf))) {
      schema = reader.getFooter().getFileMetaData().getSchema();
      rows = reader.getRecordCount();
    } catch (IOException | RuntimeException e) {
      throw new Problem("path", "not a readable Parquet file: " + file + ": " + e.getMessage());
    }
    List<String> names = new ArrayList<>();
    for (Type t : schema.getFields()) names.add(t.getName());
    Selection selection = choice.select(names);
    List<Integer> chosen = selection.columns();
    List<Type> fields = new ArrayList<>();
    List<PrimitiveTypeName> types = new ArrayList<>();
    for (int index : chosen) {
      Type field = schema.getType(index);
      String name = field.getName();
      if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
        throw new Problem("column", "column '" + name + "' is not a numeric column");
      }
      PrimitiveTypeName type = field.asPrimitiveType().getPrimitiveTypeName();
      if (type != PrimitiveTypeName.DOUBLE && type != PrimitiveTypeName.FLOAT
          && type != PrimitiveTypeName.INT32 && type != PrimitiveTypeName.INT64) {
        throw new Problem("column", "column '" + name + "' has type " + type + " (expected double, float, int32 or int64)");
      }
      fields.add(field);
      types.add(type);
    }
    if (rows == 0) throw new Problem("path", "file has no rows");
    if (rows > Integer.MAX_VALUE) throw new Problem("path", "file has too many rows (" + rows + ")");
    return cached(hadoopPath, sha, selection,
        () -> readParquetRows(file, hadoopPath, conf, schema, fields, types, (int) rows, selection.rowNoun(), sha));
  }

  private static Columns readParquetRows(String file, org.apache.hadoop.fs.Path hadoopPath, Configuration conf, MessageType schema,
      List<Type> fields, List<PrimitiveTypeName> types, int rows, String rowNoun, String sha) {
    // The projection lists each column once, in the file's order; values are looked up by name.
    List<Type> projection = new ArrayList<>();
    for (Type f : schema.getFields()) if (fields.contains(f) && !projection.contains(f)) projection.add(f);
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), projection).toString());
    double[][] values = new double[fields.size()][rows];
    int row = 0;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), hadoopPath).withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        if (row >= rows) throw new Problem("path", "file has more rows than its footer says (" + rows + ")");
        for (int k = 0; k < fields.size(); k++) {
          String name = fields.get(k).getName();
          int at = g.getType().getFieldIndex(name);
          if (g.getFieldRepetitionCount(at) == 0) throw new Problem("path", rowNoun + " " + row + " is null in column '" + name + "'");
          values[k][row] = switch (types.get(k)) {
            case DOUBLE -> g.getDouble(at, 0);
            case FLOAT -> g.getFloat(at, 0);
            case INT32 -> g.getInteger(at, 0);
            default -> g.getLong(at, 0);
          };
        }
        row++;
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof Problem p) throw p;
      throw new Problem("path", "not a readable Parquet file: " + file + ": " + e.getMessage());
    }
    if (row != rows) throw new Problem("path", "file has fewer rows than its footer says (" + row + " of " + rows + ")");
    List<String> names = new ArrayList<>();
    for (Type f : fields) names.add(f.getName());
    return new Columns(List.copyOf(names), values, sha);
  }
}
