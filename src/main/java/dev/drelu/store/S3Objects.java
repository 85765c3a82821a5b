package dev.drelu.store;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Listing and deleting many objects, page by page (S3 answers at most 1000 per request). */
final class S3Objects {
  private static final int PAGE = 1000;

  private S3Objects() {}

  /** @return every object whose key starts with {@code prefix}, in key order */
  static List<S3Object> listAll(S3Client s3, String bucket, String prefix) {
    List<S3Object> out = new ArrayList<>();
    s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
        .contents().forEach(out::add);
    return out;
  }

  /** Deletes the objects (a missing one is no error). */
  static void delete(S3Client s3, String bucket, List<String> keys) {
    for (int from = 0; from < keys.size(); from += PAGE) {
      List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + PAGE)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
          .delete(Delete.builder().objects(batch).quiet(true).build()).build());
    }
  }
}
