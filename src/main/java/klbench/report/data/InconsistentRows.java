package klbench.report.data;

import static klbench.report.data.Derived.d;
import static klbench.report.data.Derived.s;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The rows whose Monte Carlo and exact values disagree ({@code consistent = false}): their count and the first few. */
public record InconsistentRows(long count, List<Line> first) {

  public record Line(String configId, Object vocabSize, String policy, String reference, String behaviour,
      String estimator, String baseline, Object batchSize, Double valueZ, Double gradMseZ, String mcNote) {}

  /** Up to {@code limit} rows, ordered by KL level, estimator, baseline, batch size, config_id. */
  public static InconsistentRows of(Dataset<Row> feasible, int limit) {
    Dataset<Row> bad = feasible.filter(expr("NOT coalesce(consistent, true)"));
    long n = bad.count();
    List<Line> lines = new ArrayList<>();
    if (n > 0) {
      for (Row r : bad.orderBy("kl_level", "estimator", "baseline", "batch_size", "config_id").limit(limit)
          .collectAsList()) {
        lines.add(new Line(s(r, "config_id"), r.getAs("vocab_size"), s(r, "policy"), s(r, "reference"),
            s(r, "behaviour"), s(r, "estimator"), s(r, "baseline"), r.getAs("batch_size"), d(r, "value_z"),
            d(r, "grad_mse_z"), s(r, "mc_note")));
      }
    }
    return new InconsistentRows(n, lines);
  }
}
