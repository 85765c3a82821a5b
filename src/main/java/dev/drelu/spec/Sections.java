package dev.drelu.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a section's mapping comes from: wherever a spec names a parameter set it may give a file
 * path, relative to the file that names it, or the mapping itself.
 */
final class Sections {
  private Sections() {}

  /**
   * @return what {@code reader} makes of the section under {@code key} (a file path or an inline
   *     mapping), or null if it is absent or could not be read (reported)
   */
  static <T> T read(YamlMap parent, String key, Function<YamlMap, T> reader) {
    YamlMap m = parent.isScalar(key)
        ? referenced(parent, parent.string(key, null), parent.lineOf(key), parent.path(key))
        : parent.map(key);
    return m == null ? null : reader.apply(m);
  }

  /** @return a list item's mapping: inline, or the file it names; null if unreadable (reported) */
  static YamlMap item(YamlMap parent, YamlMap.Item item) {
    if (item.map() != null) {
      return item.map();
    }
    return referenced(parent, item.scalar(), item.line(), item.path());
  }

  /** Loads a file a spec names; a missing file is reported where it is named. */
  private static YamlMap referenced(YamlMap parent, String relative, int line, String key) {
    Path target = parent.file().getParent().resolve(relative).normalize();
    if (!Files.isRegularFile(target)) {
      parent.errors().add(parent.file(), line, key, "file not found: " + target
          + " (paths are relative to " + parent.file().getParent() + ")");
      return null;
    }
    return YamlMap.load(target, parent.errors());
  }

  /** @return {@code path} relative to the folder of the file {@code m} is in; absolute paths and null stay */
  static String relative(YamlMap m, String path) {
    return path == null || Path.of(path).isAbsolute() ? path : m.file().getParent().resolve(path).normalize().toString();
  }

  /** @return the file's name without its extension: what a section in its own file is named after */
  static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
