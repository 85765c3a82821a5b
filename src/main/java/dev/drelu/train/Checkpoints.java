package dev.drelu.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drelu.core.FileTrees;
import dev.drelu.core.Progress;
import dev.drelu.nn.Classifier;
import dev.drelu.store.CheckpointMirror;
import dev.drelu.store.DurableFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Per-epoch checkpoints in a work folder, written so that a kill or power cut at any instant
 * leaves a state the next run either resumes correctly or refuses with a warning:
 *
 * <ol>
 *   <li>each checkpoint is a new folder {@code epoch-NNNN-<pid>-<random>} (state.json, the
 *       current parameters, the best parameters so far, the optimizer's moments, and a
 *       {@code checksums.json} of their sha256), written under a {@code .tmp} name, every file
 *       and the folder forced to disk, then renamed to its final name;
 *   <li>the pointer file {@code LATEST} is replaced atomically to name it (this is the commit);
 *   <li>only then are older folders deleted, keeping the previous one as a fallback.
 * </ol>
 *
 * <p>Restore follows {@code LATEST} and verifies every file against its checksum before loading
 * anything. If the pointer or its folder does not check out, it falls back to the newest folder
 * that does, and failing that starts from scratch, printing one warning per rejected file.
 * Names carry the pid and random bits, so two processes never write into each other's files.
 */
public final class Checkpoints {
  static final String STATE = "state.json";
  static final String CURRENT = "params.bin";
  static final String BEST = "best.bin";
  static final String OPTIMIZER = "adam.bin";
  static final List<String> FILES = List.of(STATE, CURRENT, BEST, OPTIMIZER);
  private static final String STAGING_SUFFIX = ".tmp";
  private static final Pattern FOLDER = Pattern.compile("epoch-(\\d{4,})-(\\d+)-[0-9a-f]+");
  private static final Pattern STAGING = Pattern.compile("epoch-\\d{4,}-(\\d+)-[0-9a-f]+\\.tmp");
  private static final Pattern POINTER_TEMP = Pattern.compile(
      Pattern.quote(CheckpointPointer.FILE) + "\\.(\\d+)-[0-9a-f]+\\.tmp");
  /** Folders of the format before checksums; never resumed from (nothing proves them intact). */
  private static final List<String> LEGACY = List.of("checkpoint", "checkpoint.old", "checkpoint.tmp");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Consumer<String> warnings;
  private final CheckpointMirror mirror;
  /** The checkpoint this run resumed from or wrote last, already verified; null before either. */
  private Verified current;

  /** A checkpoint folder whose files matched its checksums when it was read or written. */
  private record Verified(Path folder, CheckpointChecksums sums) {}

  /** @param workDir where this training run keeps its checkpoints; warnings go to stderr */
  public Checkpoints(Path workDir) {
    this(workDir, WARN);
  }

  /** Where warnings go by default: one line on stderr. */
  public static final Consumer<String> WARN = message -> Progress.say("checkpoint", "warning: " + message);

  /**
   * @param workDir where this training run keeps its checkpoints
   * @param warnings receives one line per checkpoint that is rejected and why
   */
  public Checkpoints(Path workDir, Consumer<String> warnings) {
    this(workDir, warnings, CheckpointMirror.NONE);
  }

  /**
   * @param mirror copies each committed checkpoint where another machine can resume it, and fills
   *     an empty work folder from there before a restore
   */
  public Checkpoints(Path workDir, Consumer<String> warnings, CheckpointMirror mirror) {
    this.dir = workDir;
    this.warnings = warnings;
    this.mirror = mirror;
  }

  /**
   * Writes the state after an epoch and makes it the one a rerun resumes from.
   *
   * @param newBest true if this epoch's weights are the best so far (else the previous best is kept)
   * @throws IOException if it cannot be written; the previous checkpoint then stays current
   */
  public void save(TrainingState state, Classifier model, Adam adam, boolean newBest) throws IOException {
    Path staged = stage(state, model, adam, newBest);
    Path folder = publish(staged);
    Verified previous = current;
    point(folder);
    prune(folder, previous == null ? null : previous.folder());
    mirror.push(dir, folder);
  }

