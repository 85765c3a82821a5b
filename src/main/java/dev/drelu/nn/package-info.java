/**
 * The networks: capped ReLUs (S-ReLU, D-ReLU and their straight-through twins), the cap penalty,
 * and the model zoo (Dense and Shallow CNN with a capped head or a capped input convolution).
 */
package dev.drelu.nn;
