/**
 * Attacks on logits in the [0, 1] input space (FGSM, PGD, APGD, CW-L2, Square), their parameters
 * (one record per method, sealed under {@link dev.drelu.attack.AttackParams}), and the robust
 * evaluation that runs them over a test set and keeps per-example results.
 */
package dev.drelu.attack;
