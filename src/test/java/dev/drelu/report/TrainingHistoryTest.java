package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.stats.TableFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingHistoryTest {
  @TempDir Path dir;

  @Test
  void readsATrainedModelsHistory() throws Exception {
    TrainingHistory h = TrainingHistory.read("d", QuickstartFixture.DIR.resolve("history-dense-drelu-quick-s1.csv"));
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), h.epochs());
    assertEquals(1.101839073933661, h.columns().get("cap_mean").get(0), 0.0);
    assertTrue(h.has("val_accuracy"));
    TrainingHistory relu = TrainingHistory.read("r", QuickstartFixture.DIR.resolve("history-dense-relu-s1.csv"));
    assertFalse(relu.has("cap_mean"));
  }

  @Test
  void badValuesAreNamedWithFileAndLine() throws Exception {
    Path f = dir.resolve("history.csv");
    Files.writeString(f, "epoch,train_loss\n1,0.5\nx,0.4\n3,abc\n");
    var e = assertThrows(TableFormatException.class, () -> TrainingHistory.read("m", f));
    assertEquals(List.of(f + ":3: epoch must be an integer, but was: x", f + ":4: train_loss must be a number, but was: abc"),
        e.problems());
    Files.writeString(f, "loss\n1\n");
    assertTrue(assertThrows(TableFormatException.class, () -> TrainingHistory.read("m", f)).getMessage()
        .contains(":1: header must start with the column epoch"));
  }
}
