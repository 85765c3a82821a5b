package dev.drelu.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Placement;
import dev.drelu.testing.ToyData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checkpoint protocol at every state a kill can leave it in, and with every file damaged.
 * A kill between two steps is simulated by running the steps ({@code stage}, {@code publish},
 * {@code point}, {@code prune}) up to that point and no further; a kill inside a step by
 * leaving the files that step writes half done. Real models and optimizers, so restore really
 * loads what it claims to.
 */
class CheckpointsTest {
  private static final TrainingParams PARAMS =
      new TrainingParams(10, 32, 1e-2, 0.0, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0, 7);

  @TempDir Path dir;

  private final List<String> warnings = new ArrayList<>();
  /** The parameters saved at each epoch, to check what a restore loaded. */
  private final Map<Integer, List<float[]>> savedWeights = new HashMap<>();

  // ---------------------------------------------------------------- the normal path

  @Test
  void resumesFromTheLastEpochAndKeepsOnlyItAndThePreviousOne() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    save(cp, 3, false); // epoch 2 stays the best

    assertEquals(2, folders().size(), folders().toString());
    assertEquals(List.of(), leftovers(), "no temp files or staging folders remain");
    Restored r = restore();
    assertEquals(3, r.epoch());
    assertWeights(3, r.weights());
    assertEquals(List.of(), warnings);
    try (Classifier m = model(50)) {
      Checkpoints fresh = checkpoints();
      try (Adam adam = adam(m)) {
        fresh.restore(m, adam);
      }
      fresh.loadBest(m);
      assertWeights(2, weights(m));
    }
  }

  @Test
  void emptyWorkFolderIsAFreshStartWithoutWarnings() throws Exception {
    assertEquals(-1, restore().epoch());
    Files.createDirectories(dir);
    assertEquals(-1, restore().epoch());
    assertEquals(List.of(), warnings);
  }

  // ---------------------------------------------------------------- killed between the steps

  @Test
  void killedWhileWritingTheFolderResumesThePreviousEpoch() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    // one complete staged folder and one cut off before its checksums, both of a dead process
    Path complete = asDeadProcess(cp.stage(state(3), saved(3), adamFor(3), true));
    Path partial = asDeadProcess(cp.stage(state(3), saved(3), adamFor(3), true));
    Files.delete(partial.resolve(CheckpointChecksums.FILE));
    Files.write(partial.resolve(Checkpoints.CURRENT), new byte[10]);

    Restored r = restore();
    assertEquals(2, r.epoch());
    assertWeights(2, r.weights());
    assertEquals(List.of(), warnings, "a staging folder is not a checkpoint, and ignoring it is normal");

    save(r.checkpoints(), 3, true);
    assertFalse(Files.exists(complete), "staging folders of dead processes are removed on the next save");
    assertFalse(Files.exists(partial));
  }

  @Test
  void killedAfterTheFolderBeforeThePointerResumesThePreviousEpoch() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    Path orphan = cp.publish(cp.stage(state(3), saved(3), adamFor(3), true));

    Restored r = restore();
    assertEquals(2, r.epoch(), "LATEST is the commit point; an unpointed folder is not trusted yet");
    assertWeights(2, r.weights());
    assertEquals(List.of(), warnings);

    save(r.checkpoints(), 3, true);
    assertFalse(Files.exists(orphan), "the folder that never became current is removed");
    assertEquals(3, restore().epoch());
  }

  @Test
  void killedWithThePointerTempWrittenButNotRenamedResumesThePreviousEpoch() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    Path folder3 = cp.publish(cp.stage(state(3), saved(3), adamFor(3), true));
    Path temp = dir.resolve(CheckpointPointer.FILE + "." + deadPid() + "-00ff00ff00ff.tmp");
    Files.write(temp, CheckpointPointer.to(folder3).bytes());

    Restored r = restore();
    assertEquals(2, r.epoch());
    assertEquals(List.of(), warnings);

    save(r.checkpoints(), 3, true);
    assertFalse(Files.exists(temp), "a dead process's pointer temp file is removed on the next save");
  }

  @Test
  void killedAfterThePointerBeforeOldFoldersAreDeletedResumesTheNewEpoch() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    cp.point(cp.publish(cp.stage(state(3), saved(3), adamFor(3), true)));
    assertEquals(3, folders().size(), "the kill came before pruning");

    Restored r = restore();
    assertEquals(3, r.epoch());
    assertWeights(3, r.weights());
    assertEquals(List.of(), warnings);

    save(r.checkpoints(), 4, true);
    assertEquals(2, folders().size(), folders().toString());
    assertEquals(4, restore().epoch());
  }

  @Test
  void killedBeforeTheFirstPointerResumesTheVerifiedFolderWithAWarning() throws Exception {
    Checkpoints cp = checkpoints();
    cp.publish(cp.stage(state(1), saved(1), adamFor(1), true));

    Restored r = restore();
    assertEquals(1, r.epoch());
    assertWeights(1, r.weights());
    assertWarned(dir.resolve(CheckpointPointer.FILE).toString(), "missing");
  }

  // ---------------------------------------------------------------- damaged files

  @ParameterizedTest(name = "{1} {0}")
  @CsvSource({
      "state.json, flip", "params.bin, flip", "best.bin, flip", "adam.bin, flip", "checksums.json, flip",
      "state.json, truncate", "params.bin, truncate", "best.bin, truncate", "adam.bin, truncate",
      "checksums.json, truncate",
      "state.json, delete", "params.bin, delete", "best.bin, delete", "adam.bin, delete", "checksums.json, delete"})
  void aDamagedFileIsDiscardedWithAWarningAndTheRunResumesThePreviousEpoch(String file, String damage)
      throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    save(cp, 3, true);
    Path broken = latestFolder().resolve(file);
    damage(broken, damage);

    Restored r = restore();
    assertEquals(2, r.epoch(), warnings.toString());
    assertWeights(2, r.weights());
    assertWarned(broken.toString(), "discarded");
    assertWarned("resuming from", "after epoch 2");
  }

  @Test
  void aBestFileDamagedAfterRestoreIsRefusedByLoadBest() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    Restored r = restore();
    Path best = latestFolder().resolve(Checkpoints.BEST);
    damage(best, "flip");
    try (Classifier m = model(60)) {
      IOException e = assertThrows(IOException.class, () -> r.checkpoints().loadBest(m));
      assertTrue(e.getMessage().contains(best.toString()) && e.getMessage().contains("delete " + dir),
          e.getMessage());
    }
  }

  @Test
  void loadBestWithoutAnyCheckpointSaysSo() throws Exception {
    try (Classifier m = model(61)) {
      IOException e = assertThrows(IOException.class, () -> checkpoints().loadBest(m));
      assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no checkpoint"),
          e.getMessage());
    }
  }

  // ---------------------------------------------------------------- damaged pointer

  @Test
  void aGarbagePointerIsReportedAndTheNewestFolderThatVerifiesIsUsed() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    Files.writeString(dir.resolve(CheckpointPointer.FILE), "\u0000\u0007 not json");

    Restored r = restore();
    assertEquals(2, r.epoch());
    assertWeights(2, r.weights());
    assertWarned(dir.resolve(CheckpointPointer.FILE).toString(), "unreadable");
  }

  @Test
  void aPointerEditedToAnotherFolderFailsItsOwnChecksum() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    Path pointer = dir.resolve(CheckpointPointer.FILE);
    String older = folders().stream().map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith("epoch-0001")).findFirst().orElseThrow();
    String text = Files.readString(pointer).replaceAll("epoch-0002-[0-9a-f-]+", older);
    Files.writeString(pointer, text);

    Restored r = restore();
    assertEquals(2, r.epoch(), "the newest folder that verifies, not the one the damaged pointer names");
    assertWarned(pointer.toString(), "checksum");
  }

  @Test
  void aPointerToAMissingFolderFallsBack() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    Path gone = latestFolder();
    dev.drelu.core.FileTrees.deleteTree(gone);

    Restored r = restore();
    assertEquals(1, r.epoch());
    assertWeights(1, r.weights());
    assertWarned(gone.toString(), "missing");
  }

  @Test
  void whenNothingVerifiesTrainingStartsFromScratchWithTheModelUntouched() throws Exception {
    Checkpoints cp = checkpoints();
    save(cp, 1, true);
    save(cp, 2, true);
    for (Path f : folders()) {
      damage(f.resolve(Checkpoints.CURRENT), "flip");
    }
    try (Classifier m = model(70); Adam adam = adam(m)) {
      List<float[]> before = weights(m);
      assertEquals(Optional.empty(), checkpoints().restore(m, adam));
      List<float[]> after = weights(m);
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), "parameter " + i + " was changed by a rejected checkpoint");
      }
    }
    assertWarned("no checkpoint in " + dir, "from scratch");
    assertEquals(3, warnings.size(), "one line per rejected folder and one for the fresh start: " + warnings);
  }

  @Test
  void aCheckpointOfTheOldFormatIsNotTrustedAndIsRemovedOnTheNextSave() throws Exception {
    Path legacy = dir.resolve("checkpoint");
    Files.createDirectories(legacy);
    Files.writeString(legacy.resolve("state.json"), "{\"completedEpochs\": 5}");
    Restored r = restore();
    assertEquals(-1, r.epoch());
    assertWarned(legacy.toString(), "without checksums");

    save(r.checkpoints(), 1, true);
    assertFalse(Files.exists(legacy));
  }

  @Test
  void aVerifiedCheckpointOfAnotherModelIsRefusedWithTheFolderToDelete() throws Exception {
    save(checkpoints(), 1, true);
    try (Classifier other = Classifier.create(ToyData.cnn(ActivationKind.RELU, Placement.HEAD), ToyData.SHAPE, 1,
        Device.cpu()); Adam adam = adam(other)) {
      IOException e = assertThrows(IOException.class, () -> checkpoints().restore(other, adam));
      assertTrue(e.getMessage().contains(latestFolder().toString()) && e.getMessage().contains("delete " + dir),
          e.getMessage());
    }
  }

  // ---------------------------------------------------------------- two processes

  @Test
  void twoWritersOfTheSameEpochNeverShareAFolderOrTempName() throws Exception {
    Checkpoints a = checkpoints();
    Checkpoints b = checkpoints();
    Path stagedA = a.stage(state(1), saved(1), adamFor(1), true);
    Path stagedB = b.stage(state(1), saved(1), adamFor(1), true);
    assertNotEquals(stagedA, stagedB);
    Path folderA = a.publish(stagedA);
    Path folderB = b.publish(stagedB);
    a.point(folderA);
    b.point(folderB);
    assertTrue(Files.isDirectory(folderA) && Files.isDirectory(folderB), "neither overwrote the other");
    CheckpointChecksums.verify(folderA, Checkpoints.FILES);
    CheckpointChecksums.verify(folderB, Checkpoints.FILES);
    assertEquals(1, restore().epoch());
    assertEquals(List.of(), warnings);
  }

  // ---------------------------------------------------------------- helpers

  private record Restored(int epoch, List<float[]> weights, Checkpoints checkpoints) {}

  private Checkpoints checkpoints() {
    return new Checkpoints(dir, warnings::add);
  }

  /** Restores into a fresh model; epoch -1 for a fresh start. */
  private Restored restore() throws IOException {
    Checkpoints cp = checkpoints();
    try (Classifier m = model(99); Adam adam = adam(m)) {
      Optional<TrainingState> s = cp.restore(m, adam);
      return new Restored(s.map(TrainingState::completedEpochs).orElse(-1), weights(m), cp);
    }
  }

  private final Map<Integer, Classifier> models = new HashMap<>();
  private final List<AutoCloseable> open = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** The model saved as epoch {@code epoch}: its own seed, so each epoch's weights differ. */
  private Classifier saved(int epoch) {
    return models.computeIfAbsent(epoch, e -> {
      Classifier c = model(e);
      open.add(c);
      savedWeights.put(e, weights(c));
      return c;
    });
  }

  private Adam adamFor(int epoch) {
    Adam a = adam(saved(epoch));
    open.add(a);
    return a;
  }

  private void save(Checkpoints cp, int epoch, boolean newBest) throws IOException {
    cp.save(state(epoch), saved(epoch), adamFor(epoch), newBest);
  }

  private static TrainingState state(int epoch) {
    return new TrainingState(epoch, Schedule.start(PARAMS), List.of());
  }

  private static Classifier model(long seed) {
    return Classifier.create(ToyData.dense(ActivationKind.RELU, 2.0), ToyData.SHAPE, seed, Device.cpu());
  }

  private static Adam adam(Classifier m) {
    return new Adam(m.parameters(), m::isCap, m.manager());
  }

  private static List<float[]> weights(Classifier c) {
    List<float[]> out = new ArrayList<>();
    c.parameters().forEach(p -> out.add(p.getArray().toFloatArray()));
    return out;
  }

  private void assertWeights(int epoch, List<float[]> actual) {
    List<float[]> expected = savedWeights.get(epoch);
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i + " is not epoch " + epoch + "'s");
    }
  }

  private void assertWarned(String... parts) {
    assertTrue(warnings.stream().anyMatch(w -> Stream.of(parts).allMatch(w::contains)),
        "no warning contains " + List.of(parts) + ": " + warnings);
  }

  private Path latestFolder() throws IOException {
    String text = Files.readString(dir.resolve(CheckpointPointer.FILE));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch-[0-9a-f-]+").matcher(text);
    assertTrue(m.find(), text);
    return dir.resolve(m.group());
  }

  private List<Path> folders() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Checkpoints.isFolderName(p.getFileName().toString())).sorted().toList();
    }
  }

  /** @return anything in the work folder that is neither a checkpoint folder nor the pointer */
  private List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !Checkpoints.isFolderName(p.getFileName().toString())
          && !p.getFileName().toString().equals(CheckpointPointer.FILE)).toList();
    }
  }

  private static void damage(Path file, String how) throws IOException {
    switch (how) {
      case "flip" -> {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x01;
        Files.write(file, b);
      }
      case "truncate" -> {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
      }
      case "delete" -> Files.delete(file);
      default -> throw new IllegalArgumentException(how);
    }
  }

  /** Renames a staging folder as if a process that has since died had written it. */
  private static Path asDeadProcess(Path staged) throws Exception {
    String name = staged.getFileName().toString();
    String renamed = name.replaceFirst("^(epoch-\\d+)-\\d+-", "$1-" + deadPid() + "-");
    return Files.move(staged, staged.resolveSibling(renamed));
  }

  /** @return the pid of a process that has exited */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
