/**
 * drelu bench --against pytorch: drelu and PyTorch eager / torchattacks side by side on the same
 * networks, weights, data and settings, runs alternated, with a check that both sides do equal work.
 */
package dev.drelu.bench;
