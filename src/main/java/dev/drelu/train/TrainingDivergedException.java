package dev.drelu.train;

/**
 * The loss became NaN or infinite. The last good checkpoint is kept and nothing is stored as a
 * trained model, so a rerun with a smaller learning rate or lambda starts from a clean state.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
