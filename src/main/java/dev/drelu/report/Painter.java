package dev.drelu.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;

/** Something that draws itself into an area: a JFreeChart, or a diagram drawn by hand. */
@FunctionalInterface
public interface Painter {
  /** Draws into {@code area} of {@code g}. */
  void paint(Graphics2D g, Rectangle2D area);
}
