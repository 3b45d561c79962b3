package klbench.spark;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The results as Parquet files, written with parquet-hadoop itself: no Spark SQL, so a run pays
 * neither its start-up nor its code generation (measured: 5–8 s cold for the default grid's 9,216
 * rows through a DataFrame, under 1 s this way). The schema is {@link Column}'s, column for column:
 * every field optional (null where a metric does not exist); strings are UTF-8 binaries, ints
 * int32, longs int64, doubles and booleans their own types, which is exactly what Spark writes for
 * {@link ResultSchema} and infers back, so Spark, parquet-hadoop and DuckDB read the files alike.
 * Doubles are stored as their bits: -0.0 and every value round-trip exactly.
 */
public final class ParquetRows {
  private static final MessageType SCHEMA = schema();

  private ParquetRows() {}

  /** The Parquet schema of a result file. */
  public static MessageType parquetSchema() {
    return SCHEMA;
  }

  private static MessageType schema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : Column.values()) {
      Type field = switch (c.type()) {
        case STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.id());
        case INT -> Types.optional(PrimitiveTypeName.INT32).named(c.id());
        case LONG -> Types.optional(PrimitiveTypeName.INT64).named(c.id());
        case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE).named(c.id());
        case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(c.id());
      };
      b.addField(field);
    }
    return b.named("klbench_result");
  }

  /** A new file at {@code file} (which must not exist), Snappy-compressed as Spark's are. */
  public static ParquetWriter<ResultRow> writer(Path file, Configuration conf) throws IOException {
    return new Builder(file, conf)
        .withConf(conf)
        .withWriteMode(ParquetFileWriter.Mode.CREATE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build();
  }

  private static final class Builder extends ParquetWriter.Builder<ResultRow, Builder> {
    Builder(Path file, Configuration conf) throws IOException {
      super(HadoopOutputFile.fromPath(file, conf));
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ResultRow> getWriteSupport(Configuration conf) {
      return new RowWriteSupport();
    }
  }

  /** One result row as one Parquet record: its non-null values, field by field. */
  private static final class RowWriteSupport extends WriteSupport<ResultRow> {
    private static final Column[] COLUMNS = Column.values();
    private RecordConsumer out;

    @Override
    public WriteContext init(Configuration conf) {
      Map<String, String> meta = new HashMap<>();
      meta.put("writer.model.name", "klbench");
      meta.put("klbench.version", RunRecord.klbenchVersion());
      return new WriteContext(SCHEMA, meta);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      out = recordConsumer;
    }

    @Override
    public void write(ResultRow row) {
      out.startMessage();
      for (Column c : COLUMNS) {
        Object v = row.get(c);
        if (v == null) continue;
        out.startField(c.id(), c.ordinal());
        switch (c.type()) {
          case STRING -> out.addBinary(Binary.fromString((String) v));
          case INT -> out.addInteger((Integer) v);
          case LONG -> out.addLong((Long) v);
          case DOUBLE -> out.addDouble((Double) v);
          case BOOLEAN -> out.addBoolean((Boolean) v);
        }
        out.endField(c.id(), c.ordinal());
      }
      out.endMessage();
    }
  }
}
