package dev.drelu.nn;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An external classifier: a TorchScript file ({@code torch.jit.save}) that drelu evaluates as
 * given, never trains.
 *
 * @param path where the spec found it; not hashed (moving the file changes nothing)
 * @param sha256 the file's content hash as the spec loader read it: it, not the path, enters the
 *     cache key, so a changed file is evaluated again
 */
public record TorchScriptFile(@JsonIgnore String path, String sha256) implements Serializable {
  public TorchScriptFile {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, but was: " + sha256);
    }
  }

  /**
   * @return the file's hash as a {@link TorchScriptFile}
   * @throws IOException if it cannot be read
   */
  public static TorchScriptFile of(Path file) throws IOException {
    return new TorchScriptFile(file.toString(), Classifier.checkpointSha256(file));
  }

  /**
   * A cheap look at the container, so a wrong file is a spec error before any work starts;
   * whether libtorch can load and run it is checked when the model is imported.
   *
   * @return what is wrong with the file as a TorchScript archive, or null if its layout is right:
   *     a zip whose entries sit in one folder with {@code data.pkl}, {@code version} and {@code code/}
   * @throws IOException if the file cannot be read at all
   */
  public static String archiveProblem(Path file) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        names.add(e.nextElement().getName());
      }
    } catch (ZipException notAZip) {
      return "is not a TorchScript archive (not a zip file: " + notAZip.getMessage() + "); a file from"
          + " torch.save() holds weights only: save the scripted or traced module with torch.jit.save";
    }
    if (names.isEmpty() || names.get(0).indexOf('/') < 0) {
      return "is not a TorchScript archive (its entries are not in one folder)";
    }
    String dir = names.get(0).substring(0, names.get(0).indexOf('/') + 1);
    List<String> missing = new ArrayList<>();
    if (!names.contains(dir + "data.pkl")) {
      missing.add("data.pkl");
    }
    if (!names.contains(dir + "version") && !names.contains(dir + ".data/version")) {
      missing.add("version");
    }
    if (names.stream().noneMatch(n -> n.startsWith(dir + "code/"))) {
      missing.add("code/");
    }
    return missing.isEmpty() ? null : "is not a TorchScript archive (no " + String.join(", ", missing)
        + " in " + dir + "); save the module with torch.jit.save";
  }
}
