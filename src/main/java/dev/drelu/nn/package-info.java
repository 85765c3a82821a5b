/**
 * The networks: capped ReLUs (S-ReLU, D-ReLU and their straight-through twins), the cap penalty,
 * the model zoo (Dense and Shallow CNN with a capped head or a capped input convolution), and
 * external TorchScript classifiers loaded for evaluation.
 */
package dev.drelu.nn;
