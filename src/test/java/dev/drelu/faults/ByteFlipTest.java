package dev.drelu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import dev.drelu.testing.Slow;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped bit in each kind of stored file (manifests and their sha256 included), then
 * `drelu cache verify` and the same run again:
 * verify names the damaged artifact (exit 1), the rerun says the cached copy is corrupt,
 * recomputes it and ends with the reference table, the same models and a clean verify. The same
 * for each file of a training checkpoint: the rerun discards the damaged checkpoint, resumes from
 * the one before (or from scratch) and trains the same model.
 */
@Slow
class ByteFlipTest {
  @TempDir Path dir;

  private Path home;
  private Path spec;
  private int runs;

  private FaultRig.Result run(Path store) throws Exception {
    return FaultRig.runOffline(home, dir.resolve("run-" + (runs++) + ".log"), spec, store);
  }

  private FaultRig.Result verify(Path store) throws Exception {
    return FaultRig.verify(home, dir.resolve("verify-" + (runs++) + ".log"), store);
  }

  @Test
  void aFlippedBitInAnyArtifactIsReportedAndRecomputed() throws Exception {
    home = dir.resolve("home");
    spec = FaultRig.writeSpec(dir, "faults");
    FaultRig.Reference ref = FaultRig.reference();
    Path store = dir.resolve("store");
    FaultRig.copyTree(ref.store(), store);
    Random random = new Random(Long.getLong("drelu.faults.seed", 9));
    List<Path> trains = FaultRig.list(store.resolve("train"));
    int t = random.nextInt(2);

    // Three rounds, each damaging a different artifact per kind (one error per artifact is reported)
    List<Map<String, Path>> rounds = List.of(
        kinds("prepare train.arrow", pick(store, "prepare", "train.arrow", random),
            "train model.params", trains.get(t).resolve("model.params"),
            "attack results.arrow", pick(store, "attack", "results.arrow", random),
            "diagnose diagnostics.json", pick(store, "diagnose", "diagnostics.json", random),
            "summarise summary.md", pick(store, "summarise", "summary.md", random)),
        kinds("prepare test.arrow", pick(store, "prepare", "test.arrow", random),
            "train model.json", trains.get(1 - t).resolve("model.json"),
            "summarise summary.csv", pick(store, "summarise", "summary.csv", random)),
        kinds("train manifest.json", trains.get(t).resolve("manifest.json"),
            "attack manifest.json summary", pick(store, "attack", "manifest.json", random),
            "diagnose manifest.sha256", pick(store, "diagnose", "manifest.sha256", random),
            "summarise report/index.html", pick(store, "summarise", "report/index.html", random)));

    int flips = 0;
    int reported = 0;
    int recomputed = 0;
    for (Map<String, Path> round : rounds) {
      List<String> what = new ArrayList<>();
      for (Map.Entry<String, Path> kind : round.entrySet()) {
        Path file = kind.getValue();
        // in a manifest: a size or sha256 of its files, or (bit 0 of) a digit of its summary, which
        // keeps it valid JSON and changes a result the table shows
        boolean summary = kind.getKey().endsWith("manifest.json summary");
        long offset = summary ? digitInSummary(file, random)
            : kind.getKey().endsWith("manifest.json") ? offsetInFilesSection(file, random)
            : random.nextInt((int) Files.size(file));
        int bit = summary ? 0 : random.nextInt(8);
        flipBit(file, offset, bit);
        what.add(kind.getKey() + " (byte " + offset + ", bit " + bit + ")");
        flips++;
      }

      FaultRig.Result v = verify(store);
      assertEquals(1, v.code(), "verify after flips in " + what + ":\n" + v.log());
      assertEquals(round.size(), FaultRig.count(v.log(), "CORRUPT "), what + ": " + v.log());
      for (Map.Entry<String, Path> kind : round.entrySet()) {
        Path file = kind.getValue();
        Path artifact = file.getParent().getFileName().toString().equals("report") ? file.getParent().getParent()
            : file.getParent();
        // the line names the artifact, and the damaged file unless the manifest itself was hit
        String expected = "CORRUPT " + artifact + ": " + (kind.getKey().contains(" manifest.") ? "" : file);
        assertTrue(v.log().contains(expected), kind.getKey() + ": no '" + expected + "' in\n" + v.log());
        reported++;
      }

      FaultRig.Result rerun = run(store);
      assertEquals(0, rerun.code(), what + ":\n" + rerun.log());
      for (Map.Entry<String, Path> kind : round.entrySet()) {
        String stage = kind.getKey().substring(0, kind.getKey().indexOf(' '));
        assertTrue(rerun.log().lines().anyMatch(l -> l.startsWith("[" + stage + " ")
            && l.contains("cached copy is corrupt and will be replaced")), kind.getKey() + ":\n" + rerun.log());
      }
      assertEquals(round.size(), FaultRig.count(rerun.log(), "cached copy is corrupt"), what + ":\n" + rerun.log());
      assertEquals(ref.table(), FaultRig.table(store), what.toString());
      assertEquals(ref.files(), FaultRig.reproducibleFiles(store), what.toString());
      FaultRig.Result clean = verify(store);
      assertEquals(0, clean.code(), what + ":\n" + clean.log());
      recomputed += round.size();
    }
    System.out.printf("faults: %d one-bit flips in %d kinds of artifact file, %d reported by cache verify,"
        + " %d recomputed to the reference table, verify clean after each of %d reruns%n", flips, flips, reported,
        recomputed, rounds.size());
  }

