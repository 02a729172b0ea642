/**
 * The buckets a launch writes to exist, are in the job's region, and belong to the caller's
 * account (S3 HeadBucket with ExpectedBucketOwner). Bucket names are global: a bucket of another
 * account — a typo, or someone squatting the predictable default name — would receive your code
 * and your model. S3's answers:
 *
 *   200            exists, is the account's own (the owner check passed); BucketRegion says where
 *   301 (or 400)   exists in another region (x-amz-bucket-region)
 *   403            not the account's own, or the caller may not read it: asked again without the
 *                  owner check, and then against the caller's own bucket list, to tell which
 *   404            does not exist: fine for the default bucket (the launch creates it), not for a named one
 */
import { HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import type { CheckItem, CheckStatus, NextStep } from '../../core/preflight/checklist';
import type { JobBucket } from '../../core/preflight/jobBuckets';
import { jobBuckets } from '../../core/preflight/jobBuckets';
import { createBucketCommand } from '../../core/preflight/nextSteps';
import { httpStatus, responseHeader, unreachableReason } from '../awsErrors';
import type { PreflightContext } from './preflightContext';
import { DEFAULT_CHECK_TIMEOUT_MS, sendOptions } from './preflightContext';

type Probe = { status: 'ok'; region?: string } | { status: number; region?: string; err: unknown };

async function headBucket(ctx: PreflightContext, bucket: string, expectedOwner: string | undefined): Promise<Probe> {
  try {
    const out = await ctx.clients.s3().send(new HeadBucketCommand({ Bucket: bucket, ...(expectedOwner ? { ExpectedBucketOwner: expectedOwner } : {}) }), sendOptions(ctx));
    return { status: 'ok', ...(out.BucketRegion ? { region: out.BucketRegion } : {}) };
  } catch (err) {
    const region = responseHeader(err, 'x-amz-bucket-region');
    return { status: httpStatus(err) ?? 0, err, ...(region ? { region } : {}) };
  }
}

/** Whether the caller's own bucket list (s3:ListAllMyBuckets) has the bucket; undefined when it cannot be read. */
async function ownBucketListHas(ctx: PreflightContext, bucket: string): Promise<boolean | undefined> {
  try {
    let token: string | undefined;
    do {
      const out = await ctx.clients.s3().send(new ListBucketsCommand({ Prefix: bucket, ...(token ? { ContinuationToken: token } : {}) }), sendOptions(ctx));
      if ((out.Buckets ?? []).some((b) => b.Name === bucket)) return true;
      token = out.ContinuationToken;
    } while (token);
    return false;
  } catch {
    return undefined;
  }
}

export async function checkBuckets(ctx: PreflightContext): Promise<CheckItem[]> {
  const identity = ctx.identity;
  if (!identity) {
    return [
      {
        id: 'bucket',
        kind: 'bucket',
        title: 'Buckets',
        status: 'unknown',
        blocking: false,
        detail: "Needs working credentials: the buckets are checked against the caller's account.",
      },
    ];
  }
  return Promise.all(jobBuckets(ctx.spec, ctx.region, identity.accountId).map((b) => checkBucket(ctx, b)));
}

export async function checkBucket(ctx: PreflightContext, target: JobBucket): Promise<CheckItem> {
  const { bucket } = target;
  const account = ctx.identity?.accountId;
  const title = `Bucket s3://${bucket} (${target.uses.join(', ')}${target.isDefault ? ', the default bucket' : ''})`;
  const make = (status: CheckStatus, detail: string, nextStep?: NextStep, blocking = true): CheckItem => ({
    id: `bucket:${bucket}`,
    kind: 'bucket',
    title,
    status,
    blocking,
    detail,
    ...(nextStep ? { nextStep } : {}),
  });
  const keys = target.uses.map((u) => ({ output: 'output_path', code: 'code_location', checkpoint: 'checkpoint_s3_uri' })[u]).join(' / ');
  const useOwnBucket: NextStep = {
    action: `Point ${keys} at a bucket of account ${account} in ${ctx.region}, e.g. a new one:`,
    command: createBucketCommand(`${bucket}-${account}`.slice(0, 63), ctx.region),
  };
  const wrongRegion = (region: string | undefined) =>
    make('failed', `The bucket is in ${region ?? 'another region'}, the job in ${ctx.region}: SageMaker reads and writes S3 in the job's region only.`, {
      action: `Use a bucket in ${ctx.region} for ${keys}, or run the job in ${region ?? "the bucket's region"}.`,
      command: createBucketCommand(`${bucket}-${ctx.region}`.slice(0, 63), ctx.region),
    });
  const unknown = (err: unknown, call: string) => make('unknown', unreachableReason(err, call, ctx.identity?.arn, ctx.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS), undefined, false);

  const first = await headBucket(ctx, bucket, account);
  if (first.status === 'ok') {
    if (first.region && first.region !== ctx.region) return wrongRegion(first.region);
    return make('passed', `exists${first.region ? ` in ${first.region}` : ''}, owned by account ${account}`);
  }
  // 301 from the regional endpoint, or 400 when the request was signed for the wrong region: both name the bucket's region.
  if (first.status === 301 || (first.status === 400 && first.region && first.region !== ctx.region)) return wrongRegion(first.region);
  if (first.status === 404) {
    if (target.isDefault) return make('passed', `does not exist yet; the launch creates it in ${ctx.region} for account ${account}, as the SageMaker SDK does`);
    return make('failed', `The bucket does not exist.`, { action: `Create it in ${ctx.region}, or fix the name in ${keys}.`, command: createBucketCommand(bucket, ctx.region) });
  }
  if (first.status !== 403) return unknown(first.err, 's3:HeadBucket');

  // 403 with the owner check. Without it, a readable bucket of another account answers 200.
  const second = await headBucket(ctx, bucket, undefined);
  const notOwned = () =>
    make(
      'failed',
      `The bucket exists but belongs to another account, not ${account}${target.isDefault ? " — someone holds the default bucket name, so the SDK's default cannot be used" : ''}. Writing your code or model there would hand them to that account.`,
      useOwnBucket,
    );
  if (second.status === 'ok') return notOwned();
  if (second.status === 301) return wrongRegion(second.region);
  if (second.status !== 403) return unknown(second.err, 's3:HeadBucket');
  const own = await ownBucketListHas(ctx, bucket);
  if (own === false) return notOwned();
  if (own === true) {
    return make(
      'unknown',
      `The bucket is the account's own, but ${ctx.identity?.arn ?? 'the AWS identity in use'} may not read it (s3:ListBucket denied); uploads may still be allowed.`,
      { action: `Grant s3:ListBucket, s3:GetObject and s3:PutObject on s3://${bucket} to the identity that launches jobs.` },
      false,
    );
  }
  return make(
    'unknown',
    `S3 denied access to the bucket: it belongs to another account, or ${ctx.identity?.arn ?? 'the AWS identity in use'} lacks s3:ListBucket on it (s3:ListAllMyBuckets, which would tell the two apart, is denied too).`,
    { action: `If the bucket is not yours, point ${keys} at one of account ${account}; if it is, grant s3:ListBucket on it.` },
    false,
  );
}
