package dev.drelu.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Stores an {@link ImageDataset} as an Arrow IPC file, the prepared-data artifact format.
 *
 * <p>Schema: {@code index} int32, {@code label} int32, {@code image} FixedSizeList&lt;float32&gt;[C*H*W]
 * (channel-first), none nullable; schema metadata {@code drelu.format=image-dataset}, {@code
 * drelu.format_version=1}, {@code drelu.channels}, {@code drelu.height}, {@code drelu.width},
 * {@code drelu.num_classes}. Record batches hold at most 4096 rows. Any Arrow reader (pyarrow,
 * polars) can open the file.
 */
public final class ArrowDatasets {
  /** Value of {@code drelu.format} for this layout. */
  public static final String FORMAT = "image-dataset";
  /** Layout version; bump it when the schema changes. */
  public static final int FORMAT_VERSION = 1;

  static final String INDEX = "index";
  static final String LABEL = "label";
  static final String IMAGE = "image";
  static final String CHANNELS_KEY = "drelu.channels";
  static final String HEIGHT_KEY = "drelu.height";
  static final String WIDTH_KEY = "drelu.width";
  static final String NUM_CLASSES_KEY = "drelu.num_classes";

  private static final ArrowType INT32 = new ArrowType.Int(32, true);
  private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

  private ArrowDatasets() {}

  /**
   * The schema {@link #write} uses, with the shape in the metadata.
   *
   * @param channels channels per image
   * @param height image height
   * @param width image width
   * @param numClasses number of label classes
   * @return schema for images of {@code channels x height x width} and {@code numClasses} classes
   */
  public static Schema schema(int channels, int height, int width, int numClasses) {
    int size = channels * height * width;
    // "item" is the child name pyarrow gives list values; using it keeps schemas identical.
    Field values = new Field("item", FieldType.notNullable(FLOAT32), null);
    List<Field> fields = List.of(
        new Field(INDEX, FieldType.notNullable(INT32), null),
        new Field(LABEL, FieldType.notNullable(INT32), null),
        new Field(IMAGE, FieldType.notNullable(new ArrowType.FixedSizeList(size)), List.of(values)));
    Map<String, String> meta = Map.of(
        ArrowIo.FORMAT_KEY, FORMAT,
        ArrowIo.VERSION_KEY, Integer.toString(FORMAT_VERSION),
        CHANNELS_KEY, Integer.toString(channels),
        HEIGHT_KEY, Integer.toString(height),
        WIDTH_KEY, Integer.toString(width),
        NUM_CLASSES_KEY, Integer.toString(numClasses));
    return new Schema(fields, meta);
  }

  /**
   * Writes {@code dataset} to {@code file}, replacing it atomically (a reader never sees a half
   * file).
   *
   * @param dataset the images to store
   * @param file target file; its folder must exist
   * @throws IOException if the file cannot be written
   */
  public static void write(ImageDataset dataset, Path file) throws IOException {
    Schema schema =
        schema(dataset.channels(), dataset.height(), dataset.width(), dataset.numClasses());
    int size = dataset.imageSize();
    ArrowIo.writeAtomically(file, channel -> {
      try (BufferAllocator allocator = new RootAllocator();
          VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
          ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
        IntVector index = (IntVector) root.getVector(INDEX);
        IntVector label = (IntVector) root.getVector(LABEL);
        FixedSizeListVector image = (FixedSizeListVector) root.getVector(IMAGE);
        Float4Vector values = (Float4Vector) image.getDataVector();
        float[] pixels = new float[size];
        writer.start();
        for (int start = 0; start < dataset.size(); start += ArrowIo.MAX_BATCH_ROWS) {
          int rows = Math.min(ArrowIo.MAX_BATCH_ROWS, dataset.size() - start);
          root.allocateNew();
          for (int r = 0; r < rows; r++) {
            index.setSafe(r, dataset.index(start + r));
            label.setSafe(r, dataset.label(start + r));
            image.setNotNull(r);
            dataset.copyImage(start + r, pixels, 0);
            for (int j = 0; j < size; j++) {
              values.setSafe(r * size + j, pixels[j]);
            }
          }
          root.setRowCount(rows);
          writer.writeBatch();
        }
        writer.end();
      }
    });
  }

