/**
 * The S3 buckets a launch writes to, as the SDK picks them (sagemaker-hub-facts.md §1): the output
 * bucket (output_path, else the default `sagemaker-{region}-{account}`), the code bucket
 * (code_location, else the output bucket; none when source_dir is already in S3) and the
 * checkpoint bucket. Input channels are left out: reading another account's data through a
 * bucket policy is legitimate, writing your model there is not.
 */
import type { JobSpec } from '../jobFile/jobSpec';

export type BucketUse = 'output' | 'code' | 'checkpoint';

export interface JobBucket {
  bucket: string;
  uses: BucketUse[];
  /** The SDK's default bucket: created at launch when missing, and must then be the account's own. */
  isDefault: boolean;
}

export function defaultBucketName(region: string, accountId: string): string {
  return `sagemaker-${region}-${accountId}`;
}

function bucketOf(uri: string | undefined): string | undefined {
  if (typeof uri !== 'string') return undefined;
  return /^s3:\/\/([^/?#]+)/i.exec(uri.trim())?.[1];
}

/** Without a job file, the default bucket alone: what any first launch would use. */
export function jobBuckets(spec: JobSpec | undefined, region: string, accountId: string): JobBucket[] {
  const defaultBucket = defaultBucketName(region, accountId);
  const found: Array<{ bucket: string; use: BucketUse }> = [];
  const output = bucketOf(spec?.output_path) ?? defaultBucket;
  found.push({ bucket: output, use: 'output' });
  const codeInS3 = typeof spec?.source_dir === 'string' && /^s3:\/\//i.test(spec.source_dir);
  if (!codeInS3) found.push({ bucket: bucketOf(spec?.code_location) ?? output, use: 'code' });
  const checkpoint = bucketOf(spec?.checkpoint_s3_uri);
  if (checkpoint) found.push({ bucket: checkpoint, use: 'checkpoint' });

  const merged: JobBucket[] = [];
  for (const { bucket, use } of found) {
    const existing = merged.find((b) => b.bucket === bucket);
    if (existing) {
      if (!existing.uses.includes(use)) existing.uses.push(use);
    } else {
      merged.push({ bucket, uses: [use], isDefault: bucket === defaultBucket });
    }
  }
  return merged;
}
