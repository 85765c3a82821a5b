package dev.drelu.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's line charts, built with JFreeChart; accuracies are plotted in %. */
public final class Charts {
  /** Tableau's ten colours: distinguishable, and none too pale on white. */
  private static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
      new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  private Charts() {}

  /**
   * Accuracy against lambda for one architecture: one line per metric (clean and each attack),
   * per method when the sweep has several. Lambda spans orders of magnitude and includes 0, so
   * the axis is categorical, one tick per swept value in increasing order.
   */
  public static JFreeChart accuracyVsLambda(SweepTable sweep, String architecture) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> methods = sweep.distinct(SweepTable.Point::method);
    TreeMap<Double, String> ticks = new TreeMap<>();
    sweep.points().stream().filter(p -> p.architecture().equals(architecture))
        .forEach(p -> ticks.put(p.x(), number(p.x())));
    for (String method : methods) {
      for (String metric : sweep.distinct(SweepTable.Point::metric)) {
        TreeMap<Double, Double> s = sweep.series(p -> p.architecture().equals(architecture)
            && p.method().equals(method) && p.metric().equals(metric));
        String name = methods.size() > 1 ? method + " " + metric : metric;
        // every tick in every series, so the category axis keeps the numeric order
        ticks.forEach((x, label) -> data.addValue(s.containsKey(x) ? 100 * s.get(x) : null, name, label));
      }
    }
    JFreeChart chart = ChartFactory.createLineChart(architecture + ": accuracy vs " + sweep.parameter(),
        sweep.parameter(), "accuracy (%)", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
    renderer.setDefaultShapesVisible(true);
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    percentAxis((NumberAxis) plot.getRangeAxis());
    style(chart);
    return chart;
  }

  /**
   * Bars per model for one metric of a reproduction: the paper's printed value beside drelu's
   * faithful and sound ones (NaN values, a model the spec lacks, are left out).
   *
   * @param series by name ("paper", "faithful", "sound"): one accuracy in % per category
   */
  public static JFreeChart reproduction(String title, List<String> categories, java.util.Map<String, double[]> series) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    series.forEach((name, values) -> {
      for (int i = 0; i < categories.size(); i++) {
        data.addValue(Double.isNaN(values[i]) ? null : values[i], name, categories.get(i));
      }
    });
    JFreeChart chart = ChartFactory.createBarChart(title, "model", "accuracy (%)", data, PlotOrientation.VERTICAL,
        true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    percentAxis((NumberAxis) plot.getRangeAxis());
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true); // bars start at 0, or they mislead
    style(chart);
    return chart;
  }

  /** Accuracy against eps for one architecture and metric (attack): one line per method. */
  public static JFreeChart accuracyVsEps(SweepTable sweep, String architecture, String metric) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String method : sweep.distinct(SweepTable.Point::method)) {
      TreeMap<Double, Double> s = sweep.series(p -> p.architecture().equals(architecture)
          && p.method().equals(method) && p.metric().equals(metric));
      if (!s.isEmpty()) {
        XYSeries series = new XYSeries(method);
        s.forEach((x, y) -> series.add(x.doubleValue(), 100 * y));
        data.addSeries(series);
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart(architecture + ", " + metric + ": accuracy vs "
        + sweep.parameter(), sweep.parameter(), "accuracy (%)", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    ((XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(true);
    percentAxis((NumberAxis) plot.getRangeAxis());
    style(chart);
    return chart;
  }

  /**
   * Training curves of one model against the epoch: loss (train and validation), accuracy
   * (train and validation) and, for D-ReLU models, the mean cap with its min and max; each in
   * its own panel over a shared epoch axis. Columns the history lacks are left out.
   */
  public static JFreeChart trainingCurves(TrainingHistory history) {
    NumberAxis epochAxis = new NumberAxis("epoch");
    epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
    plot.setGap(8);
    addPanel(plot, history, "loss", List.of("train_loss", "train", "val_loss", "validation"), false);
    addPanel(plot, history, "accuracy (%)", List.of("train_accuracy", "train", "val_accuracy", "validation"), true);
    addPanel(plot, history, "cap", List.of("cap_mean", "mean", "cap_min", "min", "cap_max", "max"), false);
    JFreeChart chart = new JFreeChart(history.model() + ": training", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    style(chart);
    return chart;
  }

  /** Adds a panel of the columns in {@code columnAndName} (column, legend name, column, ...) that exist. */
  private static void addPanel(CombinedDomainXYPlot plot, TrainingHistory h, String label,
      List<String> columnAndName, boolean percent) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int c = 0; c < columnAndName.size(); c += 2) {
      String column = columnAndName.get(c);
      if (!h.has(column)) {
        continue;
      }
      XYSeries s = new XYSeries(label.replace(" (%)", "") + " " + columnAndName.get(c + 1));
      List<Double> values = h.columns().get(column);
      for (int i = 0; i < values.size(); i++) {
        if (!values.get(i).isNaN()) {
          s.add(h.epochs().get(i).doubleValue(), percent ? 100 * values.get(i) : values.get(i));
        }
      }
      data.addSeries(s);
    }
    if (data.getSeriesCount() == 0) {
      return;
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      // continue the colours across panels so no two lines of the figure share one
      renderer.setSeriesPaint(i, PALETTE[(plot.getSubplots().size() * 2 + i) % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot panel = new XYPlot(data, null, axis, renderer);
    panel.setBackgroundPaint(Color.WHITE);
    panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.add(panel, 1);
  }

  private static void percentAxis(NumberAxis axis) {
    axis.setAutoRangeIncludesZero(false);
    axis.setUpperMargin(0.08);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    var plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    if (plot instanceof XYPlot xy) {
      xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
      xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
      for (int i = 0; i < xy.getSeriesCount(); i++) {
        xy.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        xy.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      }
    } else if (plot instanceof CategoryPlot cat) {
      cat.setRangeGridlinePaint(Color.LIGHT_GRAY);
      for (int i = 0; i < cat.getDataset().getRowCount(); i++) {
        cat.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        cat.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      }
    }
  }

  /** @return a compact label for a swept value: 0, 0.1, 1e-07, 100 */
  static String number(double x) {
    if (x == 0) {
      return "0";
    }
    double a = Math.abs(x);
    if (a >= 1e-3 && a < 1e5) {
      return String.format(Locale.ROOT, "%.6g", x).replaceAll("\\.?0+$", "");
    }
    return String.format(Locale.ROOT, "%.0e", x).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
  }
}
