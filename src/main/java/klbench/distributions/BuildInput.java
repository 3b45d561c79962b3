package klbench.distributions;

/**
 * What a family builds one row (t, c) of a model from, in one role (SEQUENCES.md, "Families per
 * row"). Every stream is the row's own ({@link ModelInput#row}); row (1, 0)'s are the single-token
 * streams, so that a model of horizon 1 is the single-token triple.
 *
 * @param model the role in the whole model: its shape, and every other row on demand (what
 *     target_kl solves its one global δ over)
 * @param position t, 1-based
 * @param context c, 0 … H_t − 1
 * @param logP log p of this row, or null when the policy itself is being built
 * @param draws the stream of the family's own draws (a gaussian's logits)
 * @param direction the stream of the direction ε of a family defined along a path from p
 *     (perturb, target_kl); null for the policy
 * @param spread the stream of the row's z ~ N(0, 1), which scales a path's δ by exp(spread·z −
 *     spread²/2); null for the policy
 */
public record BuildInput(
    ModelInput model, int position, int context, double[] logP, StreamId draws, StreamId direction, StreamId spread) {

  public Role role() { return model.role(); }

  public int vocabSize() { return model.vocabSize(); }

  /** The policy's family, which a family defined relative to p names in its messages. */
  public FamilySpec policy() { return model.policy(); }

  /** The contents of the grid's file families. */
  public FileVectors files() { return model.files(); }
}
