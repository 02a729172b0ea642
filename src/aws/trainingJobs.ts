/**
 * SageMaker training jobs for the job tree and the CLI: list (newest first, paged), describe, stop.
 */
import { DescribeTrainingJobCommand, ListTagsCommand, ListTrainingJobsCommand, StopTrainingJobCommand, UpdateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { DescribeTrainingJobCommandOutput, SageMakerClient, Tag, TrainingJobSummary } from '@aws-sdk/client-sagemaker';
import { isTrainingJobStatus, TRAINING_JOB_STATUSES } from '../core/sagemaker/jobStatus';

/** What these functions need from AwsClients (tests pass their own). */
export interface SageMakerClients {
  sagemaker(): SageMakerClient;
}

export type TrainingJobErrorCode = 'JobNotFound' | 'JobNotStoppable' | 'InvalidStatusFilter' | 'NoWarmPool' | 'WarmPoolNotAvailable' | 'AccessDenied';

export class TrainingJobError extends Error {
  constructor(
    readonly code: TrainingJobErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'TrainingJobError';
  }
}

export interface ListTrainingJobsOptions {
  /** StatusEquals. */
  status?: string;
  /** NameContains. */
  nameContains?: string;
  /** CreationTimeAfter. */
  createdAfter?: Date;
  /** Jobs wanted per page (MaxResults of each request, 1–100); default 20. */
  pageSize?: number;
  /** Continue after an earlier page. */
  nextToken?: string;
  /**
   * Requests one page may use before it returns what it has (with a token to go on). A status
   * filter can need many: see `listTrainingJobs`.
   */
  maxRequests?: number;
  signal?: AbortSignal;
}

export interface TrainingJobPage {
  /** Newest first. Usually `pageSize` jobs; fewer at the end of the list, a few more when a filtered request overshot. */
  jobs: TrainingJobSummary[];
  /** Present when there may be more. */
  nextToken?: string;
  /** ListTrainingJobs calls this page took. */
  requests: number;
}

/**
 * One page of ListTrainingJobs, newest first. AWS applies MaxResults *before* StatusEquals and
 * NameContains (boto3's `list_training_jobs` documents it for StatusEquals), so a filtered
 * response can be short or empty while more matches follow: keep asking until the page has
 * `pageSize` jobs or the tokens run out. Each request still asks for `pageSize`, so a scan through
 * many non-matching jobs costs few requests; the page may then hold up to 2 × pageSize − 1 jobs,
 * which a "Load more" list simply appends.
 */
export async function listTrainingJobs(clients: SageMakerClients, options: ListTrainingJobsOptions = {}): Promise<TrainingJobPage> {
  const pageSize = Math.max(1, Math.min(100, Math.floor(options.pageSize ?? 20)));
  const maxRequests = Math.max(1, options.maxRequests ?? 25);
  if (options.status !== undefined && !isTrainingJobStatus(options.status)) {
    throw new TrainingJobError('InvalidStatusFilter', `"${options.status}" is not a training job status; use one of ${TRAINING_JOB_STATUSES.join(', ')}.`, {
      status: options.status,
    });
  }
  const jobs: TrainingJobSummary[] = [];
  let token = options.nextToken;
  let requests = 0;
  do {
    const response = await clients.sagemaker().send(
      new ListTrainingJobsCommand({
        MaxResults: pageSize,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        ...(token ? { NextToken: token } : {}),
        ...(options.status !== undefined && isTrainingJobStatus(options.status) ? { StatusEquals: options.status } : {}),
        ...(options.nameContains ? { NameContains: options.nameContains } : {}),
        ...(options.createdAfter ? { CreationTimeAfter: options.createdAfter } : {}),
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    requests++;
    jobs.push(...(response.TrainingJobSummaries ?? []));
    token = response.NextToken || undefined;
  } while (token && jobs.length < pageSize && requests < maxRequests);
  return token ? { jobs, nextToken: token, requests } : { jobs, requests };
}

/** Every job matching the filters, up to `max`, paging as needed (for the CLI). */
export async function listTrainingJobsUpTo(clients: SageMakerClients, max: number, options: Omit<ListTrainingJobsOptions, 'nextToken'> = {}): Promise<TrainingJobSummary[]> {
  const jobs: TrainingJobSummary[] = [];
  let token: string | undefined;
  do {
    const page = await listTrainingJobs(clients, { ...options, pageSize: Math.min(100, options.pageSize ?? Math.max(1, max)), ...(token ? { nextToken: token } : {}) });
    jobs.push(...page.jobs);
    token = page.nextToken;
  } while (token && jobs.length < max);
  return jobs.slice(0, max);
}

/** `onServiceTime` gets the service's clock from the answer's Date header (the log tail uses it). */
export async function describeTrainingJob(
  clients: SageMakerClients,
  jobName: string,
  signal?: AbortSignal,
  onServiceTime?: (time: number) => void,
): Promise<DescribeTrainingJobCommandOutput> {
  const command = new DescribeTrainingJobCommand({ TrainingJobName: jobName });
  try {
    return await clients.sagemaker().send(onServiceTime ? withServiceClock(command, onServiceTime) : command, signal ? { abortSignal: signal } : {});
  } catch (error) {
    throw notFoundOr(error, jobName);
  }
}

/** The job's tags (DescribeTrainingJob leaves them out), for cloning it as a job file. */
export async function trainingJobTags(clients: SageMakerClients, jobArn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  let token: string | undefined;
  do {
    const page = await clients.sagemaker().send(new ListTagsCommand({ ResourceArn: jobArn, MaxResults: 100, ...(token ? { NextToken: token } : {}) }));
    tags.push(...(page.Tags ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return tags;
}

export interface StopResult {
  /** The status before the stop (InProgress). */
  previousStatus: string;
  /** What DescribeTrainingJob says right after: Stopping (or Stopped). */
  status: string;
}

/**
 * StopTrainingJob, for an InProgress job only: SageMaker refuses any other status with a bare
 * ValidationException, so the status is checked first and named in the error.
 */
export async function stopTrainingJob(clients: SageMakerClients, jobName: string): Promise<StopResult> {
  const before = await describeTrainingJob(clients, jobName);
  const previousStatus = before.TrainingJobStatus ?? 'Unknown';
  if (previousStatus !== 'InProgress') throw notStoppable(jobName, previousStatus);
  try {
    await clients.sagemaker().send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
  } catch (error) {
    if (errorName(error) === 'ValidationException') {
      // It ended between our Describe and the Stop.
      const now = await describeTrainingJob(clients, jobName);
      throw notStoppable(jobName, now.TrainingJobStatus ?? 'Unknown');
    }
    throw notFoundOr(error, jobName);
  }
  const after = await describeTrainingJob(clients, jobName);
  return { previousStatus, status: after.TrainingJobStatus ?? 'Unknown' };
}

/**
 * "Release Warm Pool": UpdateTrainingJob with ResourceConfig.KeepAlivePeriodInSeconds 0, for an
 * Available pool only (a pool already Terminated or Reused is named as such). Returns the pool's
 * status after the call.
 */
export async function releaseWarmPool(clients: SageMakerClients, jobName: string): Promise<string> {
  const before = await describeTrainingJob(clients, jobName);
  const status = before.WarmPoolStatus?.Status;
  if (!status) throw new TrainingJobError('NoWarmPool', `Training job ${jobName} has no warm pool (it was launched without keep_alive_period_in_seconds).`, { jobName });
  if (status !== 'Available') {
    const why =
      status === 'Reused'
        ? `reused by ${before.WarmPoolStatus?.ReusedByJob ?? 'another job'}`
        : status === 'InUse'
          ? 'in use by the running job'
          : 'already released or expired (Terminated)';
    throw new TrainingJobError('WarmPoolNotAvailable', `The warm pool of ${jobName} is ${status}: ${why}. Only an Available pool can be released; there is nothing to do.`, {
      jobName,
      status,
    });
  }
  try {
    await clients.sagemaker().send(new UpdateTrainingJobCommand({ TrainingJobName: jobName, ResourceConfig: { KeepAlivePeriodInSeconds: 0 } }));
  } catch (error) {
    const name = errorName(error);
    if (name === 'AccessDeniedException' || /not authorized/i.test((error as Error).message ?? ''))
      throw new TrainingJobError(
        'AccessDenied',
        `No permission to release the warm pool of ${jobName}: sagemaker:UpdateTrainingJob is denied. Ask for it in your IAM policy; the pool ends by itself when its keep-alive runs out.`,
        { jobName },
      );
    if (name === 'ValidationException' && /warm pool/i.test((error as Error).message ?? '')) {
      const now = await describeTrainingJob(clients, jobName);
      throw new TrainingJobError(
        'WarmPoolNotAvailable',
        `The warm pool of ${jobName} is ${now.WarmPoolStatus?.Status ?? 'gone'} now: it was released, reused or expired in the meantime.`,
        { jobName },
      );
    }
    throw notFoundOr(error, jobName);
  }
  return (await describeTrainingJob(clients, jobName)).WarmPoolStatus?.Status ?? 'Terminated';
}

function notStoppable(jobName: string, status: string): TrainingJobError {
  const why = status === 'Stopping' ? 'it is already stopping' : `it has already ended (${status})`;
  return new TrainingJobError('JobNotStoppable', `Training job ${jobName} cannot be stopped: ${why}. Only InProgress jobs can be stopped.`, { jobName, status });
}

function notFoundOr(error: unknown, jobName: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if ((errorName(error) === 'ValidationException' || errorName(error) === 'ResourceNotFound') && /could not find|not found|does not exist/i.test(message)) {
    return new TrainingJobError(
      'JobNotFound',
      `No training job named ${jobName} in this account and region. Check the name (\`sagemaker-hf jobs\` lists them) and the region or profile.`,
      { jobName },
    );
  }
  return error;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

/** Margin under an answer's Date header: it has one-second resolution and comes from another host than the ingestion clock. */
const SERVICE_CLOCK_MARGIN_MS = 1_000;

/**
 * Reports the service's clock from the answer's Date header (minus a margin) to `note`: a lower
 * bound of what the service had ingested by then, which the cursor uses to keep streams in order
 * without holding lines back needlessly.
 */
export function withServiceClock<C extends { middlewareStack: { add: (...args: never[]) => unknown } }>(command: C, note: (time: number) => void): C {
  const middleware = (next: (args: unknown) => Promise<{ response?: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
    const time = httpDate(headers?.['date'] ?? headers?.['Date']);
    if (Number.isFinite(time)) note(time - SERVICE_CLOCK_MARGIN_MS);
    return result;
  };
  (command.middlewareStack.add as (m: unknown, o: unknown) => void)(middleware, { step: 'deserialize', name: 'sagemakerHfServiceClock', override: true });
  return command;
}

/**
 * An IMF-fixdate (`Thu, 26 Nov 2026 07:50:05 GMT`); the earliest when a server sent the header twice
 * and the client joined them with a comma (werkzeug behind moto does).
 */
export function httpDate(header: string | undefined): number {
  const times = [...(header ?? '').matchAll(/[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g)].map((m) => Date.parse(m[0]));
  return times.length > 0 ? Math.min(...times) : Number.NaN;
}
