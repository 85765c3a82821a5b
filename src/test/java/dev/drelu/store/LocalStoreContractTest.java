package dev.drelu.store;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a folder. */
class LocalStoreContractTest extends StoreContractTest {
  @TempDir Path root;

  @Override
  ArtifactStore store() {
    return new LocalArtifactStore(root);
  }

  @Override
  ArtifactStore storeOnAnotherMachine() {
    // a second process on the shared folder, with its own memory
    return new LocalArtifactStore(root);
  }

  @Override
  void overwrite(String stage, String key, String file, byte[] bytes) throws Exception {
    Files.write(root.resolve(stage).resolve(key).resolve(file), bytes);
  }

  @Override
  void delete(String stage, String key, String file) throws Exception {
    Files.delete(root.resolve(stage).resolve(key).resolve(file));
  }
}
