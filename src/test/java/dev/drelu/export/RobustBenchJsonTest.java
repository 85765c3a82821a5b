package dev.drelu.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.drelu.attack.Norm;
import dev.drelu.attack.ThreatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RobustBench record: every field RobustBench's model records carry, with their JSON types
 * (read back with Jackson), numbers formatted as theirs, {@code unreliable} following drelu's
 * masking verdict, and drelu's provenance beside them.
 */
class RobustBenchJsonTest {
  /**
   * The fields of RobustBench's model records and their JSON types, as in
   * RobustBench/robustbench {@code model_info/cifar10/Linf/*.json} (e.g. Rice2020Overfitting.json,
   * Xiao2020Enhancing.json): accuracies and eps are strings there.
   */
  private static final Map<String, JsonNodeType> ROBUSTBENCH_FIELDS = robustBenchFields();

  private static Map<String, JsonNodeType> robustBenchFields() {
    Map<String, JsonNodeType> f = new LinkedHashMap<>();
    f.put("link", JsonNodeType.STRING);
    f.put("name", JsonNodeType.STRING);
    f.put("authors", JsonNodeType.STRING);
    f.put("additional_data", JsonNodeType.BOOLEAN);
    f.put("number_forward_passes", JsonNodeType.NUMBER);
    f.put("dataset", JsonNodeType.STRING);
    f.put("venue", JsonNodeType.STRING);
    f.put("architecture", JsonNodeType.STRING);
    f.put("eps", JsonNodeType.STRING);
    f.put("clean_acc", JsonNodeType.STRING);
    f.put("reported", JsonNodeType.STRING);
    f.put("autoattack_acc", JsonNodeType.STRING);
    f.put("footnote", JsonNodeType.STRING);
    f.put("unreliable", JsonNodeType.BOOLEAN);
    return f;
  }

  private static RobustBenchEntry.Provenance provenance() {
    return new RobustBenchEntry.Provenance(List.of("apgd-ce", "apgd-t", "square"), 1000, "stratified by class, seed 0",
        "sound", "3f2c1ab", "a".repeat(64), List.of("b".repeat(64), "c".repeat(64)), "d".repeat(64));
  }

  private static RobustBenchEntry entry(ThreatModel threat, boolean masking, Double reported) {
    return new RobustBenchEntry("shallow-cnn-drelu s1", "https://doi.org/10.3390/math12223551",
        "Korn Sooksatra, Pablo Rivas", "Mathematics 2024", "mnist", "shallow-cnn/drelu", false, threat, 0.9912, 0.8534,
        reported, masking, masking ? "straight-through PGD beats PGD by 12.0 points" : "", provenance());
  }

  private static JsonNode written(RobustBenchEntry e, Path dir) throws Exception {
    Path file = dir.resolve("model.json");
    RobustBenchJson.write(e, file);
    return new ObjectMapper().readTree(Files.readString(file));
  }

  @Test
  void theJsonHasEveryRobustBenchFieldWithItsType(@TempDir Path dir) throws Exception {
    JsonNode json = written(entry(new ThreatModel(Norm.LINF, 8 / 255.0), false, 0.97), dir);
    List<String> wrong = new ArrayList<>();
    ROBUSTBENCH_FIELDS.forEach((field, type) -> {
      JsonNode v = json.get(field);
      if (v == null || v.getNodeType() != type) {
        wrong.add(field + " is " + (v == null ? "missing" : v.getNodeType()) + ", RobustBench has " + type);
      }
    });
    assertEquals(List.of(), wrong);
    assertTrue(json.get("number_forward_passes").isIntegralNumber());
    List<String> order = new ArrayList<>();
    json.fieldNames().forEachRemaining(order::add);
    assertEquals(List.copyOf(ROBUSTBENCH_FIELDS.keySet()), order.subList(0, ROBUSTBENCH_FIELDS.size()),
        "RobustBench's fields first, in their order");
  }

