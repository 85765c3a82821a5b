package dev.drelu.cli;

import dev.drelu.stats.StatsParams;
import picocli.CommandLine.Option;

/** The significance levels drelu stats and drelu report share. */
final class StatsLevels {
  @Option(names = "--alpha", defaultValue = "0.05",
      description = "level of the Friedman test and the Nemenyi critical difference (default: ${DEFAULT-VALUE})")
  double alpha;

  @Option(names = "--anova-alpha", defaultValue = "0.01",
      description = "level of ANOVA's critical F (default: ${DEFAULT-VALUE}, as in the paper)")
  double anovaAlpha;

  StatsParams params() {
    return new StatsParams(anovaAlpha, alpha);
  }
}
