package dev.drelu.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Store locations: what an s3:// string carries, and what a mistyped one is told. */
class S3LocationTest {
  @Test
  void aLocationCarriesEndpointRegionAndAddressingAndReadsBackTheSame() {
    S3Location l = S3Location.parse("s3://my-bucket/runs/paper/?endpoint=http%3A%2F%2F10.0.0.5%3A9000&region=eu-west-1"
        + "&path-style=true");
    assertEquals(new S3Location("my-bucket", "runs/paper", "http://10.0.0.5:9000", "eu-west-1", true), l);
    assertEquals(l, S3Location.parse(l.toString()));
    assertEquals("runs/paper/train/k/manifest.json", l.key("train/k/manifest.json"));
    assertEquals("s3://my-bucket/runs/paper", l.shortForm());
    assertEquals("k", S3Location.parse("s3://my-bucket").key("k"), "no prefix");
  }

  @Test
  void flagsAndTheEnvironmentFillInOnlyWhatTheLocationLeavesOpen() {
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://env:9000", "AWS_REGION", "env-region");
    S3Location bare = S3Location.parse("s3://b12/p");
    assertEquals(new S3Location("b12", "p", "http://env:9000", "env-region", true), bare.withDefaults(null, null, null, env));
    assertEquals(new S3Location("b12", "p", "http://flag:1", "flag-region", false),
        bare.withDefaults("http://flag:1", "flag-region", false, env));
    S3Location given = S3Location.parse("s3://b12/p?endpoint=http://own:2&region=own");
    assertEquals(given.withDefaults(null, null, true, Map.of()), given.withDefaults("http://flag:1", "x", true, env));
    assertEquals(new S3Location("b12", "p", null, null, false), bare.withDefaults(null, null, null, Map.of()),
        "AWS itself: virtual-host addressing");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "s3:/bucket/x | an S3 store is written s3://bucket/prefix",
      "S3://bucket/x | an S3 store is written s3://bucket/prefix",
      "s4://bucket/x | unknown scheme 's4:'",
      "gs://bucket/x | unknown scheme 'gs:'",
      "s3:// | has no bucket name",
      "s3:///prefix | has no bucket name",
      "s3://ab/x | is not a valid S3 bucket name",
      "s3://My_Bucket/x | is not a valid S3 bucket name",
      "s3://bucket/x?endpoint=localhost:9000 | is not an http(s)://host[:port] URL",
      "s3://bucket/x?path-style=yes | path-style must be true or false",
      "s3://bucket/x?regoin=eu | unknown setting 'regoin'"})
  void aMistypedLocationIsRefusedWithOneLineSayingWhatToWrite(String location, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArtifactStore.open(location));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().contains(location), "names the location: " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void localFoldersAreNotMistakenForUris() {
    for (String folder : new String[] {"store", "/tmp/drelu store", "C:/drelu/store", "./s3", "a:b/c"}) {
      S3Location.checkNotMistyped(folder);
      assertFalse(S3Location.isS3(folder));
    }
  }
}
