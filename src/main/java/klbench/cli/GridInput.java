package klbench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import klbench.grid.Grid;
import klbench.grid.GridFile;
import klbench.input.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/** Reads the grid file a command names, from the local disk or any Hadoop file system. */
final class GridInput {
  private GridInput() {}

  static Grid load(String location, Configuration hadoop) {
    if (Locations.isLocal(location)) {
      return GridFile.load(Path.of(new org.apache.hadoop.fs.Path(location).toUri().getPath()));
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    byte[] bytes;
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      try (InputStream in = fs.open(path)) {
        bytes = in.readAllBytes();
      }
    } catch (java.io.FileNotFoundException e) {
      throw new BadInputException(location, null, "grid file not found");
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(location, null, "cannot read the grid file: " + Main.oneLine(String.valueOf(e.getMessage())));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException(location, null, "is not UTF-8 text");
    }
    return GridFile.parse(text, Path.of(location));
  }
}
