package klbench.distributions;

/**
 * Why a family's parameters cannot be met on a given policy ({@link Family#problemOn}).
 *
 * @param key the parameter at fault, e.g. {@code kl}
 * @param problem what is wrong, as the rest of an input error
 */
public record ParameterProblem(String key, String problem) {}
