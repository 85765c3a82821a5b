/**
 * The content-addressed artifact store: cache keys, manifests, atomic writes and per-task
 * locks, so an identical stage never runs twice and a half-written artifact never exists.
 */
package dev.drelu.store;
