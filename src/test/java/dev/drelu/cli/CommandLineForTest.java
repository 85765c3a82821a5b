package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line main builds holds only the subcommand it runs, and behaves as the full one. */
class CommandLineForTest {
  private static final List<String> ALL = List.copyOf(Main.commandLine().getSubcommands().keySet());

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertEquals(List.of("plan"), List.copyOf(Main.commandLineFor(new String[] {"plan", "x.yaml"})
        .getSubcommands().keySet()));
    assertEquals(List.of("tracking"), List.copyOf(Main.commandLineFor(new String[] {"tracking", "status"})
        .getSubcommands().keySet()));
  }

  @Test
  void helpTheVersionAndUnknownNamesGetEverySubcommand() {
    assertEquals(12, ALL.size(), "the help lists every subcommand: " + ALL);
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help", "run"},
        new String[] {"--version"}, new String[] {"rnu"}, new String[] {"-h"})) {
      assertEquals(ALL, List.copyOf(Main.commandLineFor(args).getSubcommands().keySet()), String.join(" ", args));
    }
  }

  @Test
  void eachSubcommandsUsageIsTheSameBuiltAloneAsAmongAll() {
    CommandLine full = Main.commandLine();
    for (String name : ALL) {
      if (name.equals("help")) {
        continue;
      }
      String alone = Main.commandLineFor(new String[] {name}).getSubcommands().get(name)
          .getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertEquals(full.getSubcommands().get(name).getUsageMessage(CommandLine.Help.Ansi.OFF), alone, name);
    }
  }
}
