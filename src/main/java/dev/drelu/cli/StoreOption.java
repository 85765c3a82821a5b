package dev.drelu.cli;

import dev.drelu.core.DreluHome;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.S3Location;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * --store and the S3 client flags, for every command that opens the artifact store. The result
 * is one location string ({@link #location}) that carries everything a remote worker needs
 * except credentials, which each worker takes from its own {@code AWS_*} environment.
 */
final class StoreOption {
  @Option(names = "--store", description = "artifact store: a folder or s3://bucket/prefix (default: $DRELU_HOME/store)")
  String store;

  @Option(names = "--s3-endpoint", description = "S3-compatible server URL (default: $AWS_ENDPOINT_URL, else AWS)")
  String s3Endpoint;

  @Option(names = "--s3-region", description = "S3 signing region (default: $AWS_REGION, else us-east-1)")
  String s3Region;

  @Option(names = "--s3-path-style", arity = "0..1", fallbackValue = "true",
      description = "put the bucket in the URL path, not the host name (default: true with a custom endpoint)")
  Boolean s3PathStyle;

  /**
   * @return the store's location as {@link ArtifactStore#open} takes it: a folder, or an s3://
   *     location with the endpoint, region and addressing filled in from the flags and environment
   * @throws IllegalArgumentException if it is mistyped, or a folder that is a file
   */
  String location() {
    if (store == null) {
      return DreluHome.get().resolve("store").toString();
    }
    if (S3Location.isS3(store)) {
      return S3Location.parse(store).withDefaults(s3Endpoint, s3Region, s3PathStyle, System.getenv()).toString();
    }
    S3Location.checkNotMistyped(store);
    if (s3Endpoint != null || s3Region != null || s3PathStyle != null) {
      throw new IllegalArgumentException("--s3-endpoint, --s3-region and --s3-path-style need an s3://bucket/prefix "
          + "--store, but --store is the folder " + store);
    }
    Path folder = Path.of(store);
    if (Files.exists(folder) && !Files.isDirectory(folder)) {
      // an IllegalArgumentException is printed as "drelu: <message>" with exit code 2
      throw new IllegalArgumentException("--store must be a folder, but " + store + " is a file");
    }
    return store;
  }

  /**
   * @return the store, checked to be usable (an S3 store: reachable, credentials accepted, bucket there)
   * @throws IllegalArgumentException saying what to check if it is not
   */
  ArtifactStore open() {
    return ArtifactStore.open(location());
  }
}
