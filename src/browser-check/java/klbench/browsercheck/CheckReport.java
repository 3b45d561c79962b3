package klbench.browsercheck;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code submit/check-report [REPORT_DIR] [--screenshots DIR]}: opens a klbench report ({@code
 * REPORT_DIR/index.html}, default {@code results/report}) from disk in headless Chromium and checks
 * what a reader does with it: the page loads with no error in the console, every chart draws
 * (an SVG with its points), hovering a known point shows its estimator, hiding a series from the
 * legend removes it, a filter changes the points drawn, and no request leaves the folder (every
 * URL the page or the browser's network log names is a {@code file://} URL inside it). A report
 * with responses of more than one token has charts against the horizon too: they draw, a point at
 * the longest horizon hovers to its estimator, context count and discount, and the contexts and
 * discount filters change the points they draw. Prints one line per check; exit status 0 when all
 * pass, 1 when one fails, 2 on bad arguments.
 *
 * <p>The browser and driver are Debian's {@code chromium} and {@code chromium-driver} ({@code
 * /usr/bin/chromium}, {@code /usr/bin/chromedriver}; {@code KLBENCH_CHROMIUM} and {@code
 * KLBENCH_CHROMEDRIVER} override), started with a fresh profile and without any background
 * networking, which a closed network would refuse anyway.
 */
public final class CheckReport {
  private final Path dir;
  private final Path screenshots;
  private final List<String> failures = new ArrayList<>();
  private WebDriver driver;
  private JavascriptExecutor js;

