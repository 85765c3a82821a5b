/**
 * The paper's published numbers (every cell of its Tables 1-9 and the balancer of every D-ReLU
 * model), shipped as data, for the specs to follow and the reproduction report to set drelu's
 * numbers beside.
 */
package dev.drelu.paper;
