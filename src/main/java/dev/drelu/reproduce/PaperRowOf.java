package dev.drelu.reproduce;

/**
 * Which row of the paper a trained model stands for: its architecture and the method the paper
 * names ({@code at}, {@code trades-1}, {@code trades-6}, {@code drelu}; a plain ReLU network is no
 * row of the paper and only serves as a transfer source).
 *
 * @param model the model's name in the spec
 * @param architecture e.g. {@code dense}, {@code shallow-cnn}
 * @param method the model's method family ({@code ModelMethod#family})
 * @param lambda D-ReLU's balancer (NaN for other methods)
 */
public record PaperRowOf(String model, String architecture, String method, double lambda) {}
