package dev.drelu.store;

import java.util.List;
import java.util.Map;

/**
 * What an artifact folder holds and where it came from ({@code manifest.json}). Hashed into the
 * key: stage, stageVersion, params, inputKeys. Recorded but never hashed: the rest.
 *
 * @param files file name to its sha256 and size
 * @param summary small results worth reading without opening the files
 * @param provenance code version, engine versions, host facts, creation time
 */
public record Manifest(
    int formatVersion,
    String stage,
    int stageVersion,
    String key,
    Map<String, Object> params,
    List<String> inputKeys,
    Map<String, FileEntry> files,
    Map<String, String> summary,
    Map<String, String> provenance) {

  /** The current manifest format. Older manifests must keep loading. */
  public static final int FORMAT_VERSION = 1;

  public Manifest {
    params = params == null ? Map.of() : params;
    inputKeys = inputKeys == null ? List.of() : List.copyOf(inputKeys);
    files = files == null ? Map.of() : Map.copyOf(files);
    summary = summary == null ? Map.of() : Map.copyOf(summary);
    provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
  }

  /** One file of an artifact. */
  public record FileEntry(String sha256, long bytes) {}
}
