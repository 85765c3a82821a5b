package dev.drelu.nn;

import static dev.drelu.nn.Scalars.scalar;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.drelu.testing.GarbageChurn;
import dev.drelu.testing.Slow;
import org.junit.jupiter.api.Test;

/**
 * A constant operand must still hold its value when backward runs, however much garbage was
 * collected between the forward and the backward pass. With DJL's {@code x.maximum(0.5f)} this
 * test fails within a few rounds: the gradient masks come out of freed memory.
 */
@Slow
class ScalarsTest {
  @Test
  void constantOperandsKeepTheirValueUntilBackwardThroughGarbageCollections() {
    TorchThreads.ensure();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int round = 0; round < 200; round++) {
        try (NDManager batch = manager.newSubManager()) {
          NDArray x = batch.create(new float[] {-1f, 0.2f, 0.7f, 2f, 0.4f, 3f});
          x.setRequiresGradient(true);
          try (Autograd autograd = Autograd.record()) {
            // d/dx sum(min(max(x, 0.5), 2.5) * 3 / 2 - 1) = 1.5 where 0.5 < x < 2.5, else 0
            NDArray y = x.maximum(scalar(x, 0.5)).minimum(scalar(x, 2.5)).mul(scalar(x, 3)).div(scalar(x, 2))
                .sub(scalar(x, 1)).sum();
            GarbageChurn.once();
            autograd.backward(y);
          }
          assertArrayEquals(new float[] {0f, 0f, 1.5f, 1.5f, 0f, 0f}, x.getGradient().toFloatArray(),
              "round " + round);
        }
      }
    }
  }

  @Test
  void aScalarTakesTheTypeAndDeviceOfTheArrayItMeets() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDArray ints = manager.create(new long[] {1, 2, 3});
      NDArray s = scalar(ints, 2);
      assertArrayEquals(new long[] {2, 4, 6}, ints.mul(s).toLongArray());
      assertArrayEquals(new long[] {}, s.getShape().getShape());
    }
  }

  @Test
  void mobileNetsReluSixKeepsItsGradientThroughGarbageCollections() {
    TorchThreads.ensure();
    ai.djl.nn.Block relu6 = Layers.relu6();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (int round = 0; round < 200; round++) {
        try (NDManager batch = manager.newSubManager()) {
          NDArray x = batch.create(new float[] {-1f, 0.5f, 5f, 7f, 3f, 9f});
          x.setRequiresGradient(true);
          try (Autograd autograd = Autograd.record()) {
            NDArray y = relu6.forward(new ai.djl.training.ParameterStore(batch, false), new ai.djl.ndarray.NDList(x),
                false).singletonOrThrow().sum();
            GarbageChurn.once();
            autograd.backward(y);
          }
          assertArrayEquals(new float[] {0f, 1f, 1f, 0f, 1f, 0f}, x.getGradient().toFloatArray(), "round " + round);
        }
      }
    }
  }
}
