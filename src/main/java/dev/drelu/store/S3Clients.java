package dev.drelu.store;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;

/**
 * Builds the S3 client of an {@link S3Location} and checks, before any work starts, that the
 * store can be reached: the endpoint answers, the credentials are accepted and the bucket exists.
 * Timeouts are short and retries few, so a wrong endpoint fails in seconds, not minutes.
 */
final class S3Clients {
  /** A signing region is required even by S3-compatible servers, which ignore it. */
  static final String DEFAULT_REGION = "us-east-1";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  /** The whole reachability check, retries included: an endpoint that does not answer fails in this time. */
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(12);

  private S3Clients() {}

  /** @return a client for the location's endpoint, region and addressing; credentials from the AWS default chain */
  static S3Client create(S3Location location) {
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT)
            .socketTimeout(READ_TIMEOUT))
        .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build())
        .forcePathStyle(location.pathStyle())
        .region(Region.of(location.region() != null ? location.region() : regionFromEnvironment()));
    if (location.endpoint() != null) {
      builder.endpointOverride(URI.create(location.endpoint()));
    }
    return builder.build();
  }

  /**
   * Asks for the bucket once and turns every way that can fail into a one-line message saying
   * what to check.
   *
   * @throws IllegalArgumentException if the store cannot be used
   */
  static void checkReachable(S3Client s3, S3Location location) {
    String where = location.shortForm() + (location.endpoint() != null ? " at " + location.endpoint() : "");
    try {
      s3.headBucket(HeadBucketRequest.builder().bucket(location.bucket())
          .overrideConfiguration(o -> o.apiCallTimeout(CHECK_TIMEOUT)).build());
    } catch (AwsServiceException e) {
      int status = e.statusCode();
      if (status == 404) {
        throw new IllegalArgumentException("S3 store " + where + ": bucket '" + location.bucket()
            + "' does not exist; create it or check the bucket name");
      }
      if (status == 403 || status == 401) {
        throw new IllegalArgumentException("S3 store " + where + ": access denied (HTTP " + status
            + "); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the AWS profile) and the bucket's permissions");
      }
      throw new IllegalArgumentException("S3 store " + where + ": the server answered HTTP " + status + " ("
          + firstLine(e.getMessage()) + "); check --s3-endpoint and --s3-region");
    } catch (SdkClientException e) {
      String why = firstLine(e.getMessage());
      if (why.contains("credentials")) {
        throw new IllegalArgumentException("S3 store " + where
            + ": no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile)");
      }
      throw new IllegalArgumentException("S3 store " + where + ": cannot reach the endpoint (" + why
          + "); check --s3-endpoint (or AWS_ENDPOINT_URL) and that the server is running");
    }
  }

  private static String regionFromEnvironment() {
    for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String r = System.getenv(name);
      if (r != null && !r.isBlank()) {
        return r;
      }
    }
    return DEFAULT_REGION;
  }

  static String firstLine(String message) {
    return String.valueOf(message).lines().findFirst().orElse("");
  }
}
