package dev.drelu.export;

import dev.drelu.store.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a real TorchScript archive, as {@code torch.jit.save} lays it out, without Python:
 * <pre>
 *   &lt;archive&gt;/data.pkl                  the module object (pickle protocol 2)
 *   &lt;archive&gt;/code/__torch__/....py     each class's TorchScript source
 *   &lt;archive&gt;/constants.pkl             the constant table (empty here)
 *   &lt;archive&gt;/data/&lt;key&gt;              raw little-endian float32 storages, 64-byte aligned
 *   &lt;archive&gt;/version, byteorder
 * </pre>
 * Tensors are pickled as {@code torch._utils._rebuild_tensor_v2} over a persistent id
 * {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}, and each module as its
 * {@code __torch__} class rebuilt from a dict of its attributes, which is how libtorch's
 * deserializer reads them (torch/csrc/jit/serialization/import.cpp, unpickler.cpp). libtorch, loaded
 * by DJL, is the judge: tests load what this writes and run it.
 *
 * <p>The same module always gives the same bytes (fixed entry times, fixed order), so an exported
 * model's sha256 names its content. Files are written whole or not at all ({@link DurableFiles}).
 */
public final class TorchScriptArchive {
  /** The file format version torch.jit.save writes for modules without versioned operators. */
  static final String FORMAT_VERSION = "3";

  /** Storages start on this boundary in files torch writes (caffe2/serialize/inline_container). */
  private static final int ALIGNMENT = 64;

  /**
   * A fixed entry time, so the same module always gives the same bytes (and sha256). Set as a local
   * date-time: {@code setTime(millis)} would convert through the machine's time zone.
   */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private TorchScriptArchive() {}

