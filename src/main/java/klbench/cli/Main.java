package klbench.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import klbench.input.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code klbench} command line (INTERFACE.md, "Commands"). Exit status: 0 on success; 2 on bad
 * input (a {@link BadInputException} anywhere, or a usage error), with one line on stderr and
 * nothing written; 1 on an internal error, with its stack trace.
 */
@Command(
    name = "klbench",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    description = "Bias and variance of KL-divergence estimators and their gradients.")
public final class Main implements Callable<Integer> {

  /** The subcommands, in help order. To add one, add its picocli {@code @Command} class here. */
  static final List<Class<?>> COMMANDS = List.of(RunCommand.class, EvalCommand.class, QueryCommand.class, ReportCommand.class, StatusCommand.class);

  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_INTERNAL = 1;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<String> names = new ArrayList<>(spec.commandLine().getSubcommands().keySet());
    spec.commandLine().getErr().println("klbench: a command is required (" + String.join(", ", names) + "); see klbench --help");
    return EXIT_BAD_INPUT;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given streams and returns its exit status (for tests). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The command tree with klbench's error handling; handlers are set after the subcommands so they reach them. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> c : COMMANDS) cl.addSubcommand(c);
    cl.setParameterExceptionHandler(Main::usageError);
    cl.setExecutionExceptionHandler(Main::executionError);
    return cl;
  }

  private static int usageError(ParameterException ex, String[] args) {
    String command = ex.getCommandLine().getCommandSpec().qualifiedName();
    ex.getCommandLine().getErr().println(oneLine(command + ": " + ex.getMessage() + " (see " + command + " --help)"));
    return EXIT_BAD_INPUT;
  }

  private static int executionError(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    for (Throwable t = ex; t != null; t = t.getCause()) {
      // Bad input may arrive wrapped (by an executor, a future): the user's problem is the same.
      if (t instanceof BadInputException bad) {
        err.println(bad.getMessage());
        err.flush();
        return EXIT_BAD_INPUT;
      }
    }
    err.println(oneLine("klbench: internal error: " + ex));
    ex.printStackTrace(err);
    err.flush();
    return EXIT_INTERNAL;
  }

  /** The jar manifest's Implementation-Version (set by the build); unknown when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"klbench " + (v == null ? "(version unknown: not run from the packaged jar)" : v),
          "Monte Carlo kernel: " + klbench.core.SequenceEvaluation.monteCarloKernel()
              + " (vector needs --add-modules=jdk.incubator.vector; both give the same results)"};
    }
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
