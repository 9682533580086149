/** Puts a page's files into a bucket, as a viewer or a CDN should get them back. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StatusPageFile } from '../report/status-page-files.js';

/** How long a viewer or CDN may keep a file: about the shortest schedule, so a fresh page shows soon. */
export const PAGE_CACHE_CONTROL = 'public, max-age=60';

export function s3PagePutter(s3: S3Client, bucket: string): (file: StatusPageFile) => Promise<void> {
  return async (file) => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: file.name,
        Body: file.body,
        ContentType: file.contentType,
        CacheControl: PAGE_CACHE_CONTROL,
      }),
    );
  };
}
