package klbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.Callable;
import klbench.input.BadInputException;
import klbench.spark.ResultStore;
import klbench.spark.RunJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code klbench status}: how a run ended, from its own record ({@code <out>/runs/<run_id>/run.json}).
 * spark-submit's exit status in cluster deploy mode does not tell (a standalone cluster's client
 * exits 0 whether the driver succeeded or failed), so {@code submit/klbench} asks this.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {"Print how a run ended, from <out>/runs/<run_id>/run.json.",
        "Exit 0 when it succeeded, 1 when it failed or never ended (its driver died), 2 when there is no such run."})
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "results",
      description = "The output folder of the run, local or any Hadoop file system URI (default: ${DEFAULT-VALUE}).")
  String out;

  @Option(names = "--run", paramLabel = "RUN_ID", required = true, description = "The run's id.")
  String run;

  @Override
  public Integer call() throws IOException {
    if (!RunJob.isRunId(run)) throw new BadInputException(null, "--run", "'" + run + "' is not a run id");
    String location = Locations.out(out);
    byte[] json;
    try {
      json = ResultStore.at(SparkSessions.hadoopConfiguration(SparkSessions.effectiveMaster(null)), location)
          .readRunFile(run, "run.json");
    } catch (IOException e) {
      throw new BadInputException(null, "--out", "cannot read " + location + ": " + Main.oneLine(String.valueOf(e.getMessage())));
    }
    if (json == null) throw new BadInputException(null, "--run", "no run " + run + " in " + location + " (no runs/" + run + "/run.json)");
    JsonNode record = new ObjectMapper().readTree(json);
    String status = record.path("status").asText("");
    String line = "run " + run + " " + status + " (" + record.path("configurations").asText() + " configurations, "
        + record.path("written").asText("no") + " rows written" + (record.hasNonNull("error") ? ": " + record.get("error").asText() : "") + ")";
    if (status.equals("succeeded")) {
      spec.commandLine().getOut().println(line);
      return 0;
    }
    spec.commandLine().getErr().println(Main.oneLine(status.equals("running")
        ? "run " + run + " never ended (its record still says running): its driver died; see the driver's log"
        : line));
    return 1;
  }
}
