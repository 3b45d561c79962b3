package klbench.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <out>/runs/<run_id>/run.json}: what ran, where and how it ended. Written when the run
 * starts ({@code status: running}) and again when it ends ({@code succeeded} or {@code failed}).
 *
 * @param configurations every configuration of the grid
 * @param skipped configurations already in the results (with --resume), not computed again
 * @param written rows this run committed (null until it ends)
 */
public record RunRecord(
    String version,
    String runId,
    String runName,
    String grid,
    String master,
    int partitions,
    boolean resume,
    Instant start,
    Instant end,
    String status,
    int configurations,
    int skipped,
    Long written,
    String error) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** klbench's version from the jar manifest, or "dev" when running from classes. */
  public static String klbenchVersion() {
    String v = RunRecord.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  RunRecord succeeded(long rows) {
    return new RunRecord(version, runId, runName, grid, master, partitions, resume, start, Instant.now(),
        "succeeded", configurations, skipped, rows, null);
  }

  RunRecord failed(Throwable cause) {
    String message = cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    return new RunRecord(version, runId, runName, grid, master, partitions, resume, start, Instant.now(),
        "failed", configurations, skipped, null, message);
  }

  /** The record as JSON, keys in snake_case like the result columns. */
  public byte[] json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("run_id", runId);
    m.put("run_name", runName);
    m.put("grid", grid);
    m.put("master", master);
    m.put("partitions", partitions);
    m.put("resume", resume);
    m.put("start", start.toString());
    m.put("end", end == null ? null : end.toString());
    m.put("status", status);
    m.put("configurations", configurations);
    m.put("skipped", skipped);
    m.put("written", written);
    if (error != null) m.put("error", error);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
