package klbench.core;

/** Random models of responses for tests: per row, p = softmax(z), q and μ perturbations of its logits. */
final class TestModels {
  private TestModels() {}

  /**
   * A model whose row (t, c) has standard normal logits drawn from a stream of (seed, t, c); q
   * perturbs them by δ·(1 + (7t + c) mod 3)/2, so that rows differ in closeness (and the future
   * matters); μ perturbs them by {@code behaviourDelta}, or is p when that is 0. {@code kept}: rows
   * held in memory, or rebuilt on every pass.
   */
  static SequenceModel random(int v, int horizon, Contexts contexts, double delta, double behaviourDelta, long seed,
      boolean kept) {
    SequenceModel.RowSource src = (t, c) -> {
      long s = seed * 1_000_003L + t * 10_007L + c;
      double[] th = TestTriples.gaussianLogits(v, 1.0, s);
      double scale = delta * (1 + (t * 7 + c) % 3) / 2.0;
      double[] logP = LogSpace.logSoftmax(th);
      double[] logQ = LogSpace.logSoftmax(TestTriples.perturbed(th, scale, s + 1));
      double[] logMu = behaviourDelta == 0 ? null : LogSpace.logSoftmax(TestTriples.perturbed(th, behaviourDelta, s + 2));
      return Triple.of(logP, logQ, logMu);
    };
    return kept ? SequenceModel.of(v, horizon, contexts, src) : SequenceModel.rebuilt(v, horizon, contexts, src);
  }
}
