package dev.drelu.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import dev.drelu.testing.Slow;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two CLI runs of the same spec started at once on one empty store: both succeed, every task is
 * computed by exactly one of them (the other says it reused it, after waiting on its lock if it
 * was still running), and the store holds the reference table and passes `cache verify`.
 */
@Slow
class TwoProcessesTest {
  /** "[train dense-relu s1] reused ..." (also "reused (committed by another run meanwhile)"). */
  private static final Pattern REUSED = Pattern.compile("^\\[([a-z]+ [^\\]]+)\\] reused .*$", Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void twoRunsOnOneStoreComputeEachTaskOnce() throws Exception {
    FaultRig.Reference ref = FaultRig.reference();
    Path spec = FaultRig.writeSpec(dir, "faults");
    Path home = dir.resolve("home");
    Path store = dir.resolve("store");
    Path logA = dir.resolve("a.log");
    Path logB = dir.resolve("b.log");
    Process a = FaultRig.start(home, logA, Map.of(), FaultRig.runArgs(spec, store));
    Process b = FaultRig.start(home, logB, Map.of(), FaultRig.runArgs(spec, store));
    FaultRig.Result ra = FaultRig.finish(a, logA);
    FaultRig.Result rb = FaultRig.finish(b, logB);
    assertEquals(0, ra.code(), ra.log());
    assertEquals(0, rb.code(), rb.log());

    List<String> reusedByA = reused(ra.log());
    List<String> reusedByB = reused(rb.log());
    // each task is reused by at most one run, so each was computed by at most one; and the plan lists TASKS
    List<String> all = new ArrayList<>(reusedByA);
    all.addAll(reusedByB);
    assertEquals(all.stream().distinct().count(), all.size(), "a task reused by both runs: A " + reusedByA
        + ", B " + reusedByB);
    assertEquals(FaultRig.TASKS, all.size(), "every task computed by exactly one run, reused by the other:\nA "
        + reusedByA + "\nB " + reusedByB + "\n--- A\n" + ra.log() + "\n--- B\n" + rb.log());
    int waits = (int) (FaultRig.count(ra.log(), "waiting for pid " + b.pid())
        + FaultRig.count(rb.log(), "waiting for pid " + a.pid()));
    long meanwhile = FaultRig.count(ra.log() + rb.log(), "reused (committed by another run meanwhile)");

    assertEquals(ref.table(), FaultRig.table(store));
    assertEquals(ref.files(), FaultRig.reproducibleFiles(store));
    assertEquals(FaultRig.TASKS, FaultRig.committed(store).size());
    try (Stream<Path> locks = Files.walk(store.resolve(".locks"))) {
      List<Path> left = locks.filter(f -> f.toString().endsWith(".lock")).toList();
      assertEquals(List.of(), left, "every task lock is released");
    }
    FaultRig.Result v = FaultRig.verify(home, dir.resolve("verify.log"), store);
    assertEquals(0, v.code(), v.log());
    System.out.printf("faults: 2 concurrent runs on one store, both exit 0, %d tasks computed once each"
        + " (%d by A, %d by B; %d lock waits, %d reused after waiting), same table, verify clean%n",
        FaultRig.TASKS, reusedByB.size(), reusedByA.size(), waits, meanwhile);
  }

  private static List<String> reused(String log) {
    List<String> out = new ArrayList<>();
    Matcher m = REUSED.matcher(log);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
