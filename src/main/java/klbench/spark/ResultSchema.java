package klbench.spark;

import java.util.ArrayList;
import java.util.List;
import klbench.results.Column;
import klbench.results.ResultRow;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of the results, derived from {@link Column} column for column and type for
 * type, every field nullable (a metric that does not exist is null). Nothing else in the Spark
 * layer names a column type, so adding a column to {@link Column} is all it takes.
 */
public final class ResultSchema {
  private static final StructType SCHEMA = build();

  private ResultSchema() {}

  public static StructType schema() {
    return SCHEMA;
  }

  /** A Spark row with the values of {@code r} in column order. */
  public static Row toRow(ResultRow r) {
    return RowFactory.create(r.values());
  }

  /** The result row of a Spark row of {@link #schema()} (values in column order). */
  public static ResultRow fromRow(Row row) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) values[i] = row.get(i);
    return ResultRow.fromValues(values);
  }

  /** The Spark type of a result column's type. */
  public static DataType sparkType(Column.Type type) {
    return switch (type) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }

  private static StructType build() {
    List<StructField> fields = new ArrayList<>();
    for (Column c : Column.values()) {
      fields.add(DataTypes.createStructField(c.id(), sparkType(c.type()), true));
    }
    return DataTypes.createStructType(fields);
  }
}
