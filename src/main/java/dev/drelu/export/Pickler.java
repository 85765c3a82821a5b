package dev.drelu.export;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes Python pickle protocol 2 opcodes, the subset TorchScript's unpickler reads
 * (torch/csrc/jit/serialization/unpickler.cpp): no memo, since nothing here is shared. Each call
 * appends one opcode; {@link #finish()} closes the pickle.
 */
final class Pickler {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Pickler() {
    out.write(0x80); // PROTO
    out.write(2); // libtorch reads protocol 2 only
  }

  /** GLOBAL: "module\nname\n"; libtorch resolves __torch__.* classes from the archive's code/. */
  Pickler global(String module, String name) {
    out.write('c');
    ascii(module + "\n" + name + "\n");
    return this;
  }

  Pickler mark() {
    return op('(');
  }

  /** TUPLE: everything since the last mark. */
  Pickler tuple() {
    return op('t');
  }

  Pickler emptyTuple() {
    return op(')');
  }

  Pickler emptyDict() {
    return op('}');
  }

  /** SETITEMS: the key-value pairs since the last mark go into the dict below the mark. */
  Pickler setItems() {
    return op('u');
  }

  Pickler newObj() {
    return op(0x81);
  }

  Pickler build() {
    return op('b');
  }

  Pickler reduce() {
    return op('R');
  }

  /** BINPERSID: the tuple on the stack is a persistent id (a storage record of the archive). */
  Pickler persistentId() {
    return op('Q');
  }

  Pickler bool(boolean b) {
    return op(b ? 0x88 : 0x89); // NEWTRUE, NEWFALSE
  }

  /** BININT: a signed 32-bit little-endian integer. */
  Pickler integer(long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("integer must fit in 32 bits, but was: " + v);
    }
    out.write('J');
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    return this;
  }

  /** BINUNICODE: 32-bit little-endian length, then UTF-8. */
  Pickler string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
    out.writeBytes(utf8);
    return this;
  }

  /** A tuple of integers (a tensor's size or stride). */
  Pickler intTuple(long[] values) {
    if (values.length == 0) {
      return emptyTuple();
    }
    mark();
    for (long v : values) {
      integer(v);
    }
    return tuple();
  }

  /** @return the pickle, closed with STOP */
  byte[] finish() {
    out.write('.');
    return out.toByteArray();
  }

  /** Appends one opcode that takes no argument. */
  private Pickler op(int opcode) {
    out.write(opcode);
    return this;
  }

  private void ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }
}
