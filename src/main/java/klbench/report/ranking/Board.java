package klbench.report.ranking;

/**
 * Key of one leaderboard table: a KL level, on- or off-policy sampling, a horizon (the response
 * length; 1 for single tokens) and a batch size.
 */
public record Board(double klLevel, boolean onPolicy, int horizon, int batchSize) {}
