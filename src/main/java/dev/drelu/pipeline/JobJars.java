package dev.drelu.pipeline;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a remote Flink cluster must be sent to run drelu's tasks ({@code --filesToStage}): drelu's
 * classes and every library on this JVM's classpath, except Flink itself and the PyTorch engine,
 * which the cluster provides (see ci/flink-cluster/pom.xml: a second copy of Flink's classes in the
 * job breaks its class loading, and libtorch can be loaded by one class loader per JVM only).
 *
 * <p>This is the jar and classpath the {@code ./drelu} launcher already builds (target/drelu.jar
 * and target/runtime-classpath.txt), so nothing is shaded: Beam zips a class folder into a jar
 * itself, and a Flink TaskManager caches each jar by its hash, so a rerun uploads nothing twice.
 */
public final class JobJars {
  /** Maven repository paths of what the cluster has on its own classpath. */
  private static final List<String> PROVIDED = List.of("/org/apache/flink/", "/ai/djl/");

  private JobJars() {}

  /** @return the files to stage, from {@code java.class.path} (a manifest-only jar is expanded) */
  public static List<String> fromClasspath() {
    Set<String> out = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      add(Path.of(entry).toAbsolutePath().normalize(), out);
    }
    return new ArrayList<>(out);
  }

  /** @return true for a jar the cluster provides itself */
  static boolean provided(Path entry) {
    String p = entry.toString().replace(File.separatorChar, '/');
    return PROVIDED.stream().anyMatch(p::contains);
  }

  private static void add(Path entry, Set<String> out) {
    if (!Files.exists(entry) || provided(entry) || out.contains(entry.toString())) {
      return;
    }
    out.add(entry.toString());
    if (Files.isRegularFile(entry) && entry.toString().endsWith(".jar")) {
      for (Path referenced : manifestClassPath(entry)) {
        add(referenced, out);
      }
    }
  }

  /** A launcher jar (surefire's, for one) may name the real classpath in its manifest. */
  private static List<Path> manifestClassPath(Path jar) {
    List<Path> refs = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      Manifest m = f.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
      if (cp != null) {
        for (String ref : cp.trim().split("\\s+")) {
          if (!ref.isEmpty()) {
            refs.add(Path.of(jar.getParent().toUri().resolve(ref)).normalize());
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // not a readable jar, or a reference that is not a file: Beam reports what it cannot stage
    }
    return refs;
  }
}
