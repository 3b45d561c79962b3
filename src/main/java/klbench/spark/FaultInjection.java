package klbench.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * TEST ONLY: makes the first attempt of chosen tasks fail, so that tests can check that Spark's
 * retries change no number. Off in production: nothing happens unless the key below is set, and
 * then only a first attempt ({@code attemptNumber() == 0}) fails, so a retry always succeeds.
 *
 * <p>The key is read as a job-local property ({@code SparkContext.setLocalProperty}, which a test
 * can switch per run) or else as a Spark conf entry ({@code --conf
 * spark.klbench.test.failFirstAttempt=…}). Its value is {@code all}, or a comma-separated list of
 * partition ids. Unset, the cost is one property lookup per task, not per row.
 */
final class FaultInjection {
  static final String KEY = "spark.klbench.test.failFirstAttempt";

  private FaultInjection() {}

  /** Throws in the first attempt of this task when the test key selects its partition. */
  static void maybeFailFirstAttempt(String where) {
    TaskContext task = TaskContext.get();
    if (task == null || task.attemptNumber() != 0) return;
    String spec = task.getLocalProperty(KEY);
    if (spec == null && SparkEnv.get() != null) spec = SparkEnv.get().conf().get(KEY, null);
    if (spec == null || spec.isBlank()) return;
    if (selects(spec, task.partitionId())) {
      throw new RuntimeException("klbench test fault (" + KEY + "=" + spec + "): " + where
          + ", stage " + task.stageId() + ", partition " + task.partitionId() + ", attempt 0");
    }
  }

  static boolean selects(String spec, int partition) {
    if (spec.trim().equals("all")) return true;
    for (String id : spec.split(",")) {
      if (id.trim().equals(Integer.toString(partition))) return true;
    }
    return false;
  }
}
