package klbench.report.page;

import java.util.Locale;

/** Small text helpers for the report: HTML escaping and number formatting. */
public final class Html {
  private Html() {}

  /** Shown wherever a value does not exist (null): never "null" or "NaN" on the page. */
  public static final String NONE = "—";

  public static String esc(String s) {
    if (s == null) return NONE;
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Three significant digits; scientific notation below 1e-3 and from 1e5 on; {@link #NONE} for
   * null or NaN.
   */
  public static String num(Double v) {
    if (v == null || v.isNaN()) return NONE;
    double x = v;
    if (x == 0) return "0";
    if (Double.isInfinite(x)) return x > 0 ? "∞" : "−∞";
    double a = Math.abs(x);
    String s;
    if (a < 1e-3 || a >= 1e5) {
      s = String.format(Locale.ROOT, "%.2e", x);
    } else {
      s = String.format(Locale.ROOT, "%.3g", x);
      // %.3g may still print 1.00e-03-like forms near the edges; keep plain decimals otherwise.
    }
    return s.replace('-', '−');
  }

  /** {@link #num} followed by " ± se" when the standard error exists. */
  public static String pm(Double v, Double se) {
    if (v == null || v.isNaN()) return NONE;
    return se == null || se.isNaN() ? num(v) : num(v) + " ± " + num(se);
  }

  /** A share in [0, 1] as a whole percentage, e.g. "97%". */
  public static String pct(Double share) {
    if (share == null || share.isNaN()) return NONE;
    double p = 100 * share;
    if (p > 0 && p < 1) return "<1%";
    if (p < 100 && p > 99) return ">99%";
    return String.format(Locale.ROOT, "%.0f%%", p);
  }

  /** A KL level as written in headings and legends: 0.001, 0.1, 1, 2.5e-05. */
  public static String kl(double kl) {
    if (kl == 0) return "0";
    double a = Math.abs(kl);
    if (a >= 1e-3 && a < 1e4) {
      String s = String.format(Locale.ROOT, "%.3g", kl);
      if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      return s;
    }
    return String.format(Locale.ROOT, "%.2g", kl);
  }
}
