package klbench.distributions;

import java.util.Locale;

/**
 * The three places a family can fill in a triple: the policy p being trained, the reference q of
 * KL(p‖q), the behaviour μ that samples tokens. Each family declares the roles it may take ({@link
 * Family#roles()}).
 */
public enum Role {
  POLICY, REFERENCE, BEHAVIOUR;

  /** policy, reference, behaviour: as in messages and in the names of random streams. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
