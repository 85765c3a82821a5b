package dev.drelu.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalCdfTableTest {
  @Test
  void interpolationStaysWithinRoundingOfErfc() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      double x = -11 + 22 * random.nextDouble();
      assertEquals(NormalCdfTable.exact(x), NormalCdfTable.cdf(x), 1e-15, "x=" + x);
    }
  }

  @Test
  void centreAndEdges() {
    assertEquals(0.5, NormalCdfTable.cdf(0.0), 0.0);
    assertEquals(NormalCdfTable.exact(1.5), NormalCdfTable.cdf(1.5), 0.0); // a grid point
    assertEquals(0.0, NormalCdfTable.cdf(-40));
    assertEquals(1.0, NormalCdfTable.cdf(40));
  }
}
