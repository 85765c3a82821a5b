package dev.drelu.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * A real S3-compatible server for tests: s3proxy (Maven Central, {@code org.gaul:s3proxy}, copied
 * to {@code target/s3proxy/s3proxy.jar} by the build) with its filesystem backend on a free
 * loopback port, in its own JVM because its bundled Jetty, Guava and Jackson clash with Beam's
 * and Arrow's. {@link #close} always stops it.
 *
 * <p>Its credentials are set as the {@code aws.accessKeyId}/{@code aws.secretAccessKey} system
 * properties, the first place the AWS SDK's default chain looks, so code under test finds them
 * as a worker would find its own.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "drelu-test";
  public static final String SECRET_KEY = "drelu-test-secret";

  private final Process process;
  private final int port;
  private final Path log;

  private S3ProxyServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the server and waits until it accepts connections.
   *
   * @param dir an empty folder for its data, configuration and log
   */
  public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("drelu.test.s3proxy", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the tests through Maven (mvn test copies s3proxy "
          + "from Maven Central into target/s3proxy)");
    }
    int port = LocalPorts.free();
    Path data = Files.createDirectories(dir.resolve("data"));
    Path conf = dir.resolve("s3proxy.conf");
    Files.writeString(conf, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + data,
        ""));
    Path log = dir.resolve("s3proxy.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-jar", jar.toString(), "--properties",
        conf.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    S3ProxyServer server = new S3ProxyServer(p, port, log);
    try {
      server.awaitPort(Duration.ofSeconds(60));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return server;
  }

  private void awaitPort(Duration timeout) throws IOException, InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        throw new IOException("s3proxy exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IOException("s3proxy did not listen on port " + port + " within " + timeout + ": " + Files.readString(log));
  }

  /** @return its endpoint URL */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** @return a store location in {@code bucket} (created if missing) that carries this server's settings */
  public String location(String bucket, String prefix) {
    try (S3Client s3 = client()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
      }
    }
    return "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint() + "&region=us-east-1&path-style=true";
  }

  /** @return a client of this server, for tests that look at or tamper with objects directly */
  public S3Client client() {
    return S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .build();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