  private static Map<String, Path> kinds(Object... kindAndFile) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (int i = 0; i < kindAndFile.length; i += 2) {
      out.put((String) kindAndFile[i], (Path) kindAndFile[i + 1]);
    }
    return out;
  }

  @Test
  void aFlippedBitInATrainingCheckpointIsDiscardedAndTrainingEndsTheSame() throws Exception {
    home = dir.resolve("home");
    spec = FaultRig.writeSpec(dir, "faults");
    FaultRig.Reference ref = FaultRig.reference();
    Path reference = ref.store();

    // a run killed once a training has two checkpoints: the current one and its fallback
    Path store = dir.resolve("store");
    Path work = killWithTwoCheckpoints(store);
    Path snapshot = dir.resolve("snapshot");
    FaultRig.copyTree(work, snapshot);
    Random random = new Random(Long.getLong("drelu.faults.seed", 9));

    List<String> kinds = List.of("LATEST", "checksums.json", "params.bin", "best.bin");
    int discarded = 0;
    int sameModel = 0;
    for (String kind : kinds) {
      FaultRig.deleteTree(work);
      FaultRig.copyTree(snapshot, work);
      Path file = kind.equals("LATEST") ? work.resolve("LATEST") : latestFolder(work).resolve(kind);
      long offset = random.nextInt((int) Files.size(file));
      int bit = random.nextInt(8);
      flipBit(file, offset, bit);
      String what = "checkpoint " + kind + " (byte " + offset + ", bit " + bit + ")";

      FaultRig.Result r = FaultRig.drelu(home, dir.resolve("resume-" + kind + ".log"),
          "run", spec.toString(), "--store", store.toString(), "--no-tracking", "--parallelism", "1",
          "--only", "train");
      assertEquals(0, r.code(), what + ":\n" + r.log());
      List<String> warnings = r.log().lines().filter(l -> l.startsWith("[checkpoint] warning")).toList();
      assertTrue(warnings.stream().anyMatch(l -> l.contains(file.toString())), what + " is named:\n" + r.log());
      assertTrue(warnings.stream().anyMatch(l -> l.contains("checkpoint discarded")
          || l.contains("looking for the newest checkpoint folder that verifies")), what + ":\n" + r.log());
      discarded++;
      for (Path model : FaultRig.list(reference.resolve("train"))) {
        Path trained = store.resolve("train").resolve(model.getFileName());
        assertEquals(FaultRig.sha256(model.resolve("model.params")), FaultRig.sha256(trained.resolve("model.params")),
            what + ": the resumed training must end with the reference model " + model.getFileName());
      }
      sameModel++;
      // back to the killed state for the next flip: the models are trained again from the checkpoints
      FaultRig.deleteTree(store.resolve("train"));
    }
    FaultRig.deleteTree(work);
    FaultRig.copyTree(snapshot, work);
    FaultRig.Result last = run(store);
    assertEquals(0, last.code(), last.log());
    assertEquals(ref.table(), FaultRig.table(store));
    assertEquals(ref.files(), FaultRig.reproducibleFiles(store));
    assertEquals(0, verify(store).code());
    System.out.printf("faults: %d checkpoint files flipped (%s), %d discarded with a warning, %d resumed"
        + " trainings ended with the reference model%n", kinds.size(), String.join(", ", kinds), discarded, sameModel);
  }

  /** Starts the pipeline and kills it once a training's LATEST names its second checkpoint. */
  private Path killWithTwoCheckpoints(Path store) throws Exception {
    Path log = dir.resolve("killed.log");
    Process p = FaultRig.start(home, log, Map.of(), FaultRig.runArgs(spec, store));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try {
      while (System.nanoTime() < deadline) {
        for (Path work : FaultRig.list(store.resolve(".work/train"))) {
          if (checkpointFolders(work) >= 2 && Files.exists(work.resolve("LATEST"))) {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            // LATEST may name a folder whose successor was being written: keep what a rerun sees
            if (checkpointFolders(work) >= 2) {
              return work;
            }
          }
        }
        if (!p.isAlive()) {
          fail("the run ended before a training had two checkpoints:\n" + Files.readString(log));
        }
        Thread.sleep(2);
      }
      fail("no training wrote two checkpoints within 120 s:\n" + Files.readString(log));
      return null;
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static long checkpointFolders(Path work) {
    try (Stream<Path> s = Files.list(work)) {
      return s.filter(f -> f.getFileName().toString().matches("epoch-\\d{4,}-\\d+-[0-9a-f]+")).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static Path latestFolder(Path work) throws Exception {
    String pointer = Files.readString(work.resolve("LATEST"));
    for (Path f : FaultRig.list(work)) {
      if (pointer.contains(f.getFileName().toString()) && Files.isDirectory(f)) {
        return f;
      }
    }
    throw new AssertionError("LATEST names no folder of " + work + ": " + pointer);
  }

  /** @return {@code name} in a seeded choice among the stage's artifacts */
  private static Path pick(Path store, String stage, String name, Random random) throws Exception {
    List<Path> artifacts = new ArrayList<>(FaultRig.list(store.resolve(stage)));
    assertTrue(!artifacts.isEmpty(), "no " + stage + " artifact in " + store);
    Path file = artifacts.get(random.nextInt(artifacts.size())).resolve(name);
    assertTrue(Files.isRegularFile(file), file.toString());
    return file;
  }

  /** @return a seeded offset inside the "files" block of a manifest (its sizes and sha256s) */
  private static long offsetInFilesSection(Path manifest, Random random) throws Exception {
    String text = Files.readString(manifest, StandardCharsets.US_ASCII);
    int start = text.indexOf("\"files\"");
    int end = text.indexOf('}', text.indexOf("\"sha256\"", start));
    assertTrue(start >= 0 && end > start, manifest.toString());
    return start + random.nextInt(end - start);
  }

  /** @return a seeded offset of a digit in the "summary" block of a manifest */
  private static long digitInSummary(Path manifest, Random random) throws Exception {
    String text = Files.readString(manifest, StandardCharsets.US_ASCII);
    int start = text.indexOf("\"summary\"");
    int end = text.indexOf('}', start);
    List<Integer> digits = new ArrayList<>();
    for (int i = start; i < end; i++) {
      if (Character.isDigit(text.charAt(i))) {
        digits.add(i);
      }
    }
    assertTrue(!digits.isEmpty(), "no digit in the summary of " + manifest);
    return digits.get(random.nextInt(digits.size()));
  }

  private static void flipBit(Path file, long offset, int bit) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= (byte) (1 << bit);
    Files.write(file, bytes);
  }

}
