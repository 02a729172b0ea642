/**
 * `tuning.json`: a local hyperparameter tuning job described in DescribeHyperParameterTuningJob's own
 * field names, plus `Trials` in ListTrainingJobsForHyperParameterTuningJob's summary shape, so the
 * jobs tree can show a local tuning job like a cloud one. It lives at `<local jobs root>/<tuning
 * name>/tuning.json`; each trial is an ordinary local job beside it (`<root>/<trial name>/job.json`,
 * whose `TuningJobArn` names this tuning job). Times are ISO strings (JSON has no dates).
 */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { TrainingJobStatus } from '../core/sagemaker/jobStatus';
import { processAlive } from './processTree';

export const TUNING_RECORD_FILE = 'tuning.json';
export const LOCAL_TUNING_RECORD_VERSION = 1;

/** DescribeHyperParameterTuningJob's HyperParameterTuningJobStatus (the values a local run uses). */
export type TuningJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

/** HyperParameterTrainingJobSummary.ObjectiveStatus. */
export type ObjectiveStatus = 'Succeeded' | 'Pending' | 'Failed';

export interface ParameterRangesShape {
  IntegerParameterRanges: Array<{ Name: string; MinValue: string; MaxValue: string; ScalingType: string }>;
  ContinuousParameterRanges: Array<{ Name: string; MinValue: string; MaxValue: string; ScalingType: string }>;
  CategoricalParameterRanges: Array<{ Name: string; Values: string[] }>;
}

/** One trial, as ListTrainingJobsForHyperParameterTuningJob summarises it. */
export interface TrialSummary {
  TrainingJobName: string;
  TrainingJobArn: string;
  TuningJobName: string;
  TrainingJobStatus: TrainingJobStatus;
  /** The values the tuner chose, as the trial received them (strings). */
  TunedHyperParameters: Record<string, string>;
  /** Present once the trial's log gave the objective. */
  FinalHyperParameterTuningJobObjectiveMetric?: { Type: 'Maximize' | 'Minimize'; MetricName: string; Value: number };
  ObjectiveStatus: ObjectiveStatus;
  CreationTime: string;
  TrainingStartTime?: string;
  TrainingEndTime?: string;
  FailureReason?: string;
}

export interface LocalTuningRecord {
  HyperParameterTuningJobName: string;
  HyperParameterTuningJobArn: string;
  HyperParameterTuningJobStatus: TuningJobStatus;
  HyperParameterTuningJobConfig: {
    Strategy: 'Random' | 'Grid';
    HyperParameterTuningJobObjective: { Type: 'Maximize' | 'Minimize'; MetricName: string };
    ResourceLimits: { MaxNumberOfTrainingJobs: number; MaxParallelTrainingJobs: number; MaxRuntimeInSeconds?: number };
    ParameterRanges: ParameterRangesShape;
    TrainingJobEarlyStoppingType: 'Off' | 'Auto';
    TuningJobCompletionCriteria?: {
      TargetObjectiveMetricValue?: number;
      BestObjectiveNotImproving?: { MaxNumberOfTrainingJobsNotImproving: number };
      ConvergenceDetected?: { CompleteOnConvergence: 'Enabled' | 'Disabled' };
    };
    RandomSeed?: number;
  };
  /** What every trial shares: the static hyperparameters (sagemaker_* included) and the metric regexes. */
  TrainingJobDefinition: {
    StaticHyperParameters: Record<string, string>;
    AlgorithmSpecification: { TrainingImage: string; TrainingInputMode: 'File'; MetricDefinitions: Array<{ Name: string; Regex: string }> };
  };
  CreationTime: string;
  HyperParameterTuningEndTime?: string;
  LastModifiedTime: string;
  TrainingJobStatusCounters: { Completed: number; InProgress: number; RetryableError: number; NonRetryableError: number; Stopped: number };
  ObjectiveStatusCounters: { Succeeded: number; Pending: number; Failed: number };
  BestTrainingJob?: TrialSummary;
  FailureReason?: string;
  /** Every trial started so far, in the order started. */
  Trials: TrialSummary[];
  /** What only a local tuning job has. */
  Local: {
    version: number;
    /** `<root>/<tuning name>`; the trials' folders are its siblings. */
    folder: string;
    /** The Node process that runs the tuning job; a dead one means it was interrupted. */
    runnerPid: number;
    /** The job file it was started from (absolute path). */
    jobFile: string;
    /** What of the `tuning:` block a local run does not honour, in words (shown to the user too). */
    notHonoured?: string[];
    /** Why the run ended before max_jobs (max_runtime_in_seconds, a completion criterion), when it did. */
    endReason?: string;
  };
}

