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
 * Reads one numeric column of a CSV file (with a header row) or a Parquet file, one row per token
 * in token order. The SHA-256 of the file's bytes comes with the values, so that a changed file
 * changes the identity of every configuration that uses it.
 *
 * <p>Reads are cached by (path, SHA-256, column): a grid that names one file in several
 * families, or is loaded twice in one JVM, parses it once. Values are held through soft references,
 * so a cached 16M-token column does not pin memory the JVM needs.
 *
 * <p>Files are read through Hadoop's {@code FileSystem} (a local path, {@code hdfs://}, …). Parquet
 * is read with parquet-hadoop's example {@link Group} reader, projected onto the one column; no
 * Spark classes are involved.
 */
public final class DataFiles {
  private DataFiles() {}

  /** One column of a data file: its name (from the header or schema), values and SHA-256 (hex). */
  public record ColumnData(String name, double[] values, String sha256) {}

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

  private static final Map<String, SoftReference<ColumnData>> CACHE = new ConcurrentHashMap<>();

  /**
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
    String key = file + "|" + sha + "|" + column;
    SoftReference<ColumnData> ref = CACHE.get(key);
    ColumnData cached = ref == null ? null : ref.get();
    if (cached != null) return cached;

    String lower = file.getName().toLowerCase(Locale.ROOT);
    ColumnData read;
    if (lower.endsWith(".csv")) {
      read = readCsv(new String(bytes, StandardCharsets.UTF_8), column, sha);
    } else if (lower.endsWith(".parquet") || lower.endsWith(".pq")) {
      read = readParquet(file, hadoop, column, sha);
    } else {
      throw new Problem("path", "unknown file type of " + shown + " (expected .csv or .parquet)");
    }
    CACHE.put(key, new SoftReference<>(read));
    return read;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static ColumnData readCsv(String text, Object column, String sha) {
    if (text.startsWith("\uFEFF")) text = text.substring(1);
    String[] lines = text.split("\r?\n", -1);
    int last = lines.length;
    while (last > 0 && lines[last - 1].isBlank()) last--; // trailing blank lines are not rows
    if (last == 0) throw new Problem("path", "file has no header row");
    List<String> header = splitCsv(lines[0]);
    int index = resolveColumn(header, column);
    if (last == 1) throw new Problem("path", "file has a header but no rows");
    double[] values = new double[last - 1];
    for (int row = 1; row < last; row++) {
      int token = row - 1;
      String where = "token " + token + " (line " + (row + 1) + ")";
      if (lines[row].isBlank()) throw new Problem("path", where + " is blank");
      List<String> cells = splitCsv(lines[row]);
      if (cells.size() != header.size()) {
        throw new Problem("path", where + " has " + cells.size() + " fields, the header has " + header.size());
      }
      String cell = cells.get(index);
      if (cell.isEmpty()) throw new Problem("path", where + " is empty in column '" + header.get(index) + "'");
      values[token] = parseNumber(cell, where);
    }
    return new ColumnData(header.get(index), values, sha);
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

  private static int resolveColumn(List<String> names, Object column) {
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

  /** A file as messages name it: a local file by its path, another by its URI. */
  private static String shown(org.apache.hadoop.fs.Path file) {
    java.net.URI uri = file.toUri();
    return uri.getScheme() == null || uri.getScheme().equals("file") ? uri.getPath() : file.toString();
  }

  private static ColumnData readParquet(org.apache.hadoop.fs.Path hadoopPath, Configuration hadoop, Object column, String sha) {
    Configuration conf = new Configuration(hadoop);
    String file = shown(hadoopPath);
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
    int index = resolveColumn(names, column);
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
    if (rows == 0) throw new Problem("path", "file has no rows");
    if (rows > Integer.MAX_VALUE) throw new Problem("path", "file has too many rows (" + rows + ")");

    conf.set(ReadSupport.PARQUET_READ_SCHEMA, new MessageType(schema.getName(), field).toString());
    double[] values = new double[(int) rows];
    int token = 0;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), hadoopPath).withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        if (token >= values.length) throw new Problem("path", "file has more rows than its footer says (" + rows + ")");
        if (g.getFieldRepetitionCount(0) == 0) throw new Problem("path", "token " + token + " is null in column '" + name + "'");
        values[token] = switch (type) {
          case DOUBLE -> g.getDouble(0, 0);
          case FLOAT -> g.getFloat(0, 0);
          case INT32 -> g.getInteger(0, 0);
          default -> g.getLong(0, 0);
        };
        token++;
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof Problem p) throw p;
      throw new Problem("path", "not a readable Parquet file: " + file + ": " + e.getMessage());
    }
    if (token != values.length) throw new Problem("path", "file has fewer rows than its footer says (" + token + " of " + rows + ")");
    return new ColumnData(name, values, sha);
  }
}
