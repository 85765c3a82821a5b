package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.report.TrainingHistory;
import dev.drelu.train.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history.csv a training writes, as the report reads it back. */
class HistoryCsvTest {
  @TempDir Path dir;

  // the second epoch lost its caps: the columns stay those of the first epoch, the values NaN
  static final List<EpochMetrics> HISTORY = List.of(
      new EpochMetrics(1, 0.5, 0.4, 0.8, 0.6, 0.55, 0.75, 0.1, 1e-3, 1.1, 0.9, 1.3, Double.NaN, 2.5),
      new EpochMetrics(2, 0.25, 0.2, 0.9, 0.3, 0.28, 0.85, 0.05, 1e-4, Double.NaN, 0.8, 1.2, Double.NaN, 2.25));

  @Test
  void oneLinePerEpochInTheColumnsOfTheFirst() {
    assertEquals("""
        epoch,train_loss,train_ce,train_accuracy,val_loss,val_ce,val_accuracy,penalty,learning_rate,\
        cap_mean,cap_min,cap_max,epoch_seconds
        1,0.5,0.4,0.8,0.6,0.55,0.75,0.1,0.001,1.1,0.9,1.3,2.5
        2,0.25,0.2,0.9,0.3,0.28,0.85,0.05,1.0E-4,NaN,NaN,NaN,2.25
        """, TrainedModel.historyCsv(HISTORY));
  }

  @Test
  void theReportReadsItBack() throws Exception {
    Path file = Files.writeString(dir.resolve("history.csv"), TrainedModel.historyCsv(HISTORY));
    TrainingHistory h = TrainingHistory.read("m", file);
    assertEquals(List.of(1, 2), h.epochs());
    assertEquals(List.of(1e-3, 1e-4), h.columns().get("learning_rate"));
    assertTrue(h.columns().get("cap_mean").get(1).isNaN());
    assertEquals(HISTORY.get(0).asMap().keySet(), h.columns().keySet());
  }
}
