package klbench.report.page;

import klbench.core.Consistency;
import klbench.report.data.Labels;

/** "How to read this": what each quantity on the page means. */
final class HowToReadSection {
  private HowToReadSection() {}

  /** {@code sequences}: the results hold responses of more than one token, which get a paragraph of their own. */
  static String html(boolean sequences) {
    return "<section id=\"how\"><h2>How to read this</h2><ul>\n"
        + "<li><b>Target.</b> A KL penalty wants the gradient G = ∇<sub>θ</sub> KL(p‖q) of the reverse KL, "
        + "with p = softmax(θ) the policy and q the reference. Each configuration draws batches of B tokens "
        + "from the behaviour μ (μ = p on-policy, a stale policy off-policy) and forms an estimate ĝ<sub>B</sub>.</li>\n"
        + "<li><b>KL level</b> is the true KL(p‖q) of the configuration in nats; configurations at one level "
        + "(different vocabulary sizes, policies, behaviours) are averaged unless a caption says otherwise.</li>\n"
        + "<li><b>Relative bias</b> ‖E[ĝ<sub>B</sub>] − G‖ / ‖G‖: 0 is unbiased; 1 means the expected gradient "
        + "is as far from G as a zero gradient is (k1/loss on-policy has E[ĝ] = 0 exactly).</li>\n"
        + "<li><b>Relative RMSE</b> √E‖ĝ<sub>B</sub> − G‖² / ‖G‖: the error of one batch's gradient, bias and noise "
        + "together. Its square splits into <b>bias²</b> and <b>variance</b> (the two shares); only the variance "
        + "falls with the batch size (as 1/B).</li>\n"
        + "<li><b>cos G</b>, <b>cos G<sub>fwd</sub></b>: the cosine of E[ĝ<sub>B</sub>] with the reverse-KL gradient G "
        + "and with the forward-KL gradient G<sub>fwd</sub> = ∇KL(q‖p) = p − q. An estimator with cos G<sub>fwd</sub> = 1 "
        + "follows the forward KL. Charts draw 1 − cos on a log scale, so \"closer to the target\" is \"lower\".</li>\n"
        + "<li><b>Value</b> metrics are about the KL number itself, per token: relative bias (E f − KL)/KL and "
        + "relative standard deviation sd(f)/KL.</li>\n"
        + "<li><b>Exact and Monte Carlo.</b> Every metric is computed exactly from the distributions (where the "
        + "estimator's coefficient depends on the token alone) and by simulating R batches, shown as value ± "
        + "standard error. <span class=\"warn\">⚠</span> marks rows where the two disagree by more than "
        + Labels.plain(Consistency.Z_LIMIT) + " "
        + "standard errors (consistent = false). Where only the simulation exists (loo), the relative bias is "
        + "itself estimated: values up to about rel. RMSE / √R are indistinguishable from 0.</li>\n"
        + "<li><b>" + Html.NONE + "</b> means the number does not exist: no cosine of a zero vector (E[ĝ] = 0), no exact value for "
        + "the leave-one-out baseline (loo), no bias share when the error is 0.</li>\n"
        + "<li>Estimator names are those of the grid file: <code>value/rule</code> or a framework preset "
        + "(<span class=\"tag\">preset</span>); a baseline other than none is written after a +.</li>\n"
        + (sequences ? SEQUENCES : "")
        + "</ul></section>\n";
  }

  private static final String SEQUENCES = "<li><b>Responses</b> (horizon T &gt; 1): the policy draws T tokens, each from "
      + "a distribution that depends on the tokens before it. G is then G<sub>seq</sub> = ∇KL(P‖Q), the gradient "
      + "of the KL between whole responses; G<sub>pos</sub>, the sum of each position's own gradient on the "
      + "policy's contexts, is what a per-token term that sees no future token can follow; G<sub>fwd</sub> is "
      + "G<sub>seq_fwd</sub> = ∇KL(Q‖P). The <b>future share</b> ‖G<sub>seq</sub> − G<sub>pos</sub>‖ / "
      + "‖G<sub>seq</sub>‖ is the part of G<sub>seq</sub> that flows through the tokens after a position. "
      + "<b>contexts</b> is how many pasts a position tells apart (1: the future does not depend on the present; "
      + "tree: every prefix is its own context); <b>γ</b> discounts future values in the reward rules. The KL "
      + "level is KL(P‖Q) / T, the mean KL per position; the value metrics are about the response's summed "
      + "estimate against KL(P‖Q). Horizon 1 is the single-token case.</li>\n";
}
