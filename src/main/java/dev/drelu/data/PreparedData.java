package dev.drelu.data;

/** The three parts a prepared dataset is split into. */
public record PreparedData(ImageDataset train, ImageDataset validation, ImageDataset test) {}
