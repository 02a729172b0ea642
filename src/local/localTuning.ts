/**
 * A job file with `tuning:` run as a hyperparameter tuning job on this machine: Random or Grid search
 * (core/tuning/localSearch.ts), `max_parallel_jobs` trials at a time, each an ordinary local job under
 * the container contract (runJobFile.ts) with the tuned values in place of the file's, named and
 * linked to its tuning job as SageMaker does. The objective is read from each trial's log with the
 * tuner's metric regexes; `tuning.json` (localTuningRecord.ts) is rewritten as trials start and end.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { Problem } from '../core/jobFile/problem';
import type { MetricDefinition } from '../core/metrics/trainerLog';
import type { TuningSpec } from '../core/sagemaker/tuningSpec';
import { baseNameFromImage } from '../core/training/jobName';
import {
  bestTrial,
  completionReached,
  notHonouredLocally,
  objectiveFromLog,
  parameterRanges,
  plannedTrials,
  trialHyperParameters,
  trialJobName,
  tuningJobName,
} from '../core/tuning/localSearch';
import type { TunedValues } from '../core/tuning/localSearch';
import type { LocalJob, LocalLogLine, LocalStatusChange } from './localJob';
import type { LocalJobRecord } from './localJobRecord';
import { countTrials, LOCAL_TUNING_RECORD_VERSION, localTrainingJobArn, localTuningJobArn, writeTuningRecord } from './localTuningRecord';
import type { LocalTuningRecord, TrialSummary } from './localTuningRecord';
import { planLocalRun, startPlannedRun } from './runJobFile';
import type { PlannedLocalRun, RunJobFileOptions } from './runJobFile';

/** The most of a trial's log read for its objective (its end: the final value is the last one). */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface LocalTuningListener {
  /** A line of one trial's hosts. */
  onLine?(trial: string, line: LocalLogLine): void;
  /** A trial's status changed (as a local job reports it). */
  onTrialStatus?(change: LocalStatusChange): void;
  /** tuning.json was rewritten (a trial started or ended, the tuning job's status changed). */
  onRecord?(record: LocalTuningRecord): void;
}

export interface LocalTuningOptions extends Omit<RunJobFileOptions, 'listener' | 'onPrepared'> {
  tuningListener?: LocalTuningListener;
  /** Eight hex digits per trial name; default random (as SageMaker's suffix). */
  trialSuffix?: () => string;
}

export interface LocalTuning {
  readonly name: string;
  readonly folder: string;
  /** Resolves when the tuning job is Completed, Failed or Stopped (never rejects). */
  readonly completion: Promise<LocalTuningRecord>;
  /** Stops every running trial and starts no more; resolves with the final record. */
  stop(): Promise<LocalTuningRecord>;
  record(): LocalTuningRecord;
}

export type LocalTuningOutcome =
  | { kind: 'invalid'; problems: Problem[] }
  /** The file is valid but this tuning job cannot run here (Bayesian, Hyperband, autotune, …): the reason says what to do. */
  | { kind: 'refused'; reason: string }
  | { kind: 'started'; tuning: LocalTuning };

export async function runLocalTuning(o: LocalTuningOptions): Promise<LocalTuningOutcome> {
  const outcome = planLocalRun(o);
  if (outcome.kind === 'invalid') return outcome;
  const planned = outcome.planned;
  const tuning = planned.spec.tuning;
  if (!tuning) return { kind: 'refused', reason: 'This job file has no tuning: block; run it as a training job.' };
  // Without random_seed a seed is chosen and recorded (RandomSeed), so a run can be repeated.
  const seed = tuning.random_seed ?? randomInt(0, 2 ** 31);
  const trials = plannedTrials(tuning, seed);
  if ('error' in trials) return { kind: 'refused', reason: trials.error };
  // As on SageMaker: the tuning job reads only the tuner's own definitions (the SDK never sends the estimator's).
  const definitions = tuning.metric_definitions ?? [];
  if (!definitions.some((d) => d.Name === tuning.objective_metric_name)) {
    return {
      kind: 'refused',
      reason: `No tuning.metric_definitions entry is named ${tuning.objective_metric_name}, so no trial's objective could be read. Add {Name: ${tuning.objective_metric_name}, Regex: …} to tuning.metric_definitions.`,
    };
  }
  const root = path.resolve(path.dirname(path.resolve(o.jobFilePath)), o.root);
  const name = await freeTuningName(
    root,
    tuningJobName(tuning.base_tuning_job_name || baseNameFromImage(planned.request.AlgorithmSpecification.TrainingImage), o.now ?? new Date()),
  );
  const run = new TuningRun(o, planned, tuning, { ...o, root }, name, trials.trials, seed, definitions);
  await run.begin();
  return { kind: 'started', tuning: run.handle() };
}

