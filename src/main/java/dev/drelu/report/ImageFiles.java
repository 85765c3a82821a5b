package dev.drelu.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes one figure as PNG (Java2D) and SVG (JFreeSVG) side by side. Runs headless: no display
 * is needed on a server or in CI.
 */
public final class ImageFiles {
  static {
    // before the first AWT class loads; a desktop caller that set it otherwise keeps its choice
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ImageFiles() {}

  /**
   * The two files of one figure.
   *
   * @param png the raster image
   * @param svg the vector image
   */
  public record Figure(Path png, Path svg) {}

  /** @return the figure of {@code chart} written as {@code dir/name.png} and {@code dir/name.svg} */
  public static Figure write(JFreeChart chart, Path dir, String name, int width, int height) throws IOException {
    return write((g, area) -> chart.draw(g, area), dir, name, width, height);
  }

  /**
   * @param painter draws the figure
   * @param dir output folder, created if missing
   * @param name file name without extension; must be a plain file name
   * @return the PNG and SVG written
   * @throws IOException if a file cannot be written
   */
  public static Figure write(Painter painter, Path dir, String name, int width, int height) throws IOException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("figure name must be letters, digits, '.', '_' or '-', but was: " + name);
    }
    Files.createDirectories(dir);
    Rectangle2D area = new Rectangle2D.Double(0, 0, width, height);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fill(area);
      painter.paint(g, area);
    } finally {
      g.dispose();
    }
    Path png = dir.resolve(name + ".png");
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer in this JVM for " + png);
    }
    SVGGraphics2D svg = new SVGGraphics2D(width, height);
    svg.setColor(Color.WHITE);
    svg.fill(area);
    painter.paint(svg, area);
    Path svgFile = dir.resolve(name + ".svg");
    Files.writeString(svgFile, svg.getSVGDocument(), StandardCharsets.UTF_8);
    return new Figure(png, svgFile);
  }
}
