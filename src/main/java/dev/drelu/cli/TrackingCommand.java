package dev.drelu.cli;

import dev.drelu.core.DreluHome;
import dev.drelu.tracking.JournalReplayer;
import dev.drelu.tracking.MlflowHealth;
import dev.drelu.tracking.SyncReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * drelu tracking sync|status. (start and stop are handled by the launcher script, which runs
 * tracking/mlflow-server.sh.)
 */
@Command(name = "tracking", mixinStandardHelpOptions = true,
    description = "The MLflow journal: replay what could not be logged (sync) or show what waits (status).",
    subcommands = {TrackingCommand.Sync.class, TrackingCommand.Status.class})
final class TrackingCommand {
  private static Path journal() {
    return DreluHome.get().resolve("tracking/journal");
  }

  private static String uri(String option) {
    String uri = option != null ? option : System.getenv("MLFLOW_TRACKING_URI");
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("no MLflow server given: set MLFLOW_TRACKING_URI or pass --tracking-uri"
          + " (./drelu tracking start runs the local one)");
    }
    return uri;
  }

  @Command(name = "sync", mixinStandardHelpOptions = true, description = "Replay journaled tracking events to the server.")
  static final class Sync implements Callable<Integer> {
    @Option(names = "--tracking-uri", description = "MLflow server (default: $MLFLOW_TRACKING_URI)")
    String trackingUri;

    @Spec CommandSpec command;

    @Override
    public Integer call() {
      String uri = uri(trackingUri);
      PrintWriter out = command.commandLine().getOut();
      if (!MlflowHealth.isUp(uri, Duration.ofSeconds(5))) {
        out.println("The MLflow server at " + uri + " does not answer; the journal in " + journal() + " is kept.");
        out.flush();
        return 1;
      }
      SyncReport r = new JournalReplayer(uri).replay(journal());
      out.printf("Synced %d of %d journal file(s): %d event(s) sent, %d run(s) created, %d rejected, %d remaining.%n",
          r.filesSynced(), r.files(), r.eventsSent(), r.runsCreated(), r.eventsRejected(), r.remaining());
      if (r.runsKilled() > 0) {
        out.println("Marked " + r.runsKilled() + " run(s) KILLED: their drelu process died before ending them.");
      }
      if (r.failure() != null) {
        out.println("Stopped: " + r.failure() + "; run sync again to continue.");
      }
      out.flush();
      return r.complete() ? 0 : 1;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the server's health and the journal.")
  static final class Status implements Callable<Integer> {
    @Option(names = "--tracking-uri", description = "MLflow server (default: $MLFLOW_TRACKING_URI)")
    String trackingUri;

    @Spec CommandSpec command;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = command.commandLine().getOut();
      String uri = trackingUri != null ? trackingUri : System.getenv("MLFLOW_TRACKING_URI");
      out.println("server:  " + (uri == null ? "none configured"
          : uri + (MlflowHealth.isUp(uri, Duration.ofSeconds(3)) ? " (up)" : " (not answering)")));
      int pending = JournalReplayer.pending(journal()).size();
      out.println("journal: " + journal() + " (" + pending + " file(s) waiting for `drelu tracking sync`)");
      out.flush();
      return 0;
    }
  }
}
