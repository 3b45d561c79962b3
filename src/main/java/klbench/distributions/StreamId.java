package klbench.distributions;

import java.io.Serializable;
import klbench.core.Streams;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * One random stream a family draws from: the grid seed and a text saying what the draws mean
 * ({@link Streams#derive}, sub-stream 0). Families take their streams as input ({@link BuildInput})
 * rather than naming them, so that whoever builds a triple (or, later, one row of a sequence model)
 * decides which stream each draw comes from; {@link Distributions#input} names those of a
 * single-token triple.
 */
public record StreamId(long seed, String key) implements Serializable {

  public UniformRandomProvider open() {
    return Streams.derive(seed, key, 0);
  }

  /** The first {@code n} draws of N(0, 1) from this stream (Ziggurat). */
  public double[] standardNormals(int n) {
    ZigguratSampler.NormalizedGaussian z = ZigguratSampler.NormalizedGaussian.of(open());
    double[] out = new double[n];
    for (int j = 0; j < n; j++) out[j] = z.sample();
    return out;
  }
}
