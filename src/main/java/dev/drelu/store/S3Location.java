package dev.drelu.store;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an S3 artifact store is: bucket, key prefix and the client settings a remote worker needs
 * to reach it. It travels as one string ({@code s3://bucket/prefix?endpoint=...&region=...&path-style=true})
 * because workers get the store location, never the CLI flags. Credentials never travel in it:
 * each worker takes them from its own {@code AWS_*} environment or profile.
 *
 * @param bucket the bucket (must exist)
 * @param prefix the key prefix every object of the store lives under, without slashes at either end ("" for none)
 * @param endpoint the S3 endpoint URL (an S3-compatible server), or null for AWS's own
 * @param region the signing region, or null for the SDK's default chain ({@code AWS_REGION}, profile)
 * @param pathStyle whether the bucket goes in the path rather than the host name (most S3-compatible servers)
 */
public record S3Location(String bucket, String prefix, String endpoint, String region, boolean pathStyle) {
  /** The scheme of an S3 store location. */
  public static final String SCHEME = "s3://";

  // S3's bucket naming rules: 3-63 characters, lower-case letters, digits, dots and hyphens
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  // "name:/" or "name://": the shape of a URI, which a local folder never has (a drive letter is one character)
  private static final Pattern URI_LIKE = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):/.*");

  public S3Location {
    prefix = prefix == null ? "" : strip(prefix);
  }

  /** @return whether {@code location} names an S3 store (rather than a local folder) */
  public static boolean isS3(String location) {
    return location.startsWith(SCHEME);
  }

  /**
   * Rejects what looks like a URI but is not one drelu can open ({@code s3:/bucket}, {@code s4://b},
   * {@code gs://b}), so a typo never becomes a local folder named "s3:".
   *
   * @throws IllegalArgumentException with what to write instead
   */
  public static void checkNotMistyped(String location) {
    java.util.regex.Matcher m = URI_LIKE.matcher(location);
    if (!m.matches() || isS3(location)) {
      return;
    }
    String scheme = m.group(1);
    if (scheme.equalsIgnoreCase("s3")) {
      throw new IllegalArgumentException("store location '" + location
          + "': an S3 store is written s3://bucket/prefix (lower-case s3, two slashes)");
    }
    throw new IllegalArgumentException("store location '" + location + "': unknown scheme '" + scheme
        + ":'; use s3://bucket/prefix for an S3 store, or a local folder");
  }

  /**
   * @param location {@code s3://bucket[/prefix][?endpoint=URL&region=R&path-style=true|false]}
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static S3Location parse(String location) {
    if (!isS3(location)) {
      throw new IllegalArgumentException("store location '" + location + "' is not an s3://bucket/prefix location");
    }
    String rest = location.substring(SCHEME.length());
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("store location '" + location
          + "' has no bucket name; write s3://bucket/prefix");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException("store location '" + location + "': '" + bucket
          + "' is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)");
    }
    String endpoint = null;
    String region = null;
    boolean pathStyle = false;
    for (Map.Entry<String, String> e : query(location, query).entrySet()) {
      switch (e.getKey()) {
        case "endpoint" -> endpoint = checkEndpoint(location, e.getValue());
        case "region" -> region = e.getValue();
        case "path-style" -> pathStyle = parseBoolean(location, e.getValue());
        default -> throw new IllegalArgumentException("store location '" + location + "': unknown setting '"
            + e.getKey() + "' (known: endpoint, region, path-style)");
      }
    }
    return new S3Location(bucket, prefix, endpoint, region, pathStyle);
  }

  /**
   * Fills in what the location leaves open from CLI flags, then from the {@code AWS_*} environment,
   * so the string that travels to workers carries all of it.
   *
   * @param endpoint {@code --s3-endpoint} or null
   * @param region {@code --s3-region} or null
   * @param pathStyle {@code --s3-path-style} or null
   * @param env the environment ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION})
   */
  public S3Location withDefaults(String endpoint, String region, Boolean pathStyle, Map<String, String> env) {
    String ep = this.endpoint != null ? this.endpoint : endpoint != null ? endpoint : blankToNull(env.get("AWS_ENDPOINT_URL"));
    String rg = this.region != null ? this.region : region != null ? region
        : blankToNull(env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION")));
    // a custom endpoint is almost always an S3-compatible server, which wants path-style access
    boolean ps = this.pathStyle || (pathStyle != null ? pathStyle : ep != null);
    return new S3Location(bucket, prefix, ep == null ? null : checkEndpoint(SCHEME + bucket, ep), rg, ps);
  }

  /** @return the location as {@link #parse} reads it back (the settings in a fixed order) */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(SCHEME).append(bucket);
    if (!prefix.isEmpty()) {
      s.append('/').append(prefix);
    }
    String sep = "?";
    if (endpoint != null) {
      s.append(sep).append("endpoint=").append(URLEncoder.encode(endpoint, StandardCharsets.UTF_8));
      sep = "&";
    }
    if (region != null) {
      s.append(sep).append("region=").append(URLEncoder.encode(region, StandardCharsets.UTF_8));
      sep = "&";
    }
    if (pathStyle) {
      s.append(sep).append("path-style=true");
    }
    return s.toString();
  }

  /** @return the object key of {@code path} below the prefix ("train/abc/manifest.json") */
  public String key(String path) {
    return prefix.isEmpty() ? path : prefix + "/" + path;
  }

  /** @return the location without its settings, for messages ("s3://bucket/prefix") */
  public String shortForm() {
    return SCHEME + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  private static Map<String, String> query(String location, String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("store location '" + location + "': setting '" + pair
            + "' is not name=value");
      }
      out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String checkEndpoint(String location, String endpoint) {
    try {
      URI u = new URI(endpoint);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return endpoint;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("store location '" + location + "': S3 endpoint '" + endpoint
        + "' is not an http(s)://host[:port] URL");
  }

  private static boolean parseBoolean(String location, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("store location '" + location + "': path-style must be true or false, not '"
        + value + "'");
  }

  private static String strip(String prefix) {
    String p = prefix;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