  /** Step 1: writes the complete checkpoint into a {@code .tmp} folder, forced to disk. */
  Path stage(TrainingState state, Classifier model, Adam adam, boolean newBest) throws IOException {
    Files.createDirectories(dir);
    String name = String.format("epoch-%04d-%s", state.completedEpochs(), DurableFiles.uniqueSuffix());
    Path staging = dir.resolve(name + STAGING_SUFFIX);
    Files.createDirectory(staging);
    try {
      writeFiles(staging, state, model, adam, newBest);
    } catch (IOException | RuntimeException e) {
      FileTrees.deleteTree(staging); // never read (no checksums), but no reason to leave it
      throw e;
    }
    return staging;
  }

  private void writeFiles(Path staging, TrainingState state, Classifier model, Adam adam, boolean newBest)
      throws IOException {
    model.save(staging.resolve(CURRENT));
    if (newBest) {
      Files.copy(staging.resolve(CURRENT), staging.resolve(BEST));
    } else {
      if (current == null) {
        throw new IOException("no earlier checkpoint in " + dir + " holds the best weights to keep; delete "
            + dir + " to train from scratch");
      }
      Files.copy(current.folder().resolve(BEST), staging.resolve(BEST));
      // the copy must be the bytes that were verified, not whatever the disk holds now
      try {
        current.sums().check(staging, BEST);
      } catch (BadCheckpointException e) {
        throw new IOException("the best weights of " + current.folder() + " changed on disk after they were "
            + "verified: " + e.getMessage() + "; delete " + dir + " and train again", e);
      }
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(staging.resolve(OPTIMIZER)))) {
      adam.save(out);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(staging.resolve(STATE).toFile(), state);
    for (String f : FILES) {
      DurableFiles.fsync(staging.resolve(f));
    }
    CheckpointChecksums.of(staging, state.completedEpochs(), FILES).write(staging);
    DurableFiles.fsyncFolder(staging);
  }

  /** Step 2: gives the staged folder its final name; it is complete but not yet current. */
  Path publish(Path staged) throws IOException {
    String name = staged.getFileName().toString();
    Path folder = dir.resolve(name.substring(0, name.length() - STAGING_SUFFIX.length()));
    DurableFiles.rename(staged, folder);
    DurableFiles.fsyncFolder(dir);
    return folder;
  }

  /** Step 3, the commit: {@code LATEST} names the new folder. */
  void point(Path folder) throws IOException {
    CheckpointChecksums sums = CheckpointChecksums.verify(folder, FILES);
    CheckpointPointer.to(folder).write(dir);
    current = new Verified(folder, sums);
  }

  /**
   * Step 4: deletes what no restore will read: checkpoint folders other than the current one and
   * the previous one (the fallback if the current one is damaged later), staging folders and
   * pointer temp files of processes that are gone, and folders of the format before checksums.
   */
  void prune(Path keep, Path previous) throws IOException {
    for (Path p : entries()) {
      String name = p.getFileName().toString();
      Matcher staging = STAGING.matcher(name);
      Matcher pointerTemp = POINTER_TEMP.matcher(name);
      boolean obsolete = (isFolderName(name) && !p.equals(keep) && !p.equals(previous))
          || (staging.matches() && !isAlive(staging.group(1)))
          || (pointerTemp.matches() && !isAlive(pointerTemp.group(1)))
          || LEGACY.contains(name);
      if (obsolete) {
        FileTrees.deleteTree(p);
      }
    }
  }

