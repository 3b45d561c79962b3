package klbench.distributions;

import java.io.Serializable;
import klbench.core.Contexts;

/**
 * The horizon and contexts of a model of responses (SEQUENCES.md, "Setting"), as a long-form file
 * fixes them.
 */
public record SequenceShape(int horizon, Contexts contexts) implements Serializable {

  /** For messages: {@code horizon 3, contexts tree}. */
  public String describe() {
    return "horizon " + horizon + ", contexts " + contexts.id();
  }
}
