package dev.drelu.stats;

import java.util.List;

/**
 * An accuracy table that cannot be read, with every problem found, each as
 * "{@code <file>:<line>: <what is wrong>}".
 */
public final class TableFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** @param problems one message per problem, each naming file and line */
  public TableFormatException(List<String> problems) {
    super(problems.size() + " problem(s) in the accuracy table:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** @return one message per problem */
  public List<String> problems() {
    return problems;
  }
}