  private CheckReport(Path dir, Path screenshots) {
    this.dir = dir;
    this.screenshots = screenshots;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("results/report");
    Path shots = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--screenshots") && i + 1 < args.length) {
        shots = Path.of(args[++i]);
      } else if (args[i].startsWith("-")) {
        System.err.println("check-report: unknown option " + args[i] + " (usage: check-report [REPORT_DIR] [--screenshots DIR])");
        System.exit(2);
      } else {
        dir = Path.of(args[i]);
      }
    }
    if (!Files.isRegularFile(dir.resolve("index.html"))) {
      System.err.println("check-report: " + dir + ": no index.html (write one with `submit/klbench report --out OUT`, then check OUT/report)");
      System.exit(2);
    }
    System.exit(new CheckReport(dir.toAbsolutePath().normalize(), shots).run());
  }

  private int run() throws Exception {
    Path profile = Files.createTempDirectory("check-report-chromium-");
    try {
      start(profile);
      checks();
    } catch (Exception e) {
      fail("the check itself", e.toString());
    } finally {
      if (driver != null) driver.quit();
      deleteTree(profile);
    }
    System.out.println(failures.isEmpty() ? "check-report: all checks passed: " + dir
        : "check-report: " + failures.size() + " check(s) failed: " + String.join("; ", failures));
    return failures.isEmpty() ? 0 : 1;
  }

  private void start(Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(env("KLBENCH_CHROMIUM", "/usr/bin/chromium"));
    o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1400,1000", "--hide-scrollbars");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(env("KLBENCH_CHROMEDRIVER", "/usr/bin/chromedriver")))
        .build();
    driver = new ChromeDriver(service, o);
    js = (JavascriptExecutor) driver;
  }

  private void checks() throws IOException {
    String url = dir.resolve("index.html").toUri().toString();
    // What the browser did before the page (its own start page) is not the page's.
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.manage().logs().get(LogType.BROWSER);
    driver.get(url);
    boolean ready;
    try {
      new WebDriverWait(driver, Duration.ofSeconds(20))
          .until(d -> Boolean.TRUE.equals(js.executeScript("return !!(window.klbench && window.klbench.ready)")));
      ready = true;
    } catch (RuntimeException e) {
      ready = false;
    }
    long charts = num("return window.klbench ? window.klbench.charts.length : 0");
    check(ready && charts > 0, "the page loads and its script draws the charts",
        charts + " interactive charts on " + url);
    if (screenshots != null) {
      Files.createDirectories(screenshots);
      Files.write(screenshots.resolve("report-top.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
      if (ready) {
        js.executeScript("var s = document.getElementById('gradient'); if (s) window.scrollTo(0, s.offsetTop - 60);");
        Files.write(screenshots.resolve("report-charts.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        if (Boolean.TRUE.equals(js.executeScript("var s = document.getElementById('family-seq_grad_rel_bias');"
            + " if (!s) return false; window.scrollTo(0, s.offsetTop - 60); return true;"))) {
          Files.write(screenshots.resolve("report-sequences.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        }
        js.executeScript("window.scrollTo(0, 0);");
      }
    }
    if (!ready) return;

    console("loading");
    everyChartDraws();
    console("showing every chart");
    hoverShowsTheEstimator();
    console("hovering");
    sequenceCharts();
    console("the sequence charts");
    hidingASeriesRemovesIt();
    console("hiding a series");
    aFilterChangesThePoints();
    console("changing filters");
    noRequestLeavesTheFolder();
    noErrorInTheConsole();
  }

  /** Every chart is an SVG with its points under the default filters; the all-series charts too, once shown. */
  private void everyChartDraws() {
    long shown = 0;
    List<String> empty = new ArrayList<>();
    for (WebElement b : driver.findElements(By.cssSelector("button.show-all"))) {
      scrollTo(b);
      b.click();
      shown++;
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> charts = (List<Map<String, Object>>) js.executeScript(
        "return window.klbench.charts.map(function (c) { var svg = c.el.querySelector('svg');"
            + " var r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};"
            + " return {family: c.family, group: String(c.group), drawn: c.drawn, drawnNow: !!c.chart,"
            + " paths: svg ? svg.querySelectorAll('path').length : 0, w: r.width, h: r.height}; })");
    long points = 0;
    for (Map<String, Object> c : charts) {
      long paths = ((Number) c.get("paths")).longValue();
      long drawn = ((Number) c.get("drawn")).longValue();
      boolean ok = Boolean.TRUE.equals(c.get("drawnNow")) && paths > 0 && drawn > 0
          && ((Number) c.get("w")).doubleValue() > 0 && ((Number) c.get("h")).doubleValue() > 0;
      if (!ok) empty.add(c.get("family") + "/" + c.get("group") + " (" + paths + " SVG paths, " + drawn + " points)");
      points += drawn;
    }
    check(empty.isEmpty() && !charts.isEmpty(), "every chart draws",
        charts.size() + " charts (" + shown + " of them all series of a family, shown by their button), "
            + points + " points drawn" + (empty.isEmpty() ? "" : "; empty: " + String.join(", ", empty)));
    for (WebElement b : driver.findElements(By.cssSelector("button.show-all"))) {
      scrollTo(b);
      b.click();
    }
  }

  /** A known point (the first point of the first drawn series of a gradient chart): the real mouse over it. */
  private void hoverShowsTheEstimator() throws IOException {
    String tip = hover("grad_rel_bias", false, "hovering a known point shows its estimator", List.of(),
        screenshots == null ? null : "report-tooltip.png");
    if (tip == null) fail("hovering a known point shows its estimator", "no chart with a point drawn");
  }

  /**
   * The real mouse over a point of a chart of {@code family} (else of any chart): the first point
   * of its first drawn series, or with {@code last} its last (the longest horizon, the highest KL).
   * The check passes when the tooltip names the series' first estimator, its baseline, the exact
   * value and every one of {@code mustSay}. Returns the tooltip's text, or null when no chart has a
   * point.
   */
  private String hover(String family, boolean last, String what, List<String> mustSay, String screenshot)
      throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) js.executeScript(
        "var family = arguments[0], last = arguments[1];"
            + " var cs = window.klbench.charts.filter(function (c) { return c.chart && c.drawn > 0 && c.el.offsetParent; });"
            + " if (cs.length === 0) return null;"
            + " var pick = cs.filter(function (c) { return c.family === family; })[0] || cs[0];"
            + " var o = pick.chart.getOption(); var si = o.series.findIndex(function (s) { return s.data.length > 0; });"
            + " var d = o.series[si].data[last ? o.series[si].data.length - 1 : 0];"
            + " var px = pick.chart.convertToPixel({seriesIndex: si}, d.value);"
            + " var s = pick.fam.series[d.row[0]];"
            + " return {index: window.klbench.charts.indexOf(pick), x: px[0], y: px[1], w: pick.el.clientWidth,"
            + " h: pick.el.clientHeight, name: s.fullName, estimator: s.estimators[0], family: pick.family,"
            + " group: String(pick.group), at: d.value[0]};", family, last);
    if (p == null) return null;
    WebElement el = chartElement(((Number) p.get("index")).intValue());
    scrollTo(el);
    int dx = (int) Math.round(((Number) p.get("x")).doubleValue() - ((Number) p.get("w")).doubleValue() / 2);
    int dy = (int) Math.round(((Number) p.get("y")).doubleValue() - ((Number) p.get("h")).doubleValue() / 2);
    new Actions(driver).moveToElement(el, dx, dy).perform();
    String tip = "";
    try {
      tip = new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> {
        for (WebElement t : el.findElements(By.cssSelector("div.tip"))) if (t.isDisplayed()) return t.getText();
        return null;
      });
    } catch (RuntimeException e) {
      // no tooltip: reported below
    }
    String estimator = (String) p.get("estimator");
    boolean says = true;
    for (String m : mustSay) says &= tip.contains(m);
    check(tip.contains(estimator) && tip.contains("baseline") && tip.contains("exact") && says, what,
        p.get("family") + "/" + p.get("group") + ", series " + p.get("name") + " at x = " + p.get("at")
            + ": the tooltip says \"" + tip.replace('\n', ' ') + "\"");
    if (screenshot != null) {
      WebElement figure = el.findElement(By.xpath("./ancestor::figure[1]"));
      Files.write(screenshots.resolve(screenshot), figure.getScreenshotAs(OutputType.BYTES));
    }
    new Actions(driver).moveToElement(el, 0, -((Number) p.get("h")).intValue() / 2 + 2).perform();
    return tip;
  }

  /**
   * The charts against the horizon, when the report has them: they draw (with points at more than
   * one horizon), a point at the longest horizon shows its estimator, context count and discount,
   * and the contexts and discount filters change the points they draw.
   */
  private void sequenceCharts() throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> seq = (Map<String, Object>) js.executeScript(
        "var cs = window.klbench.charts.filter(function (c) { return c.fam.xDim === 'horizon' && c.el.offsetParent; });"
            + " var xs = {}; var drawn = 0; var empty = [];"
            + " cs.forEach(function (c) { drawn += c.drawn; if (!c.chart || c.drawn === 0) empty.push(c.family + '/' + c.group);"
            + " if (c.chart) c.chart.getOption().series.forEach(function (s) { s.data.forEach(function (d) { xs[d.value[0]] = 1; }); }); });"
            + " return {charts: cs.length, drawn: drawn, empty: empty.join(', '),"
            + " horizons: Object.keys(xs).map(Number).sort(function (a, b) { return a - b; }).join(', ')};");
    long charts = ((Number) seq.get("charts")).longValue();
    if (charts == 0) {
      System.out.println("--    no charts against the horizon: the results hold single tokens only");
      return;
    }
    String horizons = (String) seq.get("horizons");
    check(((String) seq.get("empty")).isEmpty() && horizons.contains(","), "the sequence charts draw",
        charts + " charts against the horizon, " + seq.get("drawn") + " points at horizons " + horizons
            + (((String) seq.get("empty")).isEmpty() ? "" : "; empty: " + seq.get("empty")));
    hover("seq_grad_rel_bias", true, "hovering a point at the longest horizon shows its estimator",
        List.of("contexts", "γ = "), screenshots == null ? null : "report-sequence-tooltip.png");
    for (String filter : List.of("contexts", "discount")) {
      List<WebElement> selects = driver.findElements(By.cssSelector("select[data-filter='" + filter + "']"));
      if (selects.isEmpty() || !selects.get(0).isDisplayed()) {
        System.out.println("--    no " + filter + " filter: one value in these results");
        continue;
      }
      Select select = new Select(selects.get(0));
      String was = select.getFirstSelectedOption().getText();
      String before = signature("horizon");
      long drawnBefore = drawn("horizon");
      scrollTo(selects.get(0));
      WebElement other = select.getOptions().get(select.getOptions().get(0).isSelected() ? 1 : 0);
      String to = other.getText();
      select.selectByVisibleText(to);
      long drawnAfter = drawn("horizon");
      boolean changed = !before.equals(signature("horizon"));
      check(changed && drawnAfter > 0, "the " + filter + " filter changes the points of the sequence charts",
          was + " → " + to + ": " + drawnBefore + " → " + drawnAfter + " points"
              + (changed ? ", other values" : ", the same points"));
      select.selectByVisibleText(was);
    }
  }

  /** A click on a legend entry hides that series: its line and points go from the SVG. */
  private void hidingASeriesRemovesIt() {
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) js.executeScript(
        "var cs = window.klbench.charts.filter(function (c) { return c.chart && c.el.offsetParent"
            + " && c.chart.getOption().series.filter(function (s) { return s.data.length > 0; }).length > 1; });"
            + " var pick = cs.filter(function (c) { return c.family === 'grad_rel_bias'; })[0] || cs[0];"
            + " var s = pick.chart.getOption().series.filter(function (s) { return s.data.length > 0; })[0];"
            + " return {index: window.klbench.charts.indexOf(pick), name: s.name, color: s.itemStyle.color};");
    if (p == null) {
      fail("hiding a series removes it", "no chart with two series drawn");
      return;
    }
    int index = ((Number) p.get("index")).intValue();
    String name = (String) p.get("name");
    WebElement el = chartElement(index);
    scrollTo(el);
    String count = "var c = window.klbench.charts[" + index + "]; var col = arguments[0];"
        + " return Array.prototype.filter.call(c.el.querySelectorAll('svg path'), function (e) {"
        + " return (e.getAttribute('stroke') || '').toLowerCase() === col || (e.getAttribute('fill') || '').toLowerCase() === col;"
        + " }).length;";
    long before = ((Number) js.executeScript(count, p.get("color"))).longValue();
    WebElement legend = legendEntry(el, name);
    if (legend == null) {
      fail("hiding a series removes it", "no legend entry \"" + name + "\"");
      return;
    }
    new Actions(driver).moveToElement(legend).click().perform();
    long after = ((Number) js.executeScript(count, p.get("color"))).longValue();
    Object state = js.executeScript("return window.klbench.charts[" + index + "].chart.getOption().legend[0].selected[arguments[0]];", name);
    check(Boolean.FALSE.equals(state) && after < before, "hiding a series removes it",
        "clicked \"" + name + "\" in the legend: its SVG shapes " + before + " → " + after);
    // Show it again (the legend was drawn anew: find the entry again).
    WebElement again = legendEntry(el, name);
    if (again != null) new Actions(driver).moveToElement(again).click().perform();
  }

  /** The SVG text of the legend entry {@code name} in a chart, or null. */
  private static WebElement legendEntry(WebElement chart, String name) {
    WebElement found = null;
    for (WebElement t : chart.findElements(By.xpath(".//*[local-name()='text']"))) {
      if (name.equals(t.getText().trim())) found = t;
    }
    return found;
  }

  /** Changing a filter (batch size, then sampling) changes the points the charts draw. */
  private void aFilterChangesThePoints() {
    for (String filter : List.of("batch", "sampling", "kl", "horizon")) {
      List<WebElement> selects = driver.findElements(By.cssSelector("select[data-filter='" + filter + "']"));
      if (selects.isEmpty() || !selects.get(0).isDisplayed()) continue;
      Select select = new Select(selects.get(0));
      List<WebElement> options = select.getOptions();
      if (options.size() < 2) continue;
      if (options.size() == 2 && options.get(0).getAttribute("value").equals("all")) {
        System.out.println("--    the " + filter + " filter has one value: \"" + options.get(0).getText()
            + "\" is the same selection as \"" + options.get(1).getText() + "\"");
        continue;
      }
      String was = select.getFirstSelectedOption().getText();
      long before = drawn();
      String signature = signature();
      scrollTo(selects.get(0));
      WebElement other = options.get(options.get(0).isSelected() ? 1 : 0);
      String to = other.getText();
      select.selectByVisibleText(to);
      long after = drawn();
      boolean changed = !signature.equals(signature());
      check(changed && after > 0, "the " + filter + " filter changes the points drawn",
          was + " → " + to + ": " + before + " → " + after + " points" + (changed ? ", other values" : ", the same points"));
      select.selectByVisibleText(was);
    }
  }

  /**
   * Every URL the page loaded (its performance entries), and every request of the page in the
   * browser's network log (DevTools' Network.requestWillBeSent, since the page was opened), is a
   * file inside the folder. Requests of the browser's own pages (chrome://) are counted apart.
   */
  private void noRequestLeavesTheFolder() {
    String inside = dir.toUri().toString();
    int browsers = 0;
    @SuppressWarnings("unchecked")
    List<String> resources = (List<String>) js.executeScript(
        "return [location.href].concat(performance.getEntriesByType('resource').map(function (e) { return e.name; }));");
    List<String> requests = new ArrayList<>();
    Json json = new Json();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      Map<String, Object> m = json.toType(e.getMessage(), Json.MAP_TYPE);
      @SuppressWarnings("unchecked")
      Map<String, Object> message = (Map<String, Object>) m.get("message");
      if (!"Network.requestWillBeSent".equals(message.get("method"))) continue;
      @SuppressWarnings("unchecked")
      Map<String, Object> params = (Map<String, Object>) message.get("params");
      @SuppressWarnings("unchecked")
      Map<String, Object> request = (Map<String, Object>) params.get("request");
      String document = String.valueOf(params.get("documentURL"));
      String u = (String) request.get("url");
      if (document.startsWith("chrome://") && u.startsWith("chrome://")) {
        browsers++;
      } else {
        requests.add(u);
      }
    }
    List<String> outside = new ArrayList<>();
    for (String u : concat(resources, requests)) {
      if (!(u.startsWith(inside) || u.startsWith("data:") || u.startsWith("about:"))) outside.add(u);
    }
    check(outside.isEmpty() && !requests.isEmpty(), "no request leaves the folder",
        resources.size() + " URLs in the page's performance entries, " + requests.size()
            + " requests of the page in the network log" + (outside.isEmpty() ? ", all file:// under " : ", folder ") + inside
            + (browsers == 0 ? "" : " (and " + browsers + " chrome:// requests of the browser's own pages)")
            + (outside.isEmpty() ? "" : "; outside: " + String.join(", ", outside)));
  }

  /** The console messages since the last call, each with the step during which it came. */
  private final List<String> consoleErrors = new ArrayList<>();
  private int consoleMessages;

  private void console(String step) {
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      consoleMessages++;
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        consoleErrors.add(step + ": " + e.getLevel() + " " + e.getMessage());
      }
    }
  }

  private void noErrorInTheConsole() {
    console("the end");
    check(consoleErrors.isEmpty(), "no JavaScript error or warning in the console",
        consoleMessages + " console messages" + (consoleErrors.isEmpty() ? "" : ": " + String.join(" | ", consoleErrors)));
  }

  private long drawn() {
    return drawn(null);
  }

  /** The points drawn by the charts whose x axis is {@code xDim} (every chart when it is null). */
  private long drawn(String xDim) {
    return num("var x = arguments[0]; return window.klbench.charts.reduce(function (n, c) {"
        + " return n + (c.chart && (x === null || c.fam.xDim === x) ? c.drawn : 0); }, 0)", xDim);
  }

  private String signature() {
    return signature(null);
  }

  /**
   * The drawn points' coordinates of the charts whose x axis is {@code xDim} (all charts when it is
   * null): tells two selections apart even when they draw as many points.
   */
  private String signature(String xDim) {
    return String.valueOf(js.executeScript("var x = arguments[0]; return JSON.stringify(window.klbench.charts.filter(function (c) {"
        + " return c.chart && (x === null || c.fam.xDim === x); }).map(function (c) { return c.chart.getOption().series.map(function (s) {"
        + " return s.data.map(function (d) { return d.value; }); }); }))", xDim));
  }

  private WebElement chartElement(int index) {
    return (WebElement) js.executeScript("return window.klbench.charts[" + index + "].el;");
  }

  private void scrollTo(WebElement e) {
    js.executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
  }

  private long num(String script, Object... args) {
    Object v = js.executeScript(script, args);
    return v == null ? 0 : ((Number) v).longValue();
  }

  private void check(boolean ok, String what, String detail) {
    System.out.println((ok ? "ok    " : "FAIL  ") + what + ": " + detail);
    if (!ok) failures.add(what);
  }

  private void fail(String what, String detail) {
    check(false, what, detail);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) x.toFile().delete();
    }
  }
}
