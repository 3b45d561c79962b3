package klbench.report.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The files the page needs besides its data, copied from the classpath next to {@code index.html}:
 * ECharts ({@code echarts.min.js}, from the WebJar {@code org.webjars.npm:echarts}, with its
 * licence and notice), the page's script {@code report.js} and its style sheet ({@code report.css},
 * inlined into the page).
 */
final class Assets {
  private Assets() {}

  /** The script files, in the order the page loads them before its data ({@code echarts.min.js}). */
  static final String ECHARTS = "echarts.min.js";
  /** The page's own script, loaded after the data. */
  static final String SCRIPT = "report.js";

  /** Copies ECharts, its licence and notice, and report.js into {@code dir}. */
  static void copy(Path dir) throws IOException {
    String webjar = "/META-INF/resources/webjars/echarts/" + echartsVersion() + "/";
    copy(webjar + "dist/echarts.min.js", dir.resolve(ECHARTS));
    copy(webjar + "LICENSE", dir.resolve("echarts-LICENSE.txt"));
    copy(webjar + "NOTICE", dir.resolve("echarts-NOTICE.txt"));
    Files.writeString(dir.resolve(SCRIPT), text("report.js"), StandardCharsets.UTF_8);
  }

  /** The version of the ECharts WebJar on the classpath (the pom's). */
  static String echartsVersion() {
    Properties p = new Properties();
    try (InputStream in = Assets.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
      if (in == null) throw new IllegalStateException("the ECharts WebJar (org.webjars.npm:echarts) is not on the classpath");
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  /** A text resource beside this class. */
  static String text(String name) {
    try (InputStream in = Assets.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("resource " + name + " missing beside " + Assets.class.getName());
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = Assets.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("resource " + resource + " missing from the classpath");
      Files.copy(in, to);
    }
  }
}
