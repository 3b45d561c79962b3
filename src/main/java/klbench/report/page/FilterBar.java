package klbench.report.page;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import klbench.report.charts.Plot;
import klbench.report.data.Labels;

/**
 * The filters of the interactive charts: KL level, sampling, batch size and horizon, with the
 * values the charts' points have, and when the page has charts against the horizon, their context
 * count and discount. A filter with one value only (the horizon of token-level results) is hidden.
 * The page's script ({@code report.js}) reads them.
 */
final class FilterBar {
  private FilterBar() {}

  static String html(Map<String, TreeSet<String>> values, boolean anyOnPolicy) {
    StringBuilder b = new StringBuilder("<div class=\"filters\" id=\"filters\"><b>Charts:</b>\n");
    b.append(select("kl", "KL level", true, numeric(values.get("kl")), v -> Html.kl(Double.parseDouble(v)),
        "all levels", null));
    List<String> sampling = new ArrayList<>(values.getOrDefault("sampling", new TreeSet<>()).descendingSet());
    b.append(select("sampling", "sampling", sampling.size() > 1, sampling,
        v -> v.equals("on") ? "on-policy" : "off-policy", null, anyOnPolicy ? "on" : "off"));
    b.append(select("batch", "batch size B", true, numeric(values.get("batch")), v -> v, "all (mean)", null));
    List<String> horizons = numeric(values.get("horizon"));
    b.append(select("horizon", "horizon", horizons.size() > 1, horizons, v -> v, null, null));
    // The sequence charts' own filters: the most future-dependent context count (its effects are
    // the largest) and the undiscounted targets' own γ = 1 first.
    if (values.containsKey("contexts")) {
      List<String> contexts = Labels.contextsOrder(List.copyOf(values.get("contexts")));
      b.append(select("contexts", "contexts", contexts.size() > 1, contexts,
          v -> v.equals("tree") ? "tree" : v, null, contexts.get(contexts.size() - 1)));
    }
    if (values.containsKey("discount")) {
      List<String> discounts = numeric(values.get("discount"));
      java.util.Collections.reverse(discounts);
      b.append(select("discount", "discount γ", discounts.size() > 1, discounts,
          v -> Labels.plain(Double.parseDouble(v)), null, null));
    }
    b.append("<span class=\"hint\">Hover a point for its numbers; click a legend entry to hide it, a line to show it "
        + "alone (\"all\" brings the rest back); scroll or drag a box (toolbox) to zoom.</span></div>\n");
    return b.toString();
  }

  private static List<String> numeric(TreeSet<String> v) {
    List<String> out = new ArrayList<>(v == null ? List.of() : v);
    out.sort(Comparator.comparingDouble(Double::parseDouble));
    return out;
  }

  /** A select of {@code values}, after an option {@value Plot#ALL} named {@code allLabel} when it is not null. */
  private static String select(String filter, String label, boolean shown, List<String> values,
      java.util.function.Function<String, String> name, String allLabel, String chosen) {
    StringBuilder b = new StringBuilder("<label").append(shown ? "" : " hidden").append(">").append(Html.esc(label))
        .append(" <select data-filter=\"").append(filter).append("\">");
    if (allLabel != null) b.append("<option value=\"").append(Plot.ALL).append("\" selected>").append(Html.esc(allLabel))
        .append("</option>");
    for (String v : values) {
      b.append("<option value=\"").append(Html.esc(v)).append("\"").append(v.equals(chosen) ? " selected" : "")
          .append(">").append(Html.esc(name.apply(v))).append("</option>");
    }
    return b.append("</select></label>\n").toString();
  }
}
