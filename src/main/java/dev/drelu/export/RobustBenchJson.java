package dev.drelu.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.drelu.attack.Norm;
import dev.drelu.attack.ThreatModel;
import dev.drelu.store.DurableFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link RobustBenchEntry} as RobustBench's model records do: the same field names, in
 * their order, with their JSON types (accuracies and eps are strings, as in the files under
 * {@code model_info/}: {@code "clean_acc": "85.34"}, {@code "eps": "8/255"}), then drelu's own
 * fields, which RobustBench's readers ignore: {@code threat_model} and a {@code drelu} object with
 * the evaluation's provenance.
 */
public final class RobustBenchJson {
  /** drelu's networks are deterministic at evaluation (dropout off): one forward pass per prediction. */
  static final int FORWARD_PASSES = 1;

  /** What {@code reported} says when the paper printed no number for the threat model. */
  static final String NOT_REPORTED = "N/A";

  /** Two-space indents and {@code "key": value}, as Python's json.dumps(indent=2) writes RobustBench's files. */
  private static final ObjectWriter JSON = new ObjectMapper().writer(new DefaultPrettyPrinter()
      .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private RobustBenchJson() {}

  /** Writes the entry to {@code file}, whole or not at all. */
  public static void write(RobustBenchEntry entry, Path file) throws IOException {
    DurableFiles.replace(file, text(entry).getBytes(StandardCharsets.UTF_8));
  }

  /** @return the entry's JSON text, two-space indented, ending in a newline */
  public static String text(RobustBenchEntry entry) {
    try {
      return JSON.writeValueAsString(fields(entry)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings, numbers and lists always serialise: " + e.getMessage(), e);
    }
  }

  /** @return the fields in the order RobustBench's model records list them, then drelu's */
  static Map<String, Object> fields(RobustBenchEntry e) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("link", e.link());
    f.put("name", e.name());
    f.put("authors", e.authors());
    f.put("additional_data", e.additionalData());
    f.put("number_forward_passes", FORWARD_PASSES);
    f.put("dataset", e.dataset());
    f.put("venue", e.venue());
    f.put("architecture", e.architecture());
    f.put("eps", eps(e.threatModel()));
    f.put("clean_acc", percent(e.cleanAccuracy()));
    f.put("reported", e.reportedAccuracy() == null ? NOT_REPORTED : percent(e.reportedAccuracy()));
    f.put("autoattack_acc", percent(e.robustAccuracy()));
    f.put("footnote", footnote(e));
    f.put("unreliable", e.maskingSuspected());
    f.put("threat_model", e.threatModel().norm() == Norm.LINF ? "Linf" : "L2"); // RobustBench's own names
    f.put("drelu", provenance(e));
    return f;
  }

  private static Map<String, Object> provenance(RobustBenchEntry e) {
    RobustBenchEntry.Provenance p = e.provenance();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("norm", e.threatModel().norm().key());
    d.put("epsilon", e.threatModel().epsilon());
    d.put("clean_accuracy", e.cleanAccuracy());
    d.put("robust_accuracy", e.robustAccuracy());
    d.put("attacks", p.attacks());
    d.put("examples", p.examples());
    d.put("sampling", p.sampling());
    d.put("protocol", p.protocol());
    d.put("masking_suspected", e.maskingSuspected());
    d.put("masking_evidence", e.maskingEvidence());
    d.put("code_version", p.codeVersion());
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("model", p.modelKey());
    keys.put("attacks", p.attackKeys());
    keys.put("diagnose", p.diagnoseKey());
    d.put("store_keys", keys);
    return d;
  }

  /**
   * @return how the number was obtained, in a sentence, and, when the masking checks fired, a
   *     warning that the robust accuracy is only an upper bound
   */
  static String footnote(RobustBenchEntry e) {
    RobustBenchEntry.Provenance p = e.provenance();
    String how = "Evaluated by drelu " + p.codeVersion() + " (" + p.protocol() + " protocol): worst case per example"
        + " over " + String.join(", ", p.attacks()) + " on " + p.examples() + " test examples (" + p.sampling() + ").";
    return e.maskingSuspected()
        ? how + " Gradient masking suspected (" + e.maskingEvidence() + "): the robust accuracy is an upper bound."
        : how;
  }

  /** @return "8/255" for a Linf radius that is a whole number of 8-bit grey levels, else the plain decimal */
  static String eps(ThreatModel t) {
    double levels = t.epsilon() * 255;
    long whole = Math.round(levels);
    if (t.norm() == Norm.LINF && whole > 0 && Math.abs(levels - whole) < 1e-6) {
      return whole + "/255";
    }
    return new BigDecimal(Double.toString(t.epsilon())).stripTrailingZeros().toPlainString();
  }

  /** @return a fraction as RobustBench's percentage string, two decimals: 0.8534 -> "85.34" */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f", fraction * 100);
  }
}
