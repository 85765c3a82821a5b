package dev.drelu.paper;

import java.util.OptionalDouble;

/**
 * One printed cell of the paper's Tables 1-9 (Sooksatra & Rivas 2024), as published.
 *
 * @param table 1-9 (1 MNIST; 2-4 CIFAR-10, CIFAR-100, TinyImageNet; 5 Square; 6-8 with
 *     generated data; 9 generated data and Square)
 * @param dataset mnist, cifar10, cifar100 or tiny-imagenet
 * @param architecture dense, shallow-cnn, resnet50, resnet101, mobilenetv2 or inceptionv3
 * @param method at, trades-1, trades-6, trades (Tables 6-9, no beta printed) or drelu
 * @param lambda the D-ReLU balancer in the row label; empty where the paper prints none
 * @param metric clean or the attack (fgsm, pgd, apgd-ce, apgd-dlr, cw-l2, square)
 * @param accuracy percent, exactly as printed
 * @param rank the printed rank within (architecture, metric), 1 = best; 36 of them disagree with
 *     the accuracies (see the README beside the CSV)
 * @param line the CSV line it was read from, for messages
 */
public record PaperCell(int table, String dataset, String architecture, String method, OptionalDouble lambda,
    String metric, double accuracy, double rank, int line) {}
