/**
 * SageMaker hyperparameter tuning jobs for the job tree and the CLI: list (newest first), describe, the
 * trials (every page of ListTrainingJobsForHyperParameterTuningJob), stop.
 */
import {
  DescribeHyperParameterTuningJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  StopHyperParameterTuningJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { DescribeHyperParameterTuningJobCommandOutput, HyperParameterTrainingJobSummary, HyperParameterTuningJobSummary } from '@aws-sdk/client-sagemaker';
import { isTrainingJobStatus, TRAINING_JOB_STATUSES } from '../core/sagemaker/jobStatus';
import { TrainingJobError } from './trainingJobs';
import type { SageMakerClients } from './trainingJobs';

export interface ListTuningJobsOptions {
  /** StatusEquals (the tuning job statuses share the training job's five names). */
  status?: string;
  nameContains?: string;
  /** How many, newest first (default 20, at most 100 per request; more pages are read up to this). */
  max?: number;
  signal?: AbortSignal;
}

/** Tuning jobs newest first, up to `max`. ListHyperParameterTuningJobs filters before it pages, so pages are full. */
export async function listTuningJobs(clients: SageMakerClients, options: ListTuningJobsOptions = {}): Promise<HyperParameterTuningJobSummary[]> {
  const max = Math.max(1, Math.floor(options.max ?? 20));
  if (options.status !== undefined && !isTrainingJobStatus(options.status)) {
    throw new TrainingJobError('InvalidStatusFilter', `"${options.status}" is not a job status; use one of ${TRAINING_JOB_STATUSES.join(', ')}.`, { status: options.status });
  }
  const jobs: HyperParameterTuningJobSummary[] = [];
  let token: string | undefined;
  do {
    const page = await clients.sagemaker().send(
      new ListHyperParameterTuningJobsCommand({
        MaxResults: Math.min(100, max - jobs.length),
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        ...(token ? { NextToken: token } : {}),
        ...(options.status !== undefined && isTrainingJobStatus(options.status) ? { StatusEquals: options.status } : {}),
        ...(options.nameContains ? { NameContains: options.nameContains } : {}),
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    jobs.push(...(page.HyperParameterTuningJobSummaries ?? []));
    token = page.NextToken || undefined;
  } while (token && jobs.length < max);
  return jobs.slice(0, max);
}

export async function describeTuningJob(clients: SageMakerClients, name: string, signal?: AbortSignal): Promise<DescribeHyperParameterTuningJobCommandOutput> {
  try {
    return await clients.sagemaker().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }), signal ? { abortSignal: signal } : {});
  } catch (error) {
    throw tuningNotFoundOr(error, name);
  }
}

/**
 * Every trial of a tuning job, all pages, in creation order. Sorted by CreationTime rather than by
 * FinalObjectiveMetricValue: sorted by the objective, SageMaker leaves out the trials that have no value
 * (running, failed), and the views order them themselves (core/jobs/tuningJobView.ts).
 */
export async function listTuningTrials(clients: SageMakerClients, name: string, signal?: AbortSignal): Promise<HyperParameterTrainingJobSummary[]> {
  const trials: HyperParameterTrainingJobSummary[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.sagemaker().send(
        new ListTrainingJobsForHyperParameterTuningJobCommand({
          HyperParameterTuningJobName: name,
          MaxResults: 100,
          SortBy: 'CreationTime',
          SortOrder: 'Ascending',
          ...(token ? { NextToken: token } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      );
      trials.push(...(page.TrainingJobSummaries ?? []));
      token = page.NextToken || undefined;
    } while (token);
  } catch (error) {
    throw tuningNotFoundOr(error, name);
  }
  return trials;
}

export interface TuningJobWithTrials {
  description: DescribeHyperParameterTuningJobCommandOutput;
  trials: HyperParameterTrainingJobSummary[];
}

export async function describeTuningJobWithTrials(clients: SageMakerClients, name: string, signal?: AbortSignal): Promise<TuningJobWithTrials> {
  const description = await describeTuningJob(clients, name, signal);
  return { description, trials: await listTuningTrials(clients, name, signal) };
}

export interface TuningStopResult {
  previousStatus: string;
  /** Stopping (or Stopped) right after. */
  status: string;
}

/** StopHyperParameterTuningJob for an InProgress tuning job (its running trials are stopped with it); any other status is named in the error. */
export async function stopTuningJob(clients: SageMakerClients, name: string): Promise<TuningStopResult> {
  const before = await describeTuningJob(clients, name);
  const previousStatus = before.HyperParameterTuningJobStatus ?? 'Unknown';
  if (previousStatus !== 'InProgress') throw tuningNotStoppable(name, previousStatus);
  try {
    await clients.sagemaker().send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
  } catch (error) {
    if ((error as { name?: string }).name === 'ValidationException') {
      const now = await describeTuningJob(clients, name);
      throw tuningNotStoppable(name, now.HyperParameterTuningJobStatus ?? 'Unknown');
    }
    throw tuningNotFoundOr(error, name);
  }
  const after = await describeTuningJob(clients, name);
  return { previousStatus, status: after.HyperParameterTuningJobStatus ?? 'Unknown' };
}

/** Whether SageMaker has a tuning job of this name (for `stop NAME`, which takes either kind). */
export async function tuningJobExists(clients: SageMakerClients, name: string): Promise<boolean> {
  // Tuning job names are at most 32 characters: a longer name is a training job's, no call needed.
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/.test(name)) return false;
  try {
    await describeTuningJob(clients, name);
    return true;
  } catch (error) {
    if (error instanceof TrainingJobError && error.code === 'JobNotFound') return false;
    throw error;
  }
}

function tuningNotStoppable(name: string, status: string): TrainingJobError {
  const why = status === 'Stopping' ? 'it is already stopping' : `it has already ended (${status})`;
  return new TrainingJobError('JobNotStoppable', `Tuning job ${name} cannot be stopped: ${why}. Only InProgress tuning jobs can be stopped.`, { jobName: name, status });
}

function tuningNotFoundOr(error: unknown, name: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { name?: string } | undefined)?.name;
  if ((code === 'ResourceNotFound' || code === 'ValidationException') && /can't find|could not find|not found|does not exist/i.test(message)) {
    return new TrainingJobError(
      'JobNotFound',
      `No hyperparameter tuning job named ${name} in this account and region. Check the name (\`sagemaker-hf jobs\` lists them) and the region or profile.`,
      {
        jobName: name,
      },
    );
  }
  return error;
}
