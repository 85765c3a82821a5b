package dev.drelu.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drelu.core.FileTrees;
import dev.drelu.nn.Classifier;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Per-epoch checkpoints in a work folder: {@code checkpoint/} holds state.json, the current
 * parameters, the best parameters so far and the optimizer's moments.
 *
 * <p>A checkpoint is written whole into {@code checkpoint.tmp/} and then swapped in by renames,
 * so a kill at any moment leaves either the previous complete checkpoint or the new one.
 */
public final class Checkpoints {
  static final String STATE = "state.json";
  static final String CURRENT = "params.bin";
  static final String BEST = "best.bin";
  static final String OPTIMIZER = "adam.bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /** @param workDir where this training run keeps its checkpoints */
  public Checkpoints(Path workDir) {
    this.dir = workDir;
  }

  private Path live() {
    return dir.resolve("checkpoint");
  }

  private Path previous() {
    return dir.resolve("checkpoint.old");
  }

  private Path staging() {
    return dir.resolve("checkpoint.tmp");
  }

  /**
   * Writes the state after an epoch.
   *
   * @param newBest true if this epoch's weights are the best so far (else the previous best is kept)
   */
  public void save(TrainingState state, Classifier model, Adam adam, boolean newBest) throws IOException {
    Files.createDirectories(dir);
    FileTrees.deleteTree(staging());
    Files.createDirectories(staging());
    model.save(staging().resolve(CURRENT));
    if (newBest) {
      Files.copy(staging().resolve(CURRENT), staging().resolve(BEST));
    } else {
      Files.copy(live().resolve(BEST), staging().resolve(BEST));
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(staging().resolve(OPTIMIZER)))) {
      adam.save(out);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(staging().resolve(STATE).toFile(), state);
    FileTrees.deleteTree(previous());
    if (Files.exists(live())) {
      Files.move(live(), previous(), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging(), live(), StandardCopyOption.ATOMIC_MOVE);
    FileTrees.deleteTree(previous());
  }

  /**
   * Loads the newest complete checkpoint into the model and optimizer.
   *
   * @return its state, or empty if there is none (a fresh start)
   * @throws IOException if a checkpoint exists but cannot be read: the message says which folder
   *     to delete to start over
   */
  public Optional<TrainingState> restore(Classifier model, Adam adam) throws IOException {
    Path from = Files.exists(live().resolve(STATE)) ? live()
        : Files.exists(previous().resolve(STATE)) ? previous() : null;
    if (from == null) {
      return Optional.empty();
    }
    try {
      TrainingState state = JSON.readValue(from.resolve(STATE).toFile(), TrainingState.class);
      model.loadParameters(from.resolve(CURRENT));
      try (InputStream in = new BufferedInputStream(Files.newInputStream(from.resolve(OPTIMIZER)))) {
        adam.load(in);
      }
      return Optional.of(state);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot resume from checkpoint " + from + ": " + e.getMessage()
          + "; delete " + dir + " to train from scratch", e);
    }
  }

  /** Loads the best weights of the newest checkpoint into the model. */
  public void loadBest(Classifier model) throws IOException {
    model.loadParameters(live().resolve(BEST));
  }

  /** @return the best parameters file of the newest checkpoint */
  public Path bestParameters() {
    return live().resolve(BEST);
  }

  /** Removes the whole work folder (after the trained model is safely stored). */
  public void discard() throws IOException {
    FileTrees.deleteTree(dir);
  }
}
