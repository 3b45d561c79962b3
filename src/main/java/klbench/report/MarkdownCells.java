package klbench.report;

import java.util.Locale;
import klbench.report.data.Labels;
import klbench.report.page.Html;

/** How the README's tables (the seed table, the sequence table) write a number in a cell. */
final class MarkdownCells {
  /** Below this a relative quantity is zero to rounding ({@link Labels#ZERO_TO_ROUNDING}). */
  static final double ZERO = Labels.ZERO_TO_ROUNDING;

  private MarkdownCells() {}

  /** The number, "0 (<1e-9)" when it is zero to rounding, "–" when there is none. */
  static String cell(Double v) {
    if (v == null || v.isNaN()) return "–";
    double a = Math.abs(v);
    if (a != 0 && a < ZERO) return "0 (<1e-9)";
    return Html.num(v);
  }

  /** "lo – hi", or one number when both print the same, or "none". */
  static String range(Double lo, Double hi) {
    if (lo == null || hi == null) return "none";
    String a = String.format(Locale.ROOT, "%.6f", lo);
    String b = String.format(Locale.ROOT, "%.6f", hi);
    return a.equals(b) ? Html.num(lo) : Html.num(lo) + " – " + Html.num(hi);
  }
}
