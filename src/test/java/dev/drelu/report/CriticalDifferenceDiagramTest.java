package dev.drelu.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.stats.Friedman;
import dev.drelu.stats.Nemenyi;
import dev.drelu.stats.ScoreMatrix;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriticalDifferenceDiagramTest {
  @TempDir Path dir;

  /** Six methods over 20 rows, every fourth row with neighbours swapped: a chain of cliques. */
  static Nemenyi sixMethods() {
    List<String> rows = new ArrayList<>();
    double[][] v = new double[20][];
    for (int i = 0; i < 20; i++) {
      rows.add("r" + i);
      v[i] = i % 4 == 0 ? new double[] {0.8, 0.9, 0.6, 0.7, 0.4, 0.5} : new double[] {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    }
    ScoreMatrix m = new ScoreMatrix(rows, List.of("PGD-AT", "TRADES b=6", "D-ReLU", "S-ReLU", "ReLU", "TRADES b=1"), v);
    return Nemenyi.of(Friedman.of(m), 0.05);
  }

  @Test
  void everyMethodAndCliqueIsDrawnInBothFormats() throws Exception {
    Nemenyi n = sixMethods();
    // average ranks 1.25, 1.75, 3.25, 3.75, 5.25, 5.75; CD = 1.686: neighbours 0.5 or 1.5 apart join, 2 apart do not
    assertEquals(List.of(List.of("PGD-AT", "TRADES b=6"), List.of("TRADES b=6", "D-ReLU"), List.of("D-ReLU", "S-ReLU"),
        List.of("S-ReLU", "ReLU"), List.of("ReLU", "TRADES b=1")), n.cliques());
    var fig = ImageFiles.write(new CriticalDifferenceDiagram(n), dir, "cd", 900, CriticalDifferenceDiagram.heightFor(n));
    String svg = Files.readString(fig.svg());
    for (int i = 0; i < n.methods().size(); i++) {
      assertTrue(svg.contains(n.methods().get(i) + String.format(java.util.Locale.ROOT, " (%.2f)", n.averageRanks().get(i))),
          n.methods().get(i));
    }
    assertTrue(svg.contains("CD = 1.686 (alpha = 0.05)"), svg);
    BufferedImage png = ImageIO.read(fig.png().toFile());
    assertEquals(CriticalDifferenceDiagram.heightFor(n), png.getHeight());
    // the lowest label row must lie inside the image: the last row of pixels is still background
    for (int x = 0; x < png.getWidth(); x++) {
      assertEquals(0xFFFFFFFF, png.getRGB(x, png.getHeight() - 1), "drawing reaches the bottom edge at x=" + x);
    }
  }

  @Test
  void sweptValuesGetCompactLabels() {
    assertEquals(List.of("0", "1e-7", "1e-5", "0.001", "0.1", "1", "100", "10000", "1e5"),
        java.util.stream.DoubleStream.of(0, 1e-7, 1e-5, 1e-3, 0.1, 1, 100, 1e4, 1e5).mapToObj(Charts::number).toList());
  }
}
