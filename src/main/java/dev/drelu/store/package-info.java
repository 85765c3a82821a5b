/**
 * The content-addressed artifact store: cache keys, manifests, atomic writes, per-task locks and
 * the remembered hashes of unchanged files, so an identical stage never runs twice, a
 * half-written artifact never exists and an unchanged artifact is not re-read at every look-up.
 */
package dev.drelu.store;
