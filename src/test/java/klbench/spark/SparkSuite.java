package klbench.spark;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SharedJavaSparkContext;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * spark-testing-base under JUnit 5: its Java bases start Spark from JUnit 4's {@code @Before} and
 * stop it from {@code @AfterClass}, which Jupiter ignores (upstream issue #340), so this extension
 * calls them itself, once per test class. Register it as a static field:
 *
 * <pre>
 * &#64;RegisterExtension static final SparkSuite SPARK = new SparkSuite("local[2]");
 * </pre>
 *
 * (or call {@link #start()} and {@link #stop()} by hand) and use {@link #session()} for the one shared session and {@link #base()} for the DataFrame
 * asserts (they throw {@link AssertionError}, which Jupiter reports like its own).
 */
public final class SparkSuite implements BeforeAllCallback, AfterAllCallback {
  private final String master;
  private JavaDataFrameSuiteBase base;

  public SparkSuite(String master) {
    this.master = master;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts the shared session by hand, for a class that must run other Spark sessions first. */
  public void start() {
    base = new JavaDataFrameSuiteBase() {
      @Override
      public boolean enableHiveSupport() {
        return false;
      }

      @Override
      public SparkConf conf() {
        return super.conf()
            .setMaster(master)
            .set("spark.ui.enabled", "false")
            .set("spark.sql.shuffle.partitions", "4")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1");
      }
    };
    base.runBefore();
  }

  public void stop() {
    if (base == null) return;
    SharedJavaSparkContext.runAfterClass();
    base = null;
  }

  public SparkSession session() {
    return base.spark();
  }

  public JavaDataFrameSuiteBase base() {
    return base;
  }

  /** Order-insensitive equality of two DataFrames, schema (with nullability) included. */
  public void assertNoOrderEquals(Dataset<Row> expected, Dataset<Row> actual) {
    base.assertDataFrameNoOrderEquals(expected, actual);
  }
}
