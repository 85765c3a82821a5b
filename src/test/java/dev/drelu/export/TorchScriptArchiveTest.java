package dev.drelu.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.export.TorchScriptArchive.Module;
import dev.drelu.export.TorchScriptArchive.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * The archive writer's own rules (libtorch reading what it writes is TorchScriptClassifierTest's
 * and TorchScriptExportTest's job): one class has one source, names are Python identifiers, and
 * the bytes do not depend on the machine's time zone.
 */
class TorchScriptArchiveTest {
  private static Module linear(String forward) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("weight", new Tensor(new long[] {1, 2}, new float[] {1, 2}));
    return new Module("__torch__.fixture.Layer", p, Map.of(), List.of(forward));
  }

  private static Module net(Module a, Module b) {
    Map<String, Module> children = new LinkedHashMap<>();
    children.put("a", a);
    children.put("b", b);
    return new Module("__torch__.fixture.Net", Map.of(), children,
        List.of("return (self.b).forward((self.a).forward(input, ), )"));
  }

  @Test
  void twoModulesOfOneClassWithDifferentCodeAreRefused() {
    Module root = net(linear("return torch.linear(input, self.weight)"), linear("return torch.relu(input)"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TorchScriptArchive.bytes("m", root, false));
    assertEquals("two modules of class __torch__.fixture.Layer have different attributes or code; give one its own"
        + " class", e.getMessage());
  }

  @Test
  void namesThatAreNotPythonIdentifiersAreRefusedWithTheName() {
    IllegalArgumentException param = assertThrows(IllegalArgumentException.class, () -> new Module(
        "__torch__.fixture.Bad", Map.of("01Linear_weight", new Tensor(new long[] {1}, new float[1])), Map.of(),
        List.of("return input")));
    assertEquals("a parameter of __torch__.fixture.Bad must be named by a Python identifier, but was: '01Linear_weight'",
        param.getMessage());
    IllegalArgumentException cls = assertThrows(IllegalArgumentException.class,
        () -> new Module("__torch__.fixture.my-net", Map.of(), Map.of(), List.of("return input")));
    assertTrue(cls.getMessage().endsWith("but was: 'my-net'"), cls.getMessage());
  }

  @Test
  void theBytesDoNotDependOnTheTimeZone() {
    Module root = net(linear("return torch.linear(input, self.weight)"),
        linear("return torch.linear(input, self.weight)"));
    TimeZone before = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
      byte[] utc = TorchScriptArchive.bytes("m", root, false);
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14: another calendar day
      assertArrayEquals(utc, TorchScriptArchive.bytes("m", root, false));
    } finally {
      TimeZone.setDefault(before);
    }
  }
}
