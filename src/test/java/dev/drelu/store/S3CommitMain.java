package dev.drelu.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A process that commits one artifact of many files to an S3 store, so a test can SIGKILL it
 * while the files are uploading. Arguments: location, local folder, cache folder, file count.
 * Credentials come from the {@code aws.*} system properties the test passes.
 */
public final class S3CommitMain {
  private S3CommitMain() {}

  public static void main(String[] args) throws Exception {
    S3ArtifactStore store = S3ArtifactStore.open(S3Location.parse(args[0]), Path.of(args[1]),
        new S3FileCache(Path.of(args[2])));
    ArtifactStore.Staging s = store.begin(StoreContractTest.STAGE, StoreContractTest.KEY);
    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
      Files.write(s.file(String.format("part-%04d.bin", i)), new byte[] {(byte) i, 1, 2, 3});
    }
    store.commit(s, 1, Map.of(), List.of(), Map.of());
    System.out.println("committed");
  }
}