  @Test
  void numbersAreWrittenAsRobustBenchWritesThem(@TempDir Path dir) throws Exception {
    JsonNode json = written(entry(new ThreatModel(Norm.LINF, 8 / 255.0), false, 0.97), dir);
    assertEquals("99.12", json.get("clean_acc").asText());
    assertEquals("85.34", json.get("autoattack_acc").asText());
    assertEquals("97.00", json.get("reported").asText());
    assertEquals("8/255", json.get("eps").asText());
    assertEquals("Linf", json.get("threat_model").asText());
    assertEquals(1, json.get("number_forward_passes").asInt());
    // what RobustBench's own reader does with the strings (float(x) / 100)
    assertEquals(0.8534, Double.parseDouble(json.get("autoattack_acc").asText()) / 100, 1e-12);

    assertEquals("0.1", RobustBenchJson.eps(new ThreatModel(Norm.LINF, 0.1)), "MNIST's radius is no 8-bit level");
    assertEquals("0.5", RobustBenchJson.eps(new ThreatModel(Norm.L2, 0.5)));
    assertEquals("2", RobustBenchJson.eps(new ThreatModel(Norm.L2, 2)));
    assertEquals("N/A", written(entry(new ThreatModel(Norm.L2, 2), false, null), dir).get("reported").asText(),
        "a paper that printed nothing for this threat model");
  }

  @Test
  void unreliableFollowsTheMaskingVerdictAndTheFootnoteSaysWhy(@TempDir Path dir) throws Exception {
    JsonNode trusted = written(entry(new ThreatModel(Norm.LINF, 0.1), false, null), dir);
    assertFalse(trusted.get("unreliable").asBoolean());
    assertFalse(trusted.get("footnote").asText().contains("masking"), trusted.get("footnote").asText());

    JsonNode masked = written(entry(new ThreatModel(Norm.LINF, 0.1), true, null), dir);
    assertTrue(masked.get("unreliable").asBoolean());
    assertTrue(masked.get("footnote").asText().endsWith("Gradient masking suspected (straight-through PGD beats PGD"
        + " by 12.0 points): the robust accuracy is an upper bound."), masked.get("footnote").asText());
    assertTrue(masked.get("drelu").get("masking_suspected").asBoolean());
  }

  @Test
  void theProvenanceNamesAttacksExamplesSamplingCodeAndStoreKeys(@TempDir Path dir) throws Exception {
    JsonNode d = written(entry(new ThreatModel(Norm.L2, 1.5), false, null), dir).get("drelu");
    assertEquals("l2", d.get("norm").asText());
    assertEquals(1.5, d.get("epsilon").asDouble());
    assertEquals(0.8534, d.get("robust_accuracy").asDouble(), "the unrounded number");
    assertEquals("[\"apgd-ce\",\"apgd-t\",\"square\"]", d.get("attacks").toString());
    assertEquals(1000, d.get("examples").asInt());
    assertEquals("stratified by class, seed 0", d.get("sampling").asText());
    assertEquals("sound", d.get("protocol").asText());
    assertEquals("3f2c1ab", d.get("code_version").asText());
    assertEquals("a".repeat(64), d.get("store_keys").get("model").asText());
    assertEquals(2, d.get("store_keys").get("attacks").size());
    assertEquals("d".repeat(64), d.get("store_keys").get("diagnose").asText());
  }

  @Test
  void theSameEntryGivesTheSameText() {
    RobustBenchEntry e = entry(new ThreatModel(Norm.LINF, 0.3), true, 0.5);
    assertEquals(RobustBenchJson.text(e), RobustBenchJson.text(entry(new ThreatModel(Norm.LINF, 0.3), true, 0.5)));
  }

  @Test
  void badValuesAreRefusedWithTheFieldNamed() {
    IllegalArgumentException percent = assertThrows(IllegalArgumentException.class, () -> new RobustBenchEntry("m", "",
        "", "", "mnist", "dense/relu", false, new ThreatModel(Norm.LINF, 0.1), 99.1, 0.5, null, false, "", provenance()));
    assertEquals("robustbench entry: clean accuracy must be in [0, 1], but was: 99.1; give a fraction, not a"
        + " percentage", percent.getMessage());
    IllegalArgumentException evidence = assertThrows(IllegalArgumentException.class, () -> new RobustBenchEntry("m",
        "", "", "", "mnist", "dense/relu", false, new ThreatModel(Norm.LINF, 0.1), 0.9, 0.5, null, true, " ",
        provenance()));
    assertEquals("robustbench entry: masking is suspected, so its evidence must be given", evidence.getMessage());
    IllegalArgumentException noAttack = assertThrows(IllegalArgumentException.class,
        () -> new RobustBenchEntry.Provenance(List.of(), 10, "all", "sound", "v", "k", List.of(), null));
    assertEquals("robustbench entry: provenance must name at least one attack", noAttack.getMessage());
  }
}
