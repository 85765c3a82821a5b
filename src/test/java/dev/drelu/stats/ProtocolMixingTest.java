package dev.drelu.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics take one evaluation protocol at a time: a table mixing them is refused, with where. */
class ProtocolMixingTest {
  private static final String HEADER = "architecture,method,metric,accuracy,protocol\n";

  @Test
  void aTableOfOneProtocolIsRead() {
    AccuracyTable t = AccuracyCsv.parse(HEADER + "dense,at,pgd,0.5,sound\ndense,drelu,pgd,0.4,sound\n"
        + "cnn,at,pgd,0.6,sound\ncnn,drelu,pgd,0.3,sound\n", "one.csv");
    assertEquals(4, t.rows().size());
    assertEquals(List.of("at", "drelu"), t.methods());
  }

  @Test
  void faithfulAndSoundRowsInOneTableAreRefused() {
    TableFormatException e = assertThrows(TableFormatException.class, () -> AccuracyCsv.parse(HEADER
        + "dense,at,pgd,0.5,sound\ndense,drelu,pgd,0.4,sound\ncnn,at,pgd,0.9,paper\ncnn,drelu,pgd,0.95,paper\n",
        "mixed.csv"));
    assertEquals(1, e.problems().size(), e.problems().toString());
    String message = e.problems().get(0);
    assertTrue(message.startsWith("mixed.csv: the table mixes evaluation protocols (sound from line 2, paper from"
        + " line 4)"), message);
    assertTrue(message.contains("one protocol at a time"), message);
  }
}
