package klbench.distributions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The data files of conf/eval.yaml, and a writer for CSV and Parquet columns that tests share.
 * Regenerate conf/data with {@code java -cp target/test-classes:target/classes:<test classpath>
 * klbench.distributions.ConfData conf/data}; {@code ConfDataTest} checks the committed files still
 * hold these values.
 */
public final class ConfData {
  private ConfData() {}

  /** conf/data/policy16.csv, column logit: a smooth, non-monotone logit curve over 16 tokens. */
  public static double[] policyLogits16() {
    double[] v = new double[16];
    for (int j = 0; j < v.length; j++) v[j] = round(1.5 * Math.sin(0.7 * j) - 0.08 * j);
    return v;
  }

  /** conf/data/behaviour64.parquet, column prob: positive, unnormalised probabilities over 64 tokens. */
  public static double[] behaviourProbs64() {
    double[] v = new double[64];
    for (int j = 0; j < v.length; j++) v[j] = round(1.0 + 0.5 * Math.cos(0.3 * j) + 0.01 * j);
    return v;
  }

  /**
   * conf/data/tree-policy.csv and conf/data/tree-reference.parquet, column logit: long-form files
   * of the V = 3, horizon 3 tree (1 + 3 + 9 rows of 3 tokens), the size of the 27-response tree
   * public work enumerates. Rows [position, context, token, logit] in row order; the reference is
   * the policy moved by a smooth, row-dependent offset.
   */
  public static double[][] treeLogits(boolean reference) {
    java.util.List<double[]> rows = new java.util.ArrayList<>();
    for (int t = 1; t <= 3; t++) {
      for (int c = 0; c < Math.pow(3, t - 1); c++) {
        for (int y = 0; y < 3; y++) {
          double logit = round(1.2 * Math.sin(0.9 * y + 0.7 * c + 0.3 * t));
          if (reference) logit = round(logit + 0.5 * Math.cos(1.3 * y + 0.4 * c + t));
          rows.add(new double[] {t, c, y, logit});
        }
      }
    }
    return rows.toArray(new double[0][]);
  }

  /** The columns of {@link #treeLogits}: position, context, token, logit. */
  static double[][] columns(double[][] rows) {
    double[][] cols = new double[4][rows.length];
    for (int i = 0; i < rows.length; i++) for (int k = 0; k < 4; k++) cols[k][i] = rows[i][k];
    return cols;
  }

  private static double round(double x) {
    return Math.round(x * 1e6) / 1e6; // six decimals, exactly as the CSV prints them
  }

  public static void writeCsv(Path file, String[] names, double[]... columns) {
    StringBuilder b = new StringBuilder(String.join(",", names)).append('\n');
    for (int i = 0; i < columns[0].length; i++) {
      for (int c = 0; c < columns.length; c++) {
        if (c > 0) b.append(',');
        b.append(columns[c][i]);
      }
      b.append('\n');
    }
    try {
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Parquet file of required double columns (uncompressed; no .crc file left beside it). */
  public static void writeParquet(Path file, String[] names, double[]... columns) {
    StringBuilder schema = new StringBuilder("message tokens {");
    for (String n : names) schema.append(" required double ").append(n).append(';');
    MessageType type = MessageTypeParser.parseMessageType(schema.append(" }").toString());
    writeParquet(file, type, (factory, i) -> {
      Group g = factory.newGroup();
      for (int c = 0; c < columns.length; c++) g.add(names[c], columns[c][i]);
      return g;
    }, columns[0].length);
  }

  /** Rows {@code 0 … rows-1} built by {@code row}, for schemas other than plain doubles. */
  public static void writeParquet(Path file, MessageType type, RowBuilder row, int rows) {
    try {
      Files.deleteIfExists(file);
      Configuration conf = new Configuration();
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri());
      try (ParquetWriter<Group> w = ExampleParquetWriter.builder(path).withConf(conf).withType(type)
          .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
        SimpleGroupFactory factory = new SimpleGroupFactory(type);
        for (int i = 0; i < rows; i++) w.write(row.build(factory, i));
      }
      Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public interface RowBuilder {
    Group build(SimpleGroupFactory factory, int row);
  }

  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "conf/data");
    double[] logits = policyLogits16();
    double[] token = new double[logits.length];
    for (int j = 0; j < token.length; j++) token[j] = j;
    writeCsv(dir.resolve("policy16.csv"), new String[] {"token", "logit"}, token, logits);
    writeParquet(dir.resolve("behaviour64.parquet"), new String[] {"prob"}, behaviourProbs64());
    String[] longForm = {"position", "context", "token", "logit"};
    writeCsv(dir.resolve("tree-policy.csv"), longForm, columns(treeLogits(false)));
    writeParquet(dir.resolve("tree-reference.parquet"), longForm, columns(treeLogits(true)));
    System.out.println(String.format(Locale.ROOT, "wrote policy16.csv, behaviour64.parquet, tree-policy.csv and tree-reference.parquet to %s", dir));
  }
}
