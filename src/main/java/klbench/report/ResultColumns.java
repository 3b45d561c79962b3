package klbench.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import klbench.results.Column;
import klbench.spark.ResultSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The result columns of {@link Column} as Spark types, and the one step that makes any results
 * dataset look like the current one: every {@link Column} present, in order, with its type.
 *
 * <p>The schema itself is the job's ({@link ResultSchema}); this class only adapts what a reader
 * finds to it.
 */
public final class ResultColumns {
  /**
   * Optional column a reader may add: when the rows were written (for "latest run wins").
   * {@code ReportCommand.loadResults} fills it from the Parquet files' modification time.
   */
  public static final String RUN_WRITTEN_AT = "run_written_at";

  private ResultColumns() {}

  /** Every result column, nullable, in {@link Column} order (the schema the job writes). */
  public static StructType schema() {
    return ResultSchema.schema();
  }

  /**
   * The rows with exactly the result columns in {@link Column} order, each cast to its type; a
   * column the rows do not have (written by an older version, e.g. {@code infeasible_reason})
   * becomes null. {@link #RUN_WRITTEN_AT} is kept when present; any other column is dropped.
   */
  public static Dataset<Row> conform(Dataset<Row> rows) {
    Set<String> present = new HashSet<>(Arrays.asList(rows.columns()));
    List<org.apache.spark.sql.Column> select = new ArrayList<>();
    for (Column c : Column.values()) {
      DataType t = ResultSchema.sparkType(c.type());
      select.add(present.contains(c.id())
          ? col(c.id()).cast(t).as(c.id())
          : lit(null).cast(t).as(c.id()));
    }
    if (present.contains(RUN_WRITTEN_AT)) select.add(col(RUN_WRITTEN_AT).cast(DataTypes.TimestampType));
    return rows.select(select.toArray(new org.apache.spark.sql.Column[0]));
  }

}
