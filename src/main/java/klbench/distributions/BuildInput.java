package klbench.distributions;

/**
 * What a family builds its log-probabilities from, in one role.
 *
 * @param vocabSize V
 * @param policy the policy's family, which a family defined relative to p names in its messages
 * @param logP log p, or null when the policy itself is being built
 * @param draws the stream of the family's own draws (a gaussian's logits)
 * @param direction the stream of the direction ε of a family defined along a path from p
 *     (perturb, target_kl); null for the policy
 * @param files the contents of the grid's file families
 */
public record BuildInput(
    Role role, int vocabSize, FamilySpec policy, double[] logP, StreamId draws, StreamId direction, FileVectors files) {}
