package klbench.distributions;

import klbench.core.Contexts;
import klbench.core.SequenceModel;

/**
 * One role of a model of responses as its family sees it (SEQUENCES.md, "Families per row"): the
 * model's shape, and what each row (t, c) is built from — the policy's row and the row's own random
 * streams — rebuilt on demand, never stored, so that a model too large to hold can still be solved
 * over ({@code target_kl}) row by row.
 *
 * <p>The streams are named here and nowhere else, by what their draws mean:
 *
 * <ul>
 *   <li>a family's own draws (the policy's logits θ): (role, family, V), so that a reference or
 *       behaviour from a policy family is independent of p even for the same family and parameters;
 *   <li>the direction ε of {@code perturb} and {@code target_kl}: (role "-direction", policy, V),
 *       shared by every δ and KL level, so that a grid's KL levels are points on one path;
 *   <li>the row's z of {@code spread}: (role "-spread", policy, V);
 * </ul>
 *
 * each followed by {@code |t=…|c=…} for every row but (1, 0), which keeps the single-token names.
 * A row's streams do not depend on the horizon or the context count: models that share a row
 * (t, c) draw it alike.
 */
public final class ModelInput {
  /** The policy's row (t, c), as log-probabilities. */
  @FunctionalInterface
  public interface PolicyRows {
    double[] logProbs(int position, int context);
  }

  private final Role role;
  private final FamilySpec family;
  private final FamilySpec policy;
  private final int vocab;
  private final int horizon;
  private final Contexts contexts;
  private final long seed;
  private final FileVectors files;
  private final PolicyRows policyRows;

  /**
   * @param policyRows the policy's rows, for a reference or behaviour; null for the policy
   */
  ModelInput(Role role, TripleSpec spec, long seed, FileVectors files, PolicyRows policyRows) {
    if ((role == Role.POLICY) != (policyRows == null)) {
      throw new IllegalArgumentException("the policy's rows are the input of the reference and behaviour only");
    }
    this.role = role;
    this.family = spec.family(role);
    this.policy = spec.policy();
    this.vocab = spec.vocabSize();
    this.horizon = spec.horizon();
    this.contexts = spec.contexts();
    this.seed = seed;
    this.files = files;
    this.policyRows = policyRows;
  }

  public Role role() { return role; }

  /** The family this role is built from. */
  public FamilySpec family() { return family; }

  public FamilySpec policy() { return policy; }

  public int vocabSize() { return vocab; }

  public int horizon() { return horizon; }

  public Contexts contexts() { return contexts; }

  public long seed() { return seed; }

  public FileVectors files() { return files; }

  /** Σ_t H_t. */
  public long rowCount() {
    return SequenceModel.rows(vocab, horizon, contexts);
  }

  /** H_t. */
  public int rowsAt(int position) {
    return (int) contexts.at(vocab, position);
  }

  /** The input of row (t, c), the policy's row rebuilt for it (null for the policy itself). */
  public BuildInput row(int position, int context) {
    return row(position, context, policyRows == null ? null : policyRows.logProbs(position, context));
  }

  /** The input of row (t, c) whose policy row is {@code logP} (null for the policy itself). */
  public BuildInput row(int position, int context, double[] logP) {
    if (position < 1 || position > horizon || context < 0 || context >= rowsAt(position)) {
      throw new IllegalArgumentException("no row (" + position + ", " + context + ") in a model of V=" + vocab
          + ", horizon " + horizon + ", contexts " + contexts.id());
    }
    String row = position == 1 && context == 0 ? "" : "|t=" + position + "|c=" + context;
    String v = "|V=" + vocab;
    StreamId draws = new StreamId(seed, role.id() + "|" + family.canonical() + v + row);
    StreamId direction = role == Role.POLICY ? null : new StreamId(seed, role.id() + "-direction|" + policy.canonical() + v + row);
    StreamId spread = role == Role.POLICY ? null : new StreamId(seed, role.id() + "-spread|" + policy.canonical() + v + row);
    return new BuildInput(this, position, context, logP, draws, direction, spread);
  }

  /**
   * What a model-wide solve of this role's family depends on: the seed, the role, the policy and
   * the family (both canonical, so a file's content hash is in it), V, T and the contexts. The
   * other role's family is not in it: a reference's δ is the same whatever the behaviour.
   */
  public String solveKey() {
    return seed + "|" + role.id() + "|p=" + policy.canonical() + "|" + family.canonical() + "|V=" + vocab
        + "|T=" + horizon + "|contexts=" + contexts.id();
  }

  /**
   * The policy and model for messages: {@code gaussian(sigma=1.0) at V=16}, with the horizon and
   * contexts beyond one token.
   */
  public String describePolicy() {
    String s = policy.canonical() + " at V=" + vocab;
    if (horizon != 1 || !contexts.equals(Contexts.ONE)) s += ", horizon " + horizon + ", contexts " + contexts.id();
    return s;
  }
}
