package dev.drelu.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.Protocol;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The paper-protocol presets differ from their sound counterparts (the same attack list,
 * implemented soundly) exactly at the settings labelled {@code # deviation:}, setting by setting:
 * an unlabelled difference, or a label on a setting that does not differ, fails.
 */
class PresetDeviationsTest {
  @ParameterizedTest
  @CsvSource({"params/attacks/paper-protocol, params/attacks/paper-mnist",
      "params/attacks/paper-protocol-cifar, params/attacks/paper-cifar"})
  void theFaithfulPresetDiffersFromTheSoundOneExactlyWhereLabelled(String faithfulFolder, String soundFolder)
      throws Exception {
    AttackPreset faithful = AttackPreset.load(Path.of(faithfulFolder));
    AttackPreset sound = AttackPreset.load(Path.of(soundFolder));
    assertEquals(Protocol.PAPER, faithful.protocol());
    assertEquals(Protocol.SOUND, sound.protocol());
    for (AttackParams f : faithful.attacks()) {
      AttackParams s = sound.attack(f.name()).orElseThrow(() -> new AssertionError(soundFolder + " has no "
          + f.name() + " to compare " + faithfulFolder + "'s with"));
      assertEquals(differing(f.keyContent(), s.keyContent()), faithful.deviations().get(f.name()),
          f.name() + ": the settings that differ from the sound preset are not the ones labelled");
      assertTrue(sound.deviations().get(f.name()).isEmpty(), "the sound preset labels no deviation");
    }
    // the evaluation setting: a tenth of the test split, labelled; the sound preset attacks all of it
    assertEquals(0.1, faithful.testFraction());
    assertEquals(1.0, sound.testFraction());
    assertEquals(Set.of("test-fraction"), faithful.deviations().get(AttackPreset.EVALUATION));
  }

  @ParameterizedTest
  @CsvSource({"params/attacks/paper-protocol", "params/attacks/paper-protocol-cifar"})
  void everyFaithfulAttackSeesTheSoftmaxOutput(String folder) throws Exception {
    for (AttackParams a : AttackPreset.load(Path.of(folder)).attacks()) {
      assertEquals("softmax", a.keyContent().get("model-output"), a.name());
    }
  }

  @ParameterizedTest
  @CsvSource({"params/attacks/standard-mnist", "params/attacks/standard-cifar"})
  void theSoundPresetsAttackLogitsAndLabelNothing(String folder) throws Exception {
    AttackPreset p = AttackPreset.load(Path.of(folder));
    for (AttackParams a : p.attacks()) {
      assertFalse(a.keyContent().containsKey("model-output"), a.name());
      assertTrue(p.deviations().get(a.name()).isEmpty(), a.name());
    }
  }

  private static Set<String> differing(Map<String, Object> a, Map<String, Object> b) {
    Set<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    keys.removeIf(k -> Objects.equals(a.get(k), b.get(k)));
    return keys;
  }
}