  /**
   * Loads the newest checkpoint that verifies into the model and optimizer.
   *
   * @return its state, or empty for a fresh start (nothing there, or nothing that verifies)
   * @throws IOException if a checkpoint verifies but does not fit this model: the message says
   *     which folder to delete to start over
   */
  public Optional<TrainingState> restore(Classifier model, Adam adam) throws IOException {
    current = null;
    mirror.pull(dir);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    for (String legacy : LEGACY) {
      if (Files.exists(dir.resolve(legacy))) {
        warnings.accept(dir.resolve(legacy) + ": a checkpoint of an older drelu, without checksums; not resumed "
            + "from (it is deleted when this run saves its first epoch)");
      }
    }
    List<Path> candidates = new ArrayList<>();
    CheckpointPointer pointer = null;
    try {
      pointer = CheckpointPointer.read(dir);
    } catch (BadCheckpointException e) {
      warnings.accept(e.getMessage() + "; looking for the newest checkpoint folder that verifies");
    }
    if (pointer != null) {
      candidates.add(dir.resolve(pointer.folder()));
    }
    List<Path> folders = folders();
    if (pointer == null && !folders.isEmpty() && !Files.exists(dir.resolve(CheckpointPointer.FILE))) {
      warnings.accept(dir.resolve(CheckpointPointer.FILE) + ": missing although checkpoint folders exist (a run "
          + "was killed before its first checkpoint was committed); using the newest folder that verifies");
    }
    for (Path f : folders) {
      if (!candidates.contains(f)) {
        candidates.add(f);
      }
    }
    for (Path folder : candidates) {
      Verified v;
      try {
        if (!Files.isDirectory(folder)) {
          throw new BadCheckpointException(folder + ": named by " + CheckpointPointer.FILE + " but missing");
        }
        if (pointer != null && folder.getFileName().toString().equals(pointer.folder())) {
          pointer.matches(folder); // first, so a damaged checksums.json is named as such
        }
        CheckpointChecksums sums = CheckpointChecksums.verify(folder, FILES);
        v = new Verified(folder, sums);
      } catch (BadCheckpointException e) {
        warnings.accept(e.getMessage() + "; checkpoint discarded");
        continue;
      }
      TrainingState state = load(v, model, adam);
      current = v;
      if (!candidates.get(0).equals(folder) || pointer == null) {
        warnings.accept("resuming from " + folder + " (after epoch " + state.completedEpochs() + ") instead");
      }
      return Optional.of(state);
    }
    if (!candidates.isEmpty()) {
      warnings.accept("no checkpoint in " + dir + " verifies; training starts from scratch");
    }
    return Optional.empty();
  }

  private TrainingState load(Verified v, Classifier model, Adam adam) throws IOException {
    try {
      TrainingState state = JSON.readValue(v.folder().resolve(STATE).toFile(), TrainingState.class);
      if (state.completedEpochs() != v.sums().epoch()) {
        throw new IOException("state.json says " + state.completedEpochs() + " epochs, checksums.json "
            + v.sums().epoch());
      }
      model.loadParameters(v.folder().resolve(CURRENT));
      try (InputStream in = new BufferedInputStream(Files.newInputStream(v.folder().resolve(OPTIMIZER)))) {
        adam.load(in);
      }
      return state;
    } catch (IOException | RuntimeException e) {
      // the files are intact (they match their checksums), so they were written for another model
      throw new IOException("cannot resume from checkpoint " + v.folder() + ": " + e.getMessage()
          + "; delete " + dir + " to train from scratch", e);
    }
  }

  /**
   * Loads the best weights of the current checkpoint into the model, checking them first.
   *
   * @throws IOException if there is no checkpoint, or its best weights changed since it was
   *     verified; the message names the file and says what to delete
   */
  public void loadBest(Classifier model) throws IOException {
    if (current == null) {
      throw new IOException("no checkpoint in " + dir + " to load the best weights from: training ran no epoch");
    }
    try {
      current.sums().check(current.folder(), BEST);
    } catch (BadCheckpointException e) {
      throw new IOException(e.getMessage() + "; delete " + dir + " and train again", e);
    }
    model.loadParameters(current.folder().resolve(BEST));
  }

  /** Removes the whole work folder (after the trained model is safely stored). */
  public void discard() throws IOException {
    FileTrees.deleteTree(dir);
  }

  /** @return true for a published checkpoint folder's name */
  static boolean isFolderName(String name) {
    return FOLDER.matcher(name).matches();
  }

  /** @return the published checkpoint folders, newest epoch first */
  private List<Path> folders() throws IOException {
    return entries().stream()
        .filter(p -> isFolderName(p.getFileName().toString()) && Files.isDirectory(p))
        .sorted(Comparator.comparingInt(Checkpoints::epochOf).reversed()
            .thenComparing(Comparator.<Path>naturalOrder().reversed()))
        .toList();
  }

  private List<Path> entries() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static int epochOf(Path folder) {
    Matcher m = FOLDER.matcher(folder.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static boolean isAlive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
