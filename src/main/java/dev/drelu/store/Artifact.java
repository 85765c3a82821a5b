package dev.drelu.store;

/**
 * A committed artifact opened for reading ({@link ArtifactStore#open}): its manifest, and its
 * files by name as local paths. A remote store downloads a file into a local cache when it is
 * first asked for, so a stage that reads one split of a dataset does not fetch the others.
 */
public interface Artifact extends ArtifactFiles {
  /** @return the stage, key, location and summary of the artifact */
  ArtifactRef ref();

  /** @return its manifest (seal checked) */
  Manifest manifest();

  /** @return true if the manifest lists the file */
  @Override
  default boolean has(String name) {
    return manifest().files().containsKey(name);
  }

  /** @return the files the manifest lists */
  @Override
  default java.util.List<String> names() {
    return manifest().files().keySet().stream().sorted().toList();
  }

  @Override
  default String location() {
    return ref().location();
  }
}
