/**
 * The content-addressed artifact store: cache keys, manifests, atomic writes, per-task locks and
 * the remembered hashes of unchanged files, so an identical stage never runs twice, a
 * half-written artifact never exists and an unchanged artifact is not re-read at every look-up.
 * {@link dev.drelu.store.ArtifactStore} is the interface stages use (write into a staging folder
 * and commit; open a committed artifact and get its files by name); {@link
 * dev.drelu.store.LocalArtifactStore} keeps it in one folder.
 */
package dev.drelu.store;
