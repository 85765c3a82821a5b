package dev.drelu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.store.ArtifactStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code drelu cache verify} on a real store: folders with a broken manifest are reported, not skipped. */
class CacheCommandTest {
  @TempDir Path root;

  @Test
  void verifyReportsCountsAndFailsOnMissingTruncatedAndGarbageManifests() throws Exception {
    ArtifactStore store = ArtifactStore.open(root.toString());
    Path intact = commit(store, "train", "1".repeat(64));
    Path deleted = commit(store, "train", "2".repeat(64));
    Path truncated = commit(store, "attack", "3".repeat(64));
    Path garbage = commit(store, "attack", "4".repeat(64));
    Files.delete(deleted.resolve(ArtifactStore.MANIFEST));
    byte[] manifest = Files.readAllBytes(truncated.resolve(ArtifactStore.MANIFEST));
    Files.write(truncated.resolve(ArtifactStore.MANIFEST), java.util.Arrays.copyOf(manifest, manifest.length / 2));
    Files.writeString(garbage.resolve(ArtifactStore.MANIFEST), "\u0000garbage, not json");

    Result r = verify();

    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.out().contains("CORRUPT " + deleted + ": " + deleted + ": no manifest.json"), r.out());
    assertTrue(r.out().contains("CORRUPT " + truncated + ": " + truncated.resolve(ArtifactStore.MANIFEST)
        + ": unreadable manifest"), r.out());
    assertTrue(r.out().contains("CORRUPT " + garbage + ": " + garbage.resolve(ArtifactStore.MANIFEST)
        + ": unreadable manifest"), r.out());
    assertTrue(!r.out().contains("CORRUPT " + intact), r.out());
    assertEquals(3, r.out().lines().filter(l -> l.startsWith("CORRUPT ")).count(), r.out());
    assertTrue(r.out().contains("4 artifact(s) checked, 3 corrupt: a run recomputes and replaces them, or delete "
        + "the folders listed above."), r.out());
  }

  @Test
  void verifyOfAnIntactStoreSucceeds() throws Exception {
    ArtifactStore store = ArtifactStore.open(root.toString());
    commit(store, "train", "1".repeat(64));
    Path empty = root.resolve("no-store-here");

    Result r = verify();
    assertEquals(0, r.exitCode(), r.out());
    assertTrue(r.out().contains("1 artifact(s) checked, 0 corrupt."), r.out());

    Result none = run("verify", "--store", empty.toString());
    assertEquals(0, none.exitCode(), none.out());
    assertTrue(none.out().contains("0 artifact(s) checked, 0 corrupt."), none.out());
  }

  @Test
  void anEmptyArtifactFolderIsReportedToo() throws Exception {
    Path stray = root.resolve("train").resolve("5".repeat(64));
    Files.createDirectories(stray);
    Result r = verify();
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.out().contains("CORRUPT " + stray + ": " + stray + ": no manifest.json"), r.out());
  }

  private record Result(int exitCode, String out) {}

  private Result verify() {
    return run("verify", "--store", root.toString());
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new CacheCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int code = cli.execute(args);
    return new Result(code, out.toString());
  }

  private static Path commit(ArtifactStore store, String stage, String key) throws IOException {
    ArtifactStore.Staging s = store.begin(stage, key);
    Files.writeString(s.dir().resolve("data.txt"), stage + key);
    return Path.of(store.commit(s, 1, Map.of("p", 1), List.of(), Map.of()).location());
  }
}
