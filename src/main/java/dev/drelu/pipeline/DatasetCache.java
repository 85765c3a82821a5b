package dev.drelu.pipeline;

import dev.drelu.data.ArrowDatasets;
import dev.drelu.data.ImageDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the last few datasets a worker read, so the tasks of one worker that share a prepared
 * dataset read its Arrow files once. One per DoFn instance (not shared between threads).
 */
final class DatasetCache {
  private static final int CAPACITY = 4;
  private final Map<Path, ImageDataset> cache = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Path, ImageDataset> eldest) {
      return size() > CAPACITY;
    }
  };

  ImageDataset read(Path file) throws IOException {
    ImageDataset d = cache.get(file);
    if (d == null) {
      d = ArrowDatasets.read(file);
      cache.put(file, d);
    }
    return d;
  }
}