  /**
   * Reads a file written by {@link #write}.
   *
   * @param file an Arrow IPC file
   * @return the dataset, rows in file order
   * @throws DatasetFormatException if the file is not an Arrow IPC file, is truncated or corrupt,
   *     lacks the {@code drelu.*} metadata, has other column types, holds nulls, or holds values
   *     an {@link ImageDataset} rejects (pixels outside [0, 1], labels out of range)
   * @throws IOException if the file cannot be read at all
   */
  public static ImageDataset read(Path file) throws IOException {
    Collector c = new Collector(file);
    ArrowIo.read(file, c);
    return c.dataset();
  }

  /** Checks the schema, then copies each batch out of Arrow memory. */
  private static final class Collector implements ArrowIo.BatchVisitor {
    private final Path file;
    private int channels;
    private int height;
    private int width;
    private int numClasses;
    private int size;
    private final List<int[]> indices = new ArrayList<>();
    private final List<int[]> labels = new ArrayList<>();
    private final List<float[]> pixels = new ArrayList<>();
    private int rows;

    Collector(Path file) {
      this.file = file;
    }

    @Override
    public void schema(Schema schema) throws DatasetFormatException {
      ArrowIo.checkFormat(file, schema, FORMAT, FORMAT_VERSION);
      channels = ArrowIo.positiveInt(file, schema, CHANNELS_KEY);
      height = ArrowIo.positiveInt(file, schema, HEIGHT_KEY);
      width = ArrowIo.positiveInt(file, schema, WIDTH_KEY);
      numClasses = ArrowIo.positiveInt(file, schema, NUM_CLASSES_KEY);
      size = channels * height * width;
      ArrowIo.field(file, schema, INDEX, INT32);
      ArrowIo.field(file, schema, LABEL, INT32);
      Field image = ArrowIo.field(file, schema, IMAGE, new ArrowType.FixedSizeList(size));
      if (image.getChildren().size() != 1 || !image.getChildren().get(0).getType().equals(FLOAT32)) {
        throw new DatasetFormatException(
            file,
            "expected column \"image\" to hold " + FLOAT32 + " values, got "
                + image.getChildren().stream().map(Field::getType).toList());
      }
    }

    @Override
    public void batch(VectorSchemaRoot root) throws DatasetFormatException {
      int n = root.getRowCount();
      IntVector index = (IntVector) root.getVector(INDEX);
      IntVector label = (IntVector) root.getVector(LABEL);
      FixedSizeListVector image = (FixedSizeListVector) root.getVector(IMAGE);
      FieldVector values = image.getDataVector();
      for (FieldVector v : List.of(index, label, image, values)) {
        if (v.getNullCount() > 0) {
          throw new DatasetFormatException(
              file, "expected no nulls, got " + v.getNullCount() + " in column \"" + v.getName()
                  + "\" of the batch starting at row " + rows
                  + ArrowIo.recompute(file)); // drelu never writes nulls: the file is damaged
        }
      }
      int[] idx = new int[n];
      int[] lab = new int[n];
      for (int r = 0; r < n; r++) {
        idx[r] = index.get(r);
        lab[r] = label.get(r);
      }
      // Bulk read from the data buffer: null-checked per-value get() is slow for 47M floats.
      float[] px = new float[n * size];
      ArrowBuf buf = values.getDataBuffer();
      for (int i = 0; i < px.length; i++) {
        px[i] = buf.getFloat((long) i * Float.BYTES);
      }
      indices.add(idx);
      labels.add(lab);
      pixels.add(px);
      rows += n;
    }

    ImageDataset dataset() throws DatasetFormatException {
      int[] idx = new int[rows];
      int[] lab = new int[rows];
      float[] px = new float[rows * size];
      int at = 0;
      for (int b = 0; b < indices.size(); b++) {
        int n = indices.get(b).length;
        System.arraycopy(indices.get(b), 0, idx, at, n);
        System.arraycopy(labels.get(b), 0, lab, at, n);
        System.arraycopy(pixels.get(b), 0, px, at * size, n * size);
        at += n;
      }
      try {
        return new ImageDataset(px, lab, idx, channels, height, width, numClasses);
      } catch (IllegalArgumentException e) {
        throw new DatasetFormatException(file, "invalid image dataset: " + e.getMessage() + ArrowIo.recompute(file), e);
      }
    }
  }
}
