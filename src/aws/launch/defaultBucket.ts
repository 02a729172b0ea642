/**
 * The SDK's default bucket `sagemaker-{region}-{account}` (session.py `default_bucket`,
 * `_create_s3_bucket_if_it_does_not_exist`, `expected_bucket_owner_id_bucket_check`): created when
 * missing, and refused when someone else owns it — bucket names are global, so another account can
 * squat a predictable name and receive your code and models.
 *
 * The SDK first lists the caller's buckets; we ask HeadBucket with ExpectedBucketOwner directly,
 * which answers the same question without s3:ListAllMyBuckets and catches the one case the SDK
 * lets through (a squatted bucket that happens to be readable).
 */
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { BucketLocationConstraint } from '@aws-sdk/client-s3';
import type { AwsClients } from '../awsClients';
import { LaunchError } from './launchError';
import { httpStatus } from '../awsErrors';
import { awsCallError, serviceErrorCode } from './serviceErrors';

export interface DefaultBucketResult {
  bucket: string;
  created: boolean;
}

export async function ensureDefaultBucket(
  clients: AwsClients,
  bucket: string,
  region: string,
  accountId: string,
  options: { principal?: string; signal?: AbortSignal } = {},
): Promise<DefaultBucketResult> {
  const s3 = clients.s3();
  const send = options.signal ? { abortSignal: options.signal } : {};
  const ctx = (call: string) => ({ call, region, ...(options.principal ? { principal: options.principal } : {}) });
  let status: number | undefined;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: accountId }), send);
    return { bucket, created: false };
  } catch (err) {
    status = httpStatus(err);
    if (status !== 404 && status !== 403 && status !== 301) throw awsCallError(err, ctx('s3:HeadBucket'), { bucket });
    if (status === 301) {
      throw new LaunchError(
        'bucket.wrongRegion',
        `The bucket ${bucket} exists in another region than ${region}. Set output_path to a bucket in ${region}.`,
        { ...ctx('s3:HeadBucket'), bucket },
        { cause: err },
      );
    }
  }

  if (status === 403) {
    // Forbidden with the owner check: either not ours, or ours and we may not read it. Asking
    // again without the check tells the two apart.
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }), send);
    } catch (err) {
      if (httpStatus(err) === 403) {
        throw new LaunchError(
          'bucket.forbidden',
          `The bucket ${bucket} exists, but access to it is forbidden to ${options.principal ?? 'the AWS identity in use'} (it may belong to another account). Grant s3:ListBucket and s3:PutObject on it, or set output_path (and code_location) to a bucket you own.`,
          { ...ctx('s3:HeadBucket'), bucket },
          { cause: err },
        );
      }
      throw awsCallError(err, ctx('s3:HeadBucket'), { bucket });
    }
    throw notOwned(bucket, accountId, ctx('s3:HeadBucket'));
  }

  try {
    // us-east-1 is S3's default location and must not be named (boto3#125).
    const input = region === 'us-east-1' ? { Bucket: bucket } : { Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
    await s3.send(new CreateBucketCommand(input), send);
    return { bucket, created: true };
  } catch (err) {
    const code = serviceErrorCode(err);
    // Created meanwhile by a concurrent launch: as good as created.
    if (code === 'BucketAlreadyOwnedByYou') return { bucket, created: false };
    if (code === 'OperationAborted' && /conflicting conditional operation/i.test((err as Error).message ?? '')) return { bucket, created: false };
    if (code === 'BucketAlreadyExists') throw notOwned(bucket, accountId, ctx('s3:CreateBucket'));
    throw awsCallError(err, ctx('s3:CreateBucket'), { bucket });
  }
}

function notOwned(bucket: string, accountId: string, ctx: { call: string; region: string; principal?: string }): LaunchError {
  return new LaunchError(
    'bucket.notOwned',
    `The default bucket ${bucket} belongs to another AWS account than ${accountId}, so it cannot hold this job's code and model. Set output_path (and code_location) to an s3:// bucket you own.`,
    { ...ctx, bucket },
  );
}