  /**
   * A float32 tensor.
   *
   * @param shape its size
   * @param values its values in row-major (contiguous) order
   */
  public record Tensor(long[] shape, float[] values) {
    public Tensor {
      long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      if (n != values.length) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, but "
            + values.length + " were given");
      }
    }

    /** @return contiguous strides, in elements */
    long[] strides() {
      long[] s = new long[shape.length];
      long step = 1;
      for (int i = shape.length - 1; i >= 0; i--) {
        s[i] = step;
        step *= shape[i];
      }
      return s;
    }
  }

  /**
   * One module object of the tree: an instance of a TorchScript class.
   *
   * @param qualifiedClass e.g. {@code __torch__.torch.nn.modules.linear.Linear}; its prefix names
   *     the code file ({@code code/__torch__/torch/nn/modules/linear.py})
   * @param parameters the module's own parameters, in declaration order
   * @param children submodules by attribute name
   * @param forwardBody the statements of {@code forward}, one per line, without indentation
   * @param forwardSignature forward's arguments after {@code self} and its return type, as
   *     TorchScript's printer writes them: {@code "input: Tensor) -> Tensor"} for a network's layer
   */
  public record Module(String qualifiedClass, Map<String, Tensor> parameters, Map<String, Module> children,
      List<String> forwardBody, String forwardSignature) {
    /** A network's layer: {@code forward(self, input: Tensor) -> Tensor}. */
    public static final String LAYER_SIGNATURE = "input: Tensor) -> Tensor";

    /** A network's layer ({@link #LAYER_SIGNATURE}). */
    public Module(String qualifiedClass, Map<String, Tensor> parameters, Map<String, Module> children,
        List<String> forwardBody) {
      this(qualifiedClass, parameters, children, forwardBody, LAYER_SIGNATURE);
    }

    public Module {
      parameters = new LinkedHashMap<>(parameters);
      children = new LinkedHashMap<>(children);
      forwardBody = List.copyOf(forwardBody);
      if (!qualifiedClass.startsWith("__torch__.")) {
        throw new IllegalArgumentException("TorchScript classes live under __torch__, but was: " + qualifiedClass);
      }
      for (String part : qualifiedClass.split("\\.", -1)) {
        identifier("class " + qualifiedClass, part);
      }
      parameters.keySet().forEach(k -> identifier("a parameter of " + qualifiedClass, k));
      children.keySet().forEach(k -> identifier("a submodule of " + qualifiedClass, k));
    }

    /** Names become Python attributes and code paths; anything else would only fail inside libtorch. */
    private static void identifier(String what, String name) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(what + " must be named by a Python identifier, but was: '" + name + "'");
      }
    }

    String qualifier() {
      return qualifiedClass.substring(0, qualifiedClass.lastIndexOf('.'));
    }

    String simpleName() {
      return qualifiedClass.substring(qualifiedClass.lastIndexOf('.') + 1);
    }
  }

  /**
   * Writes {@code root} as a TorchScript archive named after the file (as torch.jit.save does), saved
   * in evaluation mode.
   *
   * @throws IllegalArgumentException if two modules of one class differ in their attributes or code
   */
  public static void write(Path file, Module root) throws IOException {
    write(file, root, false);
  }

  /**
   * Writes the archive whole or not at all: a reader never sees part of it.
   *
   * @param training the modules' training flag as saved: a module saved in training mode runs
   *     dropout unless the loader switches it to evaluation
   */
  public static void write(Path file, Module root, boolean training) throws IOException {
    DurableFiles.replace(file, bytes(archiveName(file), root, training));
  }

  /** @return the archive's top folder for {@code file}: its name without the extension, as torch.jit.save */
  public static String archiveName(Path file) {
    return file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
  }

  /**
   * @param name the archive's top folder (libtorch reads any)
   * @return the archive's bytes: the same module and name always give the same bytes
   * @throws IllegalArgumentException if two modules of one class differ in their attributes or code
   */
  public static byte[] bytes(String name, Module root, boolean training) {
    Map<String, Module> classes = new LinkedHashMap<>();
    collectClasses(root, classes);
    Map<String, StringBuilder> sources = new LinkedHashMap<>();
    classes.values().forEach(m -> sources.computeIfAbsent(m.qualifier(), q -> new StringBuilder()).append(source(m)));

    List<Tensor> storages = new ArrayList<>();
    Pickler data = new Pickler();
    pickleModule(data, root, storages, training);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CountingStream counting = new CountingStream(out);
        ZipOutputStream zip = new ZipOutputStream(counting)) {
      String dir = name + "/";
      stored(zip, counting, dir + "data.pkl", data.finish(), false);
      for (Map.Entry<String, StringBuilder> s : sources.entrySet()) {
        stored(zip, counting, dir + "code/" + s.getKey().replace('.', '/') + ".py",
            s.getValue().toString().getBytes(StandardCharsets.UTF_8), false);
      }
      stored(zip, counting, dir + "constants.pkl", new Pickler().emptyTuple().finish(), false);
      for (int key = 0; key < storages.size(); key++) {
        stored(zip, counting, dir + "data/" + key, littleEndian(storages.get(key).values()), true);
      }
      stored(zip, counting, dir + "version", (FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII), false);
      stored(zip, counting, dir + "byteorder", "little".getBytes(StandardCharsets.US_ASCII), false);
    } catch (IOException e) {
      throw new UncheckedIOException("an in-memory zip cannot fail: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static void collectClasses(Module m, Map<String, Module> classes) {
    Module first = classes.putIfAbsent(m.qualifiedClass(), m);
    // one class has one source file: two instances that differ would silently run the first one's code
    if (first != null && (!first.parameters().keySet().equals(m.parameters().keySet())
        || !childTypes(first).equals(childTypes(m)) || !first.forwardBody().equals(m.forwardBody())
        || !first.forwardSignature().equals(m.forwardSignature()))) {
      throw new IllegalArgumentException("two modules of class " + m.qualifiedClass() + " have different attributes"
          + " or code; give one its own class");
    }
    m.children().values().forEach(c -> collectClasses(c, classes));
  }

  private static Map<String, String> childTypes(Module m) {
    Map<String, String> types = new LinkedHashMap<>();
    m.children().forEach((k, v) -> types.put(k, v.qualifiedClass()));
    return types;
  }

  /** The class as TorchScript's printer writes it: parameter list, attribute annotations, forward. */
  private static String source(Module m) {
    StringBuilder s = new StringBuilder();
    s.append("class ").append(m.simpleName()).append("(Module):\n");
    StringBuilder params = new StringBuilder("[");
    m.parameters().keySet().forEach(p -> params.append('"').append(p).append("\", "));
    s.append("  __parameters__ = ").append(params).append("]\n");
    s.append("  __buffers__ = []\n");
    m.parameters().keySet().forEach(p -> s.append("  ").append(p).append(" : Tensor\n"));
    s.append("  training : bool\n");
    m.children().forEach((k, v) -> s.append("  ").append(k).append(" : ").append(v.qualifiedClass()).append('\n'));
    s.append("  def forward(self: ").append(m.qualifiedClass()).append(",\n");
    s.append("    ").append(m.forwardSignature()).append(":\n");
    m.forwardBody().forEach(line -> s.append("    ").append(line).append('\n'));
    return s.toString();
  }

  /** The object: its class as a global, built from a dict of every attribute the class declares. */
  private static void pickleModule(Pickler p, Module m, List<Tensor> storages, boolean training) {
    p.global(m.qualifier(), m.simpleName()).emptyTuple().newObj();
    p.emptyDict().mark();
    for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
      p.string(e.getKey());
      pickleTensor(p, e.getValue(), storages);
    }
    p.string("training").bool(training);
    for (Map.Entry<String, Module> e : m.children().entrySet()) {
      p.string(e.getKey());
      pickleModule(p, e.getValue(), storages, training);
    }
    p.setItems().build();
  }

  /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks). */
  private static void pickleTensor(Pickler p, Tensor t, List<Tensor> storages) {
    String key = Integer.toString(storages.size());
    storages.add(t);
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().string("storage").global("torch", "FloatStorage").string(key).string("cpu").integer(t.values().length)
        .tuple().persistentId();
    p.integer(0).intTuple(t.shape()).intTuple(t.strides());
    p.bool(true); // parameters are saved requiring gradients; DJL freezes them on load
    p.global("collections", "OrderedDict").emptyTuple().reduce();
    p.tuple().reduce();
  }

  private static byte[] littleEndian(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** An uncompressed entry; storages get an "FB" padding extra field so their bytes start aligned. */
  private static void stored(ZipOutputStream zip, CountingStream counting, String name, byte[] bytes, boolean align)
      throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    e.setTimeLocal(ENTRY_TIME);
    if (align) {
      // local header: 30 bytes, the name, then the extra field (4-byte header + padding)
      long start = counting.count() + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
      int padding = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
      byte[] extra = new byte[4 + padding];
      extra[0] = 'F';
      extra[1] = 'B';
      extra[2] = (byte) padding;
      extra[3] = (byte) (padding >> 8);
      Arrays.fill(extra, 4, extra.length, (byte) 'Z');
      e.setExtra(extra);
    }
    zip.putNextEntry(e);
    if (align && counting.count() % ALIGNMENT != 0) {
      throw new IllegalStateException(name + " would start at " + counting.count() + ", not on a "
          + ALIGNMENT + "-byte boundary");
    }
    zip.write(bytes);
    zip.closeEntry();
  }

  /** Counts the bytes written through it: the zip's current offset. */
  private static final class CountingStream extends FilterOutputStream {
    private long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
