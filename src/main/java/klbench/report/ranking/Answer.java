package klbench.report.ranking;

import java.util.List;

/**
 * The answer box's pick for one leaderboard table, and why: the best unbiased-ish entry (or
 * null), the entries with the same numbers (the same gradient under other names), and the
 * entries ranked above it that a reader would weigh against it: the first whose bias only the
 * simulation knows and cannot tell from 0, and the first that is plainly biased. Both must be a
 * gradient at all ({@link Entry#aGradient}); anything else (an estimator with E[ĝ] = 0 has
 * relative bias 1) is never named, however low its error. {@code lowest} is the first entry that
 * is a gradient at all, named when no entry is unbiased-ish.
 */
public record Answer(Board board, Entry best, List<Entry> sameAsBest, Entry lowerWithinNoise, Entry lowerButBiased,
    Entry lowest) {}