/** `arn:aws:sagemaker:<region>:000000000000:hyper-parameter-tuning-job/<name>` (SageMaker lowercases the name in ARNs). */
export function localTuningJobArn(name: string, region = 'us-east-1'): string {
  return `arn:aws:sagemaker:${region}:000000000000:hyper-parameter-tuning-job/${name.toLowerCase()}`;
}

export function localTrainingJobArn(name: string, region = 'us-east-1'): string {
  return `arn:aws:sagemaker:${region}:000000000000:training-job/${name.toLowerCase()}`;
}

/** The tuning job a trial's `TuningJobArn` names (the part after `hyper-parameter-tuning-job/`). */
export function tuningNameFromArn(arn: string | undefined): string | undefined {
  const m = /:hyper-parameter-tuning-job\/([^/]+)$/.exec(arn ?? '');
  return m ? m[1] : undefined;
}

/** The counters of DescribeHyperParameterTuningJob, from the trials. */
export function countTrials(trials: readonly TrialSummary[]): Pick<LocalTuningRecord, 'TrainingJobStatusCounters' | 'ObjectiveStatusCounters'> {
  const t = { Completed: 0, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 };
  const o = { Succeeded: 0, Pending: 0, Failed: 0 };
  for (const trial of trials) {
    if (trial.TrainingJobStatus === 'Completed') t.Completed++;
    else if (trial.TrainingJobStatus === 'Failed') t.NonRetryableError++;
    else if (trial.TrainingJobStatus === 'Stopped') t.Stopped++;
    else t.InProgress++;
    o[trial.ObjectiveStatus]++;
  }
  return { TrainingJobStatusCounters: t, ObjectiveStatusCounters: o };
}

export async function writeTuningRecord(record: LocalTuningRecord): Promise<void> {
  await fs.mkdir(record.Local.folder, { recursive: true });
  const file = path.join(record.Local.folder, TUNING_RECORD_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await fs.rename(temporary, file); // readers never see half a file
}

/** One tuning folder's record; undefined when the folder holds no (readable) tuning job. */
export async function readLocalTuningJob(folder: string): Promise<LocalTuningRecord | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, TUNING_RECORD_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let record: LocalTuningRecord;
  try {
    record = JSON.parse(text) as LocalTuningRecord;
  } catch {
    return undefined;
  }
  if (typeof record?.HyperParameterTuningJobName !== 'string' || typeof record.HyperParameterTuningJobStatus !== 'string' || !record.Local || !Array.isArray(record.Trials)) {
    return undefined;
  }
  return reconcileInterrupted(record);
}

/** Every local tuning job under `root`, newest first (as ListHyperParameterTuningJobs sorted by CreationTime descending). */
export async function listLocalTuningJobs(root: string): Promise<LocalTuningRecord[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const records = await Promise.all(names.map((name) => readLocalTuningJob(path.join(root, name))));
  return records.filter((r): r is LocalTuningRecord => r !== undefined).sort((a, b) => (a.CreationTime < b.CreationTime ? 1 : a.CreationTime > b.CreationTime ? -1 : 0));
}

/** A tuning job left InProgress by a runner that no longer exists is reported Failed (its trials' job.json say the same of them). */
function reconcileInterrupted(record: LocalTuningRecord): LocalTuningRecord {
  const inFlight = record.HyperParameterTuningJobStatus === 'InProgress' || record.HyperParameterTuningJobStatus === 'Stopping';
  if (!inFlight || record.Local.runnerPid === process.pid || processAlive(record.Local.runnerPid)) return record;
  const reason = 'InternalServerError: the local runner exited before the job finished. Run the job again.';
  const trials = record.Trials.map((t) =>
    t.TrainingJobStatus === 'InProgress' || t.TrainingJobStatus === 'Stopping'
      ? { ...t, TrainingJobStatus: 'Failed' as const, ObjectiveStatus: t.ObjectiveStatus === 'Pending' ? ('Failed' as const) : t.ObjectiveStatus, FailureReason: reason }
      : t,
  );
  return {
    ...record,
    ...countTrials(trials),
    Trials: trials,
    HyperParameterTuningJobStatus: 'Failed',
    FailureReason: 'The local runner exited before the tuning job finished. Run the tuning job again.',
  };
}
