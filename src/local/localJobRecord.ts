/**
 * `job.json`: a local job described in DescribeTrainingJob's own field names, so the jobs tree,
 * the model card and the artifact download can treat a local job like a cloud one. Times are ISO
 * strings (JSON has no dates); S3 URIs become `file://` URIs, as the SDK's local mode reports them.
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { isInFlightStatus } from '../core/sagemaker/jobStatus';
import type { TrainingJobStatus } from '../core/sagemaker/jobStatus';
import type { TrainingJobDescription } from '../core/jobs/trainingJobDescription';
import type { MachineFacts } from './machine';
import { processAlive } from './processTree';

export const JOB_RECORD_FILE = 'job.json';
export const LOCAL_JOB_RECORD_VERSION = 1;

export type SecondaryStatus = 'Starting' | 'Downloading' | 'Training' | 'Uploading' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface SecondaryStatusTransition {
  Status: SecondaryStatus;
  StartTime: string;
  EndTime?: string;
  StatusMessage: string;
}

export interface LocalJobRecord {
  TrainingJobName: string;
  TrainingJobStatus: TrainingJobStatus;
  SecondaryStatus: SecondaryStatus;
  FailureReason?: string;
  CreationTime: string;
  TrainingStartTime?: string;
  TrainingEndTime?: string;
  LastModifiedTime: string;
  /** Wall seconds from the start of training to its end, as SageMaker counts TrainingTimeInSeconds. */
  TrainingTimeInSeconds?: number;
  HyperParameters: Record<string, string>;
  AlgorithmSpecification: { TrainingInputMode: 'File'; TrainingImage: string };
  /** InstanceType and InstanceCount, or InstanceGroups for a heterogeneous cluster (as DescribeTrainingJob reports them). */
  ResourceConfig: {
    InstanceType?: string;
    InstanceCount?: number;
    InstanceGroups?: Array<{ InstanceGroupName: string; InstanceType: string; InstanceCount: number }>;
    VolumeSizeInGB: number;
  };
  InputDataConfig: Array<{ ChannelName: string; Source: string; ContentType?: string; S3DataDistributionType: string }>;
  OutputDataConfig: { S3OutputPath: string };
  ModelArtifacts?: { S3ModelArtifacts: string };
  SecondaryStatusTransitions: SecondaryStatusTransition[];
  /** A tuning trial's: `arn:…:hyper-parameter-tuning-job/<tuning name>` (see localTuningRecord.ts). */
  TuningJobArn?: string;
  /** What only a local job has. */
  Local: {
    version: number;
    /** The job folder (`<root>/<job name>`). */
    folder: string;
    hosts: string[];
    sourceDir: string;
    entryPoint: string;
    interpreter: string;
    pythonVersion: string;
    /** Frameworks installed in the interpreter (torch, transformers, …) and their versions; {} when none is. */
    packages?: Record<string, string>;
    /** The machine the hosts ran on (OS, CPU, GPUs), recorded when the hosts are prepared. */
    machine?: MachineFacts;
    /** Absolute paths of the packed artifacts, once written. */
    modelArtifact?: string;
    outputArtifact?: string;
    /** One combined stdout/stderr log per host, as CloudWatch keeps one stream per host. */
    logFiles: Record<string, string>;
    /** The Node process that runs the job; a dead one means the job was interrupted. */
    runnerPid: number;
    /** Each host's process group (the pid of the process started for it), once started. */
    processGroups?: Record<string, number>;
  };
}

export async function writeJobRecord(record: LocalJobRecord): Promise<void> {
  const file = path.join(record.Local.folder, JOB_RECORD_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await fs.rename(temporary, file); // readers never see half a file
}

/** Reads one job folder's record; undefined when the folder holds no (readable) job. */
export async function readLocalJob(folder: string): Promise<LocalJobRecord | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, JOB_RECORD_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let record: LocalJobRecord;
  try {
    record = JSON.parse(text) as LocalJobRecord;
  } catch {
    return undefined;
  }
  if (typeof record.TrainingJobName !== 'string' || typeof record.TrainingJobStatus !== 'string' || !record.Local) return undefined;
  return reconcileInterrupted(record);
}

/**
 * Every local job under `root` (e.g. `<workspace>/.sagemaker-local`), newest first, like
 * ListTrainingJobs sorted by CreationTime descending. A missing root means no jobs.
 */
export async function listLocalJobs(root: string): Promise<LocalJobRecord[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const records = await Promise.all(names.map((name) => readLocalJob(path.join(root, name))));
  return records.filter((r): r is LocalJobRecord => r !== undefined).sort((a, b) => (a.CreationTime < b.CreationTime ? 1 : a.CreationTime > b.CreationTime ? -1 : 0));
}

/** A job left InProgress by a runner that no longer exists (editor closed, CLI killed) is reported Failed. */
function reconcileInterrupted(record: LocalJobRecord): LocalJobRecord {
  if (!isInFlightStatus(record.TrainingJobStatus) || record.Local.runnerPid === process.pid || processAlive(record.Local.runnerPid)) return record;
  return {
    ...record,
    TrainingJobStatus: 'Failed',
    SecondaryStatus: 'Failed',
    FailureReason: 'InternalServerError: the local runner exited before the job finished. Run the job again.',
  };
}

/** job.json read as DescribeTrainingJob's answer: its shape, with Dates for the ISO strings (the tree, the model card, Compare Runs, `compare`). */
export function localJobDescription(r: LocalJobRecord): TrainingJobDescription {
  const date = (s: string | undefined) => (s ? new Date(s) : undefined);
  return {
    TrainingJobName: r.TrainingJobName,
    TrainingJobStatus: r.TrainingJobStatus,
    SecondaryStatus: r.SecondaryStatus,
    ...(r.FailureReason ? { FailureReason: r.FailureReason } : {}),
    CreationTime: date(r.CreationTime),
    TrainingStartTime: date(r.TrainingStartTime),
    TrainingEndTime: date(r.TrainingEndTime),
    LastModifiedTime: date(r.LastModifiedTime),
    ...(r.TrainingTimeInSeconds !== undefined ? { TrainingTimeInSeconds: r.TrainingTimeInSeconds } : {}),
    HyperParameters: r.HyperParameters,
    AlgorithmSpecification: r.AlgorithmSpecification,
    ResourceConfig: r.ResourceConfig,
    OutputDataConfig: r.OutputDataConfig,
    ...(r.ModelArtifacts ? { ModelArtifacts: r.ModelArtifacts } : {}),
    SecondaryStatusTransitions: r.SecondaryStatusTransitions.map((t) => ({
      Status: t.Status,
      StatusMessage: t.StatusMessage,
      StartTime: date(t.StartTime),
      EndTime: date(t.EndTime),
    })),
  } as TrainingJobDescription;
}
