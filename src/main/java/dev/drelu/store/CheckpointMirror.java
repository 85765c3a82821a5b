package dev.drelu.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Copies a training's checkpoints to where a task restarted on another machine (with an empty
 * work folder) finds them. The local folder stays the one training writes and reads; the mirror
 * follows it after every checkpoint commit and fills an empty one before a restore.
 */
public interface CheckpointMirror {
  /** The mirror of a store whose work folders every worker already shares (a local store): nothing to copy. */
  CheckpointMirror NONE = new CheckpointMirror() {
    @Override
    public void push(Path workDir, Path folder) {}

    @Override
    public void pull(Path workDir) {}

    @Override
    public void clear() {}
  };

  /**
   * Called after {@code folder} became the current checkpoint of {@code workDir} and older ones
   * were pruned: uploads it and then the pointer, so a reader never follows a pointer to a
   * checkpoint that is not complete, and drops what the local folder dropped.
   */
  void push(Path workDir, Path folder) throws IOException;

  /**
   * Called before a restore: if the mirror holds a newer checkpoint than {@code workDir} (or it
   * holds none), downloads it, pointer last.
   */
  void pull(Path workDir) throws IOException;

  /** Drops the mirrored checkpoints (a forced rerun starts from scratch). */
  void clear() throws IOException;
}
