package klbench.distributions;

import java.nio.file.Path;

/**
 * Where the data files a family names are read from, and where their contents go.
 *
 * @param folder what relative paths start from (the grid file's folder)
 * @param contents collects every column read, keyed by content, for {@link FileVectors}
 */
public record FileSource(Path folder, FileVectors.Builder contents) {}
