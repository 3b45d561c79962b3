package klbench.report.ranking;

/** Key of one leaderboard table: a KL level, on- or off-policy sampling and a batch size. */
public record Board(double klLevel, boolean onPolicy, int batchSize) {}
