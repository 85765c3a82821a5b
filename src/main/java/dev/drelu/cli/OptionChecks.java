package dev.drelu.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Collects bad command-line values so a command can refuse them all at once, before it builds,
 * prepares or trains anything. Picocli checks the types ("-1" is an int); these are the ranges.
 */
final class OptionChecks {
  private final List<String> problems = new ArrayList<>();

  /** Records a problem unless {@code value >= min}. */
  OptionChecks atLeast(String option, Integer value, int min, String meaning) {
    if (value != null && value < min) {
      problems.add(option + " must be at least " + min + " (" + meaning + "), but was: " + value);
    }
    return this;
  }

  /** Records a problem unless {@code value} is in the open interval (0, 1). */
  OptionChecks probability(String option, double value) {
    if (!(value > 0 && value < 1)) {
      problems.add(option + " must be in (0, 1), but was: " + value);
    }
    return this;
  }

  /** Records {@code problem} as it is (the caller checked). */
  OptionChecks add(String problem) {
    problems.add(problem);
    return this;
  }

  /**
   * @throws CommandLine.ParameterException listing every problem; picocli prints it with the
   *     usage help and exits with 2
   */
  void throwIfAny(CommandSpec command) {
    if (problems.isEmpty()) {
      return;
    }
    String name = command.qualifiedName();
    throw new CommandLine.ParameterException(command.commandLine(), name + ": " + problems.size()
        + " bad option value(s); nothing was run:\n  " + String.join("\n  ", problems));
  }
}
