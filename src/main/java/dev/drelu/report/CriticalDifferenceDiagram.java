package dev.drelu.report;

import dev.drelu.stats.Nemenyi;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Demšar's critical difference diagram: an axis of average ranks (1 = best, on the left), each
 * method hung from its rank with its name (the better half on the left, the rest on the right),
 * a bar as long as CD above the axis, and a thick line joining each clique of methods whose
 * ranks lie within CD of each other (no difference shown). Drawn on any Graphics2D, so the
 * same code makes the PNG and the SVG.
 *
 * @param nemenyi the test to draw
 */
public record CriticalDifferenceDiagram(Nemenyi nemenyi) implements Painter {
  /** @return a height (pixels) that fits the labels and clique bars of {@code nemenyi} */
  public static int heightFor(Nemenyi nemenyi) {
    return 110 + 8 * nemenyi.cliques().size() + 24 * ((nemenyi.methods().size() + 1) / 2);
  }

  @Override
  public void paint(Graphics2D g, Rectangle2D area) {
    List<String> methods = nemenyi.methods();
    List<Double> ranks = nemenyi.averageRanks();
    int k = methods.size();
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    int labelWidth = IntStream.range(0, k).map(i -> fm.stringWidth(label(methods.get(i), ranks.get(i)))).max().orElse(40) + 24;
    double left = area.getX() + Math.min(labelWidth, area.getWidth() / 3);
    double right = area.getMaxX() - Math.min(labelWidth, area.getWidth() / 3);
    double axisY = area.getY() + 60;
    double lo = 1;
    double hi = Math.max(2, k);
    java.util.function.DoubleUnaryOperator x = r -> left + (r - lo) / (hi - lo) * (right - left);

    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.2f));
    g.draw(new Line2D.Double(left, axisY, right, axisY));
    for (int r = 1; r <= hi; r++) {
      double px = x.applyAsDouble(r);
      g.draw(new Line2D.Double(px, axisY, px, axisY - 6));
      String t = Integer.toString(r);
      g.drawString(t, (float) (px - fm.stringWidth(t) / 2.0), (float) (axisY - 10));
    }
    for (int r = 1; r < hi; r++) {
      double px = x.applyAsDouble(r + 0.5);
      g.draw(new Line2D.Double(px, axisY, px, axisY - 3));
    }

    // CD bar above the axis, starting at rank 1
    double cdEnd = x.applyAsDouble(Math.min(hi, 1 + nemenyi.criticalDifference()));
    double cdY = area.getY() + 22;
    g.setStroke(new BasicStroke(2f));
    g.draw(new Line2D.Double(x.applyAsDouble(1), cdY, cdEnd, cdY));
    g.draw(new Line2D.Double(x.applyAsDouble(1), cdY - 4, x.applyAsDouble(1), cdY + 4));
    g.draw(new Line2D.Double(cdEnd, cdY - 4, cdEnd, cdY + 4));
    String cd = String.format(Locale.ROOT, "CD = %.3f (alpha = %s)", nemenyi.criticalDifference(),
        Charts.number(nemenyi.alpha()));
    g.drawString(cd, (float) (cdEnd + 8), (float) (cdY + 5));

    // methods, best first: the first half on the left, the rest on the right
    List<Integer> order = IntStream.range(0, k).boxed().sorted(Comparator.comparingDouble(ranks::get)).toList();
    int half = (k + 1) / 2;
    g.setStroke(new BasicStroke(1f));
    for (int i = 0; i < k; i++) {
      int m = order.get(i);
      double px = x.applyAsDouble(ranks.get(m));
      boolean onLeft = i < half;
      int line = onLeft ? i : k - 1 - i;
      double py = axisY + 30 + 8 * nemenyi.cliques().size() + 24 * line;
      double endX = onLeft ? left - 10 : right + 10;
      g.draw(new Line2D.Double(px, axisY, px, py));
      g.draw(new Line2D.Double(px, py, endX, py));
      String label = label(methods.get(m), ranks.get(m));
      float tx = (float) (onLeft ? endX - 4 - fm.stringWidth(label) : endX + 4);
      g.drawString(label, Math.max((float) area.getX() + 2, tx), (float) (py + fm.getAscent() / 2.0 - 1));
    }

    // cliques: thick bars just below the axis, stacked
    g.setStroke(new BasicStroke(4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    List<List<String>> cliques = nemenyi.cliques();
    for (int c = 0; c < cliques.size(); c++) {
      double from = Double.MAX_VALUE;
      double to = -Double.MAX_VALUE;
      for (String name : cliques.get(c)) {
        double r = ranks.get(methods.indexOf(name));
        from = Math.min(from, r);
        to = Math.max(to, r);
      }
      double py = axisY + 12 + 8 * c;
      g.draw(new Line2D.Double(x.applyAsDouble(from) - 3, py, x.applyAsDouble(to) + 3, py));
    }
  }

  private static String label(String method, double rank) {
    return method + String.format(Locale.ROOT, " (%.2f)", rank);
  }
}
