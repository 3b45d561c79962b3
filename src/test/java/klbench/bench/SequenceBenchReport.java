package klbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the sequence targets from a JMH JSON result of {@link SequenceBenchmark}: the exact pass
 * per row against one row's, and Monte Carlo tokens per second (the ten-chunk run minus the one-chunk
 * run) against single tokens'. Usage: SequenceBenchReport target/jmh-sequence.json
 */
public final class SequenceBenchReport {
  private SequenceBenchReport() {}

  public static void main(String[] args) throws IOException {
    JsonNode results = new ObjectMapper().readTree(new File(args[0]));
    Map<String, Double> score = new HashMap<>();
    for (JsonNode r : results) {
      String name = r.get("benchmark").asText();
      score.put(name.substring(name.lastIndexOf('.') + 1), r.get("primaryMetric").get("score").asDouble());
    }
    int rows = 1 + (SequenceBenchmark.HORIZON - 1) * SequenceBenchmark.CONTEXTS;
    double exact = score.get("sequenceExact"); // s
    double one = score.get("singleTokenExact") / 1000.0; // ms → s
    double extraTokens = (640.0 - 64.0) * SequenceBenchmark.BATCH * SequenceBenchmark.HORIZON;
    double mcSeconds = score.get("sequenceTenChunks") - score.get("sequenceOneChunk");
    double sequenceRate = extraTokens / mcSeconds;
    double singleRate = score.get("singleTokenMonteCarlo");
    System.out.printf(Locale.ROOT, "exact pass: %d rows in %.1f s = %.2f ms per row; one row %.2f ms: ratio %.2f (target <= 2)%n",
        rows, exact, 1000 * exact / rows, 1000 * one, exact / rows / one);
    System.out.printf(Locale.ROOT, "Monte Carlo: %.3g tokens in %.1f s beyond the one-chunk run = %.3g tokens/s;"
        + " single tokens %.3g tokens/s: ratio %.2f (target >= 0.5)%n", extraTokens, mcSeconds, sequenceRate, singleRate,
        sequenceRate / singleRate);
  }
}
