/**
 * Training: the paper's schedule (Adam, reduce-on-plateau, early stopping with best weights),
 * the cap penalty, and per-epoch checkpoints so a killed run resumes where it stopped.
 */
package dev.drelu.train;
