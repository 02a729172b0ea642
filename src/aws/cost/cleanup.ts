/**
 * Clean-up of ended training jobs: what each left in S3 (sized with ListObjectsV2, priced per month
 * at S3 Standard), deleting only the prefixes no other job shares (DeleteObjects, exactly the keys
 * listed under each chosen prefix), and optionally the job records (DeleteTrainingJob, which
 * SageMaker refuses while a warm pool is Available).
 */
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { cleanupCandidates, monthlyStorageUsd } from '../../core/cost/cleanup';
import type { CleanupCandidate } from '../../core/cost/cleanup';
import type { TrainingJobDescription } from '../../core/jobs/trainingJobDescription';
import { isTerminalStatus } from '../../core/sagemaker/jobStatus';
import type { AwsClients } from '../awsClients';
import { unreachableReason } from '../awsErrors';
import { describeTrainingJob, listTrainingJobsUpTo } from '../trainingJobs';

export interface SizedLeftover extends CleanupCandidate {
  objects: number;
  bytes: number;
  usdPerMonth: number;
  /** Why it could not be listed (no permission, no bucket). */
  problem?: string;
}

export interface CleanupJob {
  job: string;
  status: string;
  endedAt?: Date;
  warmPoolAvailable: boolean;
  leftovers: SizedLeftover[];
}

export interface CleanupListing {
  jobs: CleanupJob[];
  /** Deletable bytes (leftovers not shared, listed without a problem). */
  totalBytes: number;
  totalUsdPerMonth: number;
}

export interface CleanupQuery {
  /** Ended at least this long ago. */
  olderThanSeconds: number;
  statuses: string[];
  now?: Date;
  /** Jobs listed at most (each one described). */
  maxJobs?: number;
}

/** Every key under a prefix (or the exact key), with sizes. */
async function listKeys(clients: AwsClients, c: CleanupCandidate): Promise<Array<{ key: string; size: number }>> {
  const out: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await clients.s3().send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: c.key, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) {
      if (!o.Key || (c.exact && o.Key !== c.key) || !o.Key.startsWith(c.key)) continue;
      out.push({ key: o.Key, size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Ended jobs matching the query, with what each left in S3 and its monthly cost. */
export async function listCleanup(clients: AwsClients, query: CleanupQuery): Promise<CleanupListing> {
  const now = query.now ?? new Date();
  const summaries = await listTrainingJobsUpTo(clients, query.maxJobs ?? 500, { pageSize: 100 });
  const all: TrainingJobDescription[] = [];
  for (const s of summaries) if (s.TrainingJobName) all.push((await describeTrainingJob(clients, s.TrainingJobName)) as TrainingJobDescription);
  const chosen = all.filter((d) => {
    if (!isTerminalStatus(d.TrainingJobStatus) || !query.statuses.includes(d.TrainingJobStatus ?? '')) return false;
    const ended = d.TrainingEndTime ?? d.LastModifiedTime;
    return ended !== undefined && now.getTime() - ended.getTime() >= query.olderThanSeconds * 1000;
  });
  const candidates = cleanupCandidates(chosen, all);
  const jobs: CleanupJob[] = [];
  let totalBytes = 0;
  for (const d of chosen) {
    const leftovers: SizedLeftover[] = [];
    for (const c of candidates.filter((x) => x.job === d.TrainingJobName)) {
      try {
        const keys = await listKeys(clients, c);
        const bytes = keys.reduce((n, k) => n + k.size, 0);
        if (keys.length === 0) continue;
        leftovers.push({ ...c, objects: keys.length, bytes, usdPerMonth: monthlyStorageUsd(bytes) });
        if (!c.sharedWith) totalBytes += bytes;
      } catch (err) {
        leftovers.push({ ...c, objects: 0, bytes: 0, usdPerMonth: 0, problem: unreachableReason(err, 's3:ListBucket', undefined, 10_000) });
      }
    }
    jobs.push({
      job: d.TrainingJobName ?? '',
      status: d.TrainingJobStatus ?? '',
      ...(d.TrainingEndTime ? { endedAt: d.TrainingEndTime } : {}),
      warmPoolAvailable: d.WarmPoolStatus?.Status === 'Available',
      leftovers,
    });
  }
  return { jobs, totalBytes, totalUsdPerMonth: monthlyStorageUsd(totalBytes) };
}

export interface CleanupResult {
  deletedObjects: number;
  deletedBytes: number;
  /** Jobs whose record was deleted (DeleteTrainingJob). */
  deletedJobs: string[];
  /** One line per thing not done, with what to do. */
  problems: string[];
}

/**
 * Deletes the listed, unshared leftovers (the keys under each prefix as they are now, never
 * outside it) and, with `deleteJobs`, the job records.
 */
export async function runCleanup(clients: AwsClients, listing: CleanupListing, options: { deleteJobs?: boolean } = {}): Promise<CleanupResult> {
  const result: CleanupResult = { deletedObjects: 0, deletedBytes: 0, deletedJobs: [], problems: [] };
  for (const job of listing.jobs) {
    let complete = true;
    for (const l of job.leftovers) {
      if (l.sharedWith || l.problem) {
        complete = false;
        continue;
      }
      try {
        const keys = await listKeys(clients, l);
        for (let i = 0; i < keys.length; i += 1000) {
          const batch = keys.slice(i, i + 1000);
          const out = await clients.s3().send(new DeleteObjectsCommand({ Bucket: l.bucket, Delete: { Objects: batch.map((k) => ({ Key: k.key })), Quiet: true } }));
          const failed = new Set((out.Errors ?? []).map((e) => e.Key));
          for (const k of batch) {
            if (failed.has(k.key)) continue;
            result.deletedObjects++;
            result.deletedBytes += k.size;
          }
          if (failed.size > 0) {
            complete = false;
            result.problems.push(
              `${failed.size} object(s) under ${l.uri} were not deleted (${out.Errors?.[0]?.Code ?? 'error'}: ${out.Errors?.[0]?.Message ?? ''}); check s3:DeleteObject on the bucket and run the clean-up again.`,
            );
          }
        }
      } catch (err) {
        complete = false;
        result.problems.push(`${l.uri}: ${unreachableReason(err, 's3:DeleteObject', undefined, 10_000)}`);
      }
    }
    if (!options.deleteJobs) continue;
    if (job.warmPoolAvailable) {
      result.problems.push(
        `${job.job} was not deleted: its warm pool is Available and SageMaker refuses to delete it. Release the warm pool first (Release Warm Pool), then run the clean-up again.`,
      );
      continue;
    }
    if (!complete) {
      result.problems.push(`${job.job} was kept: not everything it left was deleted, and its record is how to find the rest.`);
      continue;
    }
    try {
      await clients.sagemaker().send(new DeleteTrainingJobCommand({ TrainingJobName: job.job }));
      result.deletedJobs.push(job.job);
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      const message = (err as Error).message ?? String(err);
      if (/warm pool/i.test(message))
        result.problems.push(`${job.job} was not deleted: its warm pool is Available. Release the warm pool first (Release Warm Pool), then run the clean-up again.`);
      else if (name === 'AccessDeniedException' || /not authorized/i.test(message))
        result.problems.push(`${job.job} was not deleted: no permission for sagemaker:DeleteTrainingJob. Ask for it in your IAM policy, or leave the records (they cost nothing).`);
      else result.problems.push(`${job.job} was not deleted: ${unreachableReason(err, 'sagemaker:DeleteTrainingJob', undefined, 10_000)}`);
    }
  }
  return result;
}
