/**
 * The reproduction report ({@code drelu reproduce SPEC}): for every cell of the paper table a spec
 * names, the paper's printed value, a faithful rerun under the authors' protocol
 * ({@code params/attacks/paper-protocol/}) and a sound evaluation of the same weights, side by
 * side, with the statistics of each taken one protocol at a time.
 */
package dev.drelu.reproduce;
