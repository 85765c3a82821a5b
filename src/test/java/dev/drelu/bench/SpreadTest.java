package dev.drelu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void minMedianMaxOfOddAndEvenCounts() {
    assertEquals(new Spread(1, 3, 7), Spread.of(List.of(7.0, 1.0, 3.0)));
    assertEquals(new Spread(1, 2.5, 4), Spread.of(List.of(4.0, 1.0, 2.0, 3.0)));
    assertThrows(IllegalArgumentException.class, () -> Spread.of(List.of()));
  }

  @Test
  void ratioAboveOneMeansDreluIsFasterForRatesAndForTimes() {
    BenchRow rate = new BenchRow("steps/s", true, List.of(10.0, 30.0, 20.0), List.of(10.0), 1, 1);
    assertEquals(2.0, rate.ratio(), 1e-12);
    BenchRow time = new BenchRow("wall s", false, List.of(5.0), List.of(10.0), 1, 1);
    assertEquals(2.0, time.ratio(), 1e-12);
    assertTrue(Double.isNaN(new BenchRow("drelu only", false, List.of(5.0), List.of(), 1, Double.NaN).ratio()));
  }
}
