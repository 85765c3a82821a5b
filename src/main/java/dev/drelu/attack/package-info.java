/**
 * Attacks on logits in the [0, 1] input space (FGSM, PGD) and the robust evaluation that runs
 * them over a test set and keeps per-example results.
 */
package dev.drelu.attack;