/** The SDK's name, or (when a local tuning job of that name exists, e.g. two runs in one minute) the same with `-2`, `-3`, … within 32 characters. */
async function freeTuningName(root: string, name: string): Promise<string> {
  const taken = async (n: string) => (await fs.stat(path.join(root, n)).catch(() => undefined)) !== undefined;
  if (!(await taken(name))) return name;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = `${name.slice(0, 32 - suffix.length)}${suffix}`;
    if (!(await taken(candidate))) return candidate;
  }
}

interface RunningTrial {
  index: number;
  job?: LocalJob;
}

class TuningRun {
  private readonly state: LocalTuningRecord;
  private readonly running = new Map<string, RunningTrial>();
  private next = 0;
  /** Objectives of ended trials in the order they ended (for the completion criteria). */
  private readonly endedObjectives: Array<number | undefined> = [];
  private ending: 'stop' | 'runtime' | 'criteria' | 'startFailed' | undefined;
  private endMessage: string | undefined;
  private writes: Promise<void> = Promise.resolve();
  private resolve!: (r: LocalTuningRecord) => void;
  private readonly completion = new Promise<LocalTuningRecord>((r) => (this.resolve = r));
  private runtimeTimer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly o: LocalTuningOptions,
    private readonly planned: PlannedLocalRun,
    private readonly tuning: TuningSpec,
    private readonly runOptions: RunJobFileOptions,
    readonly name: string,
    private readonly trials: TunedValues[],
    seed: number,
    private readonly definitions: MetricDefinition[],
  ) {
    const now = new Date().toISOString();
    const region = planned.spec.region ?? o.region ?? 'us-east-1';
    const criteria = tuning.completion_criteria_config;
    this.state = {
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobArn: localTuningJobArn(name, region),
      HyperParameterTuningJobStatus: 'InProgress',
      HyperParameterTuningJobConfig: {
        Strategy: tuning.strategy === 'Grid' ? 'Grid' : 'Random',
        HyperParameterTuningJobObjective: { Type: tuning.objective_type ?? 'Maximize', MetricName: tuning.objective_metric_name },
        ResourceLimits: {
          MaxNumberOfTrainingJobs: trials.length,
          MaxParallelTrainingJobs: tuning.max_parallel_jobs ?? 1,
          ...(tuning.max_runtime_in_seconds !== undefined ? { MaxRuntimeInSeconds: tuning.max_runtime_in_seconds } : {}),
        },
        ParameterRanges: parameterRanges(tuning, planned.tuningValues),
        TrainingJobEarlyStoppingType: tuning.early_stopping_type ?? 'Off',
        ...(criteria
          ? {
              TuningJobCompletionCriteria: {
                ...(criteria.target_objective_metric_value !== undefined ? { TargetObjectiveMetricValue: criteria.target_objective_metric_value } : {}),
                ...(criteria.max_number_of_training_jobs_not_improving !== undefined
                  ? { BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: criteria.max_number_of_training_jobs_not_improving } }
                  : {}),
                ...(criteria.complete_on_convergence !== undefined
                  ? { ConvergenceDetected: { CompleteOnConvergence: criteria.complete_on_convergence ? 'Enabled' : 'Disabled' } }
                  : {}),
              },
            }
          : {}),
        ...(tuning.strategy === 'Grid' ? {} : { RandomSeed: seed }),
      },
      TrainingJobDefinition: {
        // Each trial's job.json holds its own code location and job name (a local run sets them per job).
        StaticHyperParameters: withoutPerRunKeys(trialHyperParameters(planned.request.HyperParameters ?? {}, tuning.hyperparameter_ranges, {})),
        AlgorithmSpecification: { TrainingImage: planned.request.AlgorithmSpecification.TrainingImage, TrainingInputMode: 'File', MetricDefinitions: definitions },
      },
      CreationTime: now,
      LastModifiedTime: now,
      ...countTrials([]),
      Trials: [],
      Local: {
        version: LOCAL_TUNING_RECORD_VERSION,
        folder: path.join(this.runOptions.root, name),
        runnerPid: process.pid,
        jobFile: path.resolve(o.jobFilePath),
        notHonoured: notHonouredLocally(tuning),
      },
    };
    if (this.state.Local.notHonoured?.length === 0) delete this.state.Local.notHonoured;
  }

  async begin(): Promise<void> {
    this.save();
    await this.writes;
    if (this.tuning.max_runtime_in_seconds !== undefined) {
      this.runtimeTimer = setTimeout(
        () => this.end('runtime', `max_runtime_in_seconds (${this.tuning.max_runtime_in_seconds} s) was reached`),
        this.tuning.max_runtime_in_seconds * 1000,
      );
      this.runtimeTimer.unref?.();
    }
    this.fill();
  }

  handle(): LocalTuning {
    return {
      name: this.name,
      folder: this.state.Local.folder,
      completion: this.completion,
      stop: () => {
        this.end('stop');
        return this.completion;
      },
      record: () => structuredClone(this.state),
    };
  }

  /** Starts trials while there is room and work. */
  private fill(): void {
    const parallel = this.tuning.max_parallel_jobs ?? 1;
    while (!this.ending && this.running.size < parallel && this.next < this.trials.length) this.startTrial(this.next++);
    this.maybeFinish();
  }

  private startTrial(index: number): void {
    const values = this.trials[index]!;
    const trialName = trialJobName(this.name, index, this.o.trialSuffix?.() ?? randomBytes(4).toString('hex'));
    const summary: TrialSummary = {
      TrainingJobName: trialName,
      TrainingJobArn: localTrainingJobArn(trialName, this.planned.spec.region ?? this.o.region),
      TuningJobName: this.name,
      TrainingJobStatus: 'InProgress',
      TunedHyperParameters: values,
      ObjectiveStatus: 'Pending',
      CreationTime: new Date().toISOString(),
    };
    this.state.Trials.push(summary);
    const entry: RunningTrial = { index };
    this.running.set(trialName, entry);
    this.save();
    const listener = this.o.tuningListener;
    startPlannedRun(
      this.planned,
      {
        ...this.runOptions,
        listener: {
          onLine: (line) => listener?.onLine?.(trialName, line),
          onStatus: (change) => {
            if (change.status === 'InProgress' && change.secondaryStatus === 'Training') {
              summary.TrainingStartTime = change.time.toISOString();
              this.save();
            }
            listener?.onTrialStatus?.(change);
          },
        },
      },
      {
        jobName: trialName,
        hyperparameters: trialHyperParameters(this.planned.request.HyperParameters ?? {}, this.tuning.hyperparameter_ranges, values),
        tuningJobArn: this.state.HyperParameterTuningJobArn,
      },
    ).then(
      (job) => {
        entry.job = job;
        // A stop asked while the trial was starting reaches it now.
        if (this.ending) void job.stop();
        void job.completion.then((record) => this.trialEnded(trialName, summary, record));
      },
      (err: Error) => {
        // What stops one trial from starting (no interpreter, a missing entry point or channel) stops them all.
        summary.TrainingJobStatus = 'Failed';
        summary.ObjectiveStatus = 'Failed';
        summary.FailureReason = err.message;
        summary.TrainingEndTime = new Date().toISOString();
        this.running.delete(trialName);
        this.endedObjectives.push(undefined);
        this.end('startFailed', `Trial ${trialName} could not start: ${err.message}`);
      },
    );
  }

  private async trialEnded(trialName: string, summary: TrialSummary, record: LocalJobRecord): Promise<void> {
    summary.TrainingJobStatus = record.TrainingJobStatus;
    if (record.TrainingStartTime) summary.TrainingStartTime = record.TrainingStartTime;
    summary.TrainingEndTime = record.TrainingEndTime ?? new Date().toISOString();
    if (record.FailureReason) summary.FailureReason = record.FailureReason;
    const objective = await this.readObjective(record);
    if (objective.value !== undefined) {
      summary.FinalHyperParameterTuningJobObjectiveMetric = {
        Type: this.state.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.Type,
        MetricName: this.tuning.objective_metric_name,
        Value: objective.value,
      };
      summary.ObjectiveStatus = 'Succeeded';
    } else {
      summary.ObjectiveStatus = 'Failed';
      if (record.TrainingJobStatus === 'Completed') {
        // SageMaker's wording when a completed trial's log never matched the objective's regex.
        summary.FailureReason =
          objective.error ?? `The objective metric ${this.tuning.objective_metric_name} was not found in the training job's log: no line matched its metric_definitions regex.`;
      }
    }
    this.running.delete(trialName);
    this.endedObjectives.push(objective.value);
    const reached = completionReached(this.tuning, this.endedObjectives);
    if (reached && !this.ending) this.end('criteria', `completion_criteria_config: ${reached}`);
    else {
      this.save();
      this.fill();
    }
  }

  /** The objective from the leader host's log (algo-1: the Trainer logs metrics on its main process). */
  private async readObjective(record: LocalJobRecord): Promise<{ value?: number; error?: string }> {
    const file = record.Local.logFiles[record.Local.hosts[0] ?? 'algo-1'];
    if (!file) return {};
    const text = await readTail(file).catch(() => undefined);
    if (text === undefined) return {};
    return objectiveFromLog(text.split('\n'), this.definitions, this.tuning.objective_metric_name);
  }

  private end(reason: 'stop' | 'runtime' | 'criteria' | 'startFailed', message?: string): void {
    if (this.ending || this.finished) return;
    this.ending = reason;
    this.endMessage = message;
    if (reason === 'stop') this.state.HyperParameterTuningJobStatus = 'Stopping';
    for (const t of this.running.values()) void t.job?.stop();
    this.save();
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finished || this.running.size > 0) return;
    if (!this.ending && this.next < this.trials.length) return;
    this.finished = true;
    if (this.runtimeTimer) clearTimeout(this.runtimeTimer);
    const s = this.state;
    const succeeded = s.Trials.some((t) => t.ObjectiveStatus === 'Succeeded');
    if (this.ending === 'stop') s.HyperParameterTuningJobStatus = 'Stopped';
    else if (this.ending === 'startFailed') {
      s.HyperParameterTuningJobStatus = 'Failed';
      s.FailureReason = this.endMessage;
    } else if (!succeeded) {
      s.HyperParameterTuningJobStatus = 'Failed';
      s.FailureReason = `No training job reported the objective metric ${this.tuning.objective_metric_name}: ${s.Trials.length} failed or never printed a line its regex matches. See the trials' logs.`;
    } else s.HyperParameterTuningJobStatus = 'Completed';
    if (this.endMessage && this.ending !== 'startFailed') s.Local.endReason = this.endMessage;
    s.HyperParameterTuningEndTime = new Date().toISOString();
    this.save();
    void this.writes.then(() => this.resolve(structuredClone(s)));
  }

  /** Recounts, picks the best trial and rewrites tuning.json (in order; a failed write does not stop the run). */
  private save(): void {
    const s = this.state;
    Object.assign(s, countTrials(s.Trials));
    const best = bestTrial(
      s.Trials.map((t, index) => ({ name: t.TrainingJobName, index, objective: t.FinalHyperParameterTuningJobObjectiveMetric?.Value, trial: t })),
      s.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.Type,
    );
    if (best) s.BestTrainingJob = best.trial;
    else delete s.BestTrainingJob;
    s.LastModifiedTime = new Date().toISOString();
    const snapshot = structuredClone(s);
    this.writes = this.writes.then(() => writeTuningRecord(snapshot)).catch(() => undefined);
    this.o.tuningListener?.onRecord?.(snapshot);
  }
}

function withoutPerRunKeys(hyperparameters: Record<string, string>): Record<string, string> {
  const { sagemaker_submit_directory: _code, sagemaker_job_name: _name, ...rest } = hyperparameters;
  return rest;
}

/** The last MAX_LOG_BYTES of a log file (the objective's final value is near its end). */
async function readTail(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const start = Math.max(0, size - MAX_LOG_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
