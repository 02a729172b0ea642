/**
 * A hyperparameter tuning job as the Training Jobs tree and `sagemaker-hf jobs` show it, from
 * DescribeHyperParameterTuningJob (or a ListHyperParameterTuningJobs row) and its trials
 * (ListTrainingJobsForHyperParameterTuningJob's HyperParameterTrainingJobSummary rows), in the API's own
 * PascalCase so SDK answers pass as they are. A local tuning run's `tuning.json` holds the same
 * shapes (the description's fields plus `"Trials": [summaries]`), so it goes through the same code.
 *
 * - trials are ordered by their objective value (best first, by the objective's Maximize or
 *   Minimize), those without a value after them (running first, then the rest), by name within each;
 * - the counts read "12 completed, 2 running, 1 failed";
 * - the best trial is BestTrainingJob's, else the best value among the Completed trials;
 * - a trial stopped by early stopping is marked: see `isEarlyStopped`.
 */
import { formatAge } from '../format';
import { isInFlightStatus, isTerminalStatus } from '../sagemaker/jobStatus';

/** HyperParameterTrainingJobSummary's fields the views read. */
export interface TuningTrialSummary {
  TrainingJobName?: string;
  TrainingJobArn?: string;
  TuningJobName?: string;
  CreationTime?: Date;
  TrainingStartTime?: Date;
  TrainingEndTime?: Date;
  TrainingJobStatus?: string;
  TunedHyperParameters?: Record<string, string>;
  FailureReason?: string;
  FinalHyperParameterTuningJobObjectiveMetric?: { Type?: string; MetricName?: string; Value?: number };
  ObjectiveStatus?: string;
}

/** DescribeHyperParameterTuningJob's (and a list row's) fields the views read. */
export interface TuningJobDescriptionLike {
  HyperParameterTuningJobName?: string;
  HyperParameterTuningJobArn?: string;
  HyperParameterTuningJobStatus?: string;
  Strategy?: string;
  CreationTime?: Date;
  HyperParameterTuningEndTime?: Date;
  LastModifiedTime?: Date;
  HyperParameterTuningJobConfig?: {
    Strategy?: string;
    HyperParameterTuningJobObjective?: { Type?: string; MetricName?: string };
    ResourceLimits?: { MaxNumberOfTrainingJobs?: number; MaxParallelTrainingJobs?: number };
    TrainingJobEarlyStoppingType?: string;
  };
  ResourceLimits?: { MaxNumberOfTrainingJobs?: number; MaxParallelTrainingJobs?: number };
  TrainingJobStatusCounters?: { Completed?: number; InProgress?: number; RetryableError?: number; NonRetryableError?: number; Stopped?: number };
  ObjectiveStatusCounters?: { Succeeded?: number; Pending?: number; Failed?: number };
  BestTrainingJob?: TuningTrialSummary;
  FailureReason?: string;
}

export interface TuningTrialView {
  name: string;
  arn?: string;
  status: string;
  /** The objective's final value, when the trial reported one. */
  objective?: number;
  objectiveStatus?: string;
  /** For display: JSON strings shown bare (`adamw_torch`, not `"adamw_torch"`). */
  tuned: Array<{ name: string; value: string }>;
  /** TunedHyperParameters as the trial received them. */
  tunedHyperParameters: Record<string, string>;
  best: boolean;
  earlyStopped: boolean;
  createdAt?: Date;
  endedAt?: Date;
  failureReason?: string;
  inFlight: boolean;
}

export interface TuningJobView {
  name: string;
  arn?: string;
  status: string;
  strategy?: string;
  inFlight: boolean;
  terminal: boolean;
  createdAt?: Date;
  endedAt?: Date;
  objective?: { name: string; type: 'Maximize' | 'Minimize' };
  earlyStopping: boolean;
  maxJobs?: number;
  maxParallelJobs?: number;
  counts: TrialCounts;
  /** "12 completed, 2 running, 1 failed" (only the non-zero ones; "no trials yet" when all are). */
  countsText: string;
  /** Best first; see the module comment. Empty when only a list row was given. */
  trials: TuningTrialView[];
  best?: TuningTrialView;
  failureReason?: string;
}

export interface TrialCounts {
  completed: number;
  running: number;
  failed: number;
  stopped: number;
  /** Among the stopped, those early stopping stopped (counted from the trials, when given). */
  earlyStopped: number;
}

export function tuningJobView(d: TuningJobDescriptionLike, trials: readonly TuningTrialSummary[] = []): TuningJobView {
  const status = d.HyperParameterTuningJobStatus ?? 'Unknown';
  const config = d.HyperParameterTuningJobConfig ?? {};
  const limits = config.ResourceLimits ?? d.ResourceLimits ?? {};
  const objectiveArg = config.HyperParameterTuningJobObjective ?? d.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric;
  const objective =
    objectiveArg?.MetricName !== undefined ? { name: objectiveArg.MetricName, type: objectiveArg.Type === 'Minimize' ? ('Minimize' as const) : ('Maximize' as const) } : undefined;
  const earlyStopping = (config.TrainingJobEarlyStoppingType ?? '').toLowerCase() === 'auto';
  const stoppedByUser = status === 'Stopping' || status === 'Stopped';
  const lastCreation = Math.max(...trials.map((t) => t.CreationTime?.getTime() ?? -Infinity));
  const bestName = d.BestTrainingJob?.TrainingJobName ?? pickBest(trials, objective?.type ?? 'Maximize')?.TrainingJobName;

  const views = trials.map((t): TuningTrialView => {
    const trialStatus = t.TrainingJobStatus ?? 'Unknown';
    const view: TuningTrialView = {
      name: t.TrainingJobName ?? '',
      status: trialStatus,
      tuned: Object.entries(t.TunedHyperParameters ?? {}).map(([name, value]) => ({ name, value: displayTuned(value) })),
      tunedHyperParameters: { ...(t.TunedHyperParameters ?? {}) },
      best: t.TrainingJobName !== undefined && t.TrainingJobName === bestName,
      earlyStopped: isEarlyStopped(t, { earlyStopping, stoppedByUser, lastTrialCreatedAt: lastCreation }),
      inFlight: isInFlightStatus(trialStatus),
    };
    set(view, 'arn', t.TrainingJobArn);
    set(view, 'objective', t.FinalHyperParameterTuningJobObjectiveMetric?.Value);
    set(view, 'objectiveStatus', t.ObjectiveStatus);
    set(view, 'createdAt', t.CreationTime);
    set(view, 'endedAt', t.TrainingEndTime);
    set(view, 'failureReason', t.FailureReason);
    return view;
  });
  views.sort(trialOrder(objective?.type ?? 'Maximize'));

  // Without the trials, the counters: while the user has not stopped the tuning job, its Stopped trials were stopped early.
  const counts = trials.length > 0 ? countTrials(views) : countersOf(d, earlyStopping && !stoppedByUser);
  const view: TuningJobView = {
    name: d.HyperParameterTuningJobName ?? '',
    status,
    inFlight: isInFlightStatus(status),
    terminal: isTerminalStatus(status),
    earlyStopping,
    counts,
    countsText: countsText(counts),
    trials: views,
  };
  set(view, 'arn', d.HyperParameterTuningJobArn);
  set(view, 'strategy', config.Strategy ?? d.Strategy);
  set(view, 'createdAt', d.CreationTime);
  set(view, 'endedAt', d.HyperParameterTuningEndTime);
  set(view, 'objective', objective);
  set(view, 'maxJobs', limits.MaxNumberOfTrainingJobs);
  set(view, 'maxParallelJobs', limits.MaxParallelTrainingJobs);
  set(view, 'failureReason', d.FailureReason);
  const best = views.find((t) => t.best);
  if (best) view.best = best;
  else if (d.BestTrainingJob?.TrainingJobName) view.best = { ...trialFromSummary(d.BestTrainingJob), best: true };
  return view;
}

/**
 * SageMaker has no "stopped early" field: an early-stopped trial is a Stopped training job of a tuning
 * job with early stopping Auto. A tuning job the user stopped stops its running trials too, so once
 * the tuning job is Stopping or Stopped, only a trial that ended before the last trial was created is
 * counted as stopped early (the tuner was still launching then, so the stop was the tuner's).
 */
export function isEarlyStopped(t: TuningTrialSummary, context: { earlyStopping: boolean; stoppedByUser: boolean; lastTrialCreatedAt: number }): boolean {
  if (!context.earlyStopping || t.TrainingJobStatus !== 'Stopped') return false;
  if (!context.stoppedByUser) return true;
  const end = t.TrainingEndTime?.getTime();
  return end !== undefined && end < context.lastTrialCreatedAt;
}

function trialFromSummary(t: TuningTrialSummary): TuningTrialView {
  const status = t.TrainingJobStatus ?? 'Unknown';
  const view: TuningTrialView = {
    name: t.TrainingJobName ?? '',
    status,
    tuned: Object.entries(t.TunedHyperParameters ?? {}).map(([name, value]) => ({ name, value: displayTuned(value) })),
    tunedHyperParameters: { ...(t.TunedHyperParameters ?? {}) },
    best: false,
    earlyStopped: false,
    inFlight: isInFlightStatus(status),
  };
  set(view, 'arn', t.TrainingJobArn);
  set(view, 'objective', t.FinalHyperParameterTuningJobObjectiveMetric?.Value);
  set(view, 'objectiveStatus', t.ObjectiveStatus);
  return view;
}

/** The best Completed trial with a finite value (ties: the earlier name); NaN is no value, as in `trialOrder`. */
function pickBest(trials: readonly TuningTrialSummary[], type: 'Maximize' | 'Minimize'): TuningTrialSummary | undefined {
  const scored = trials.filter((t) => t.TrainingJobStatus === 'Completed' && Number.isFinite(t.FinalHyperParameterTuningJobObjectiveMetric?.Value));
  const value = (t: TuningTrialSummary) => t.FinalHyperParameterTuningJobObjectiveMetric!.Value!;
  return [...scored].sort((a, b) => (type === 'Minimize' ? value(a) - value(b) : value(b) - value(a)) || (a.TrainingJobName ?? '').localeCompare(b.TrainingJobName ?? ''))[0];
}

/** Best objective first; then trials without a value: running, then the others; by name within each. */
function trialOrder(type: 'Maximize' | 'Minimize'): (a: TuningTrialView, b: TuningTrialView) => number {
  const rank = (t: TuningTrialView) => (t.objective !== undefined && Number.isFinite(t.objective) ? 0 : t.inFlight ? 1 : 2);
  return (a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 0 && a.objective !== b.objective) return type === 'Minimize' ? a.objective! - b.objective! : b.objective! - a.objective!;
    return a.name.localeCompare(b.name);
  };
}

function countTrials(trials: readonly TuningTrialView[]): TrialCounts {
  const counts: TrialCounts = { completed: 0, running: 0, failed: 0, stopped: 0, earlyStopped: 0 };
  for (const t of trials) {
    if (t.status === 'Completed') counts.completed++;
    else if (t.inFlight) counts.running++;
    else if (t.status === 'Failed') counts.failed++;
    else if (t.status === 'Stopped') {
      counts.stopped++;
      if (t.earlyStopped) counts.earlyStopped++;
    }
  }
  return counts;
}

function countersOf(d: TuningJobDescriptionLike, stoppedMeansEarly: boolean): TrialCounts {
  const c = d.TrainingJobStatusCounters ?? {};
  return {
    completed: c.Completed ?? 0,
    running: c.InProgress ?? 0,
    failed: (c.NonRetryableError ?? 0) + (c.RetryableError ?? 0),
    stopped: c.Stopped ?? 0,
    earlyStopped: stoppedMeansEarly ? (c.Stopped ?? 0) : 0,
  };
}

export function countsText(c: TrialCounts): string {
  const parts: string[] = [];
  if (c.completed) parts.push(`${c.completed} completed`);
  if (c.running) parts.push(`${c.running} running`);
  if (c.failed) parts.push(`${c.failed} failed`);
  const userStopped = c.stopped - c.earlyStopped;
  if (c.earlyStopped) parts.push(`${c.earlyStopped} stopped early`);
  if (userStopped) parts.push(`${userStopped} stopped`);
  return parts.length > 0 ? parts.join(', ') : 'no trials yet';
}

/** A tuned value as the training toolkit reads it: a JSON string (categorical values of a framework estimator) shown bare. */
function displayTuned(value: string): string {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

/** `eval_loss 1.5102` with up to 6 significant digits. */
export function formatObjective(name: string | undefined, value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const shown = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return name ? `${name} ${shown}` : shown;
}

/** The tree's description of a tuning job: `InProgress · 3 completed, 2 running · best eval_loss 1.4971 · 5 min ago`. */
export function tuningDescriptionLine(v: TuningJobView, now: Date): string {
  const parts = [v.status, v.countsText];
  const best = formatObjective(v.objective?.name, v.best?.objective);
  if (best) parts.push(`best ${best}`);
  if (v.createdAt) parts.push(formatAge(v.createdAt, now));
  return parts.join(' · ');
}

/** A trial's description: `eval_loss 1.4971 · best · learning_rate=3.5e-05, optim=adamw_torch`, or its status when it has no value. */
export function trialDescriptionLine(t: TuningTrialView, objectiveName: string | undefined): string {
  const parts: string[] = [];
  if (t.best) parts.push('★ best');
  const value = formatObjective(objectiveName, t.objective);
  if (value) parts.push(value);
  if (t.earlyStopped) parts.push('stopped early');
  else if (t.status !== 'Completed' || !value) parts.push(t.status);
  if (t.tuned.length) parts.push(t.tuned.map((h) => `${h.name}=${h.value}`).join(', '));
  return parts.join(' · ');
}

/**
 * A trial's name is `<tuning job>-NNN-<8 hex>` (SageMaker's naming): the tuning job's name when `name`
 * is one of `tuningJobs`' trials, so a list of training jobs can leave out the trials shown beneath it.
 */
export function tuningJobOfTrial(name: string, tuningJobs: ReadonlySet<string>): string | undefined {
  const m = /^(.+)-\d{3}-[0-9a-f]{8}$/.exec(name);
  return m && tuningJobs.has(m[1]!) ? m[1] : undefined;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/**
 * Hyperparameters a trial has that its training code did not ask for: SageMaker adds
 * `_tuning_objective_metric` to every trial, and the SDK's HyperparameterTuner adds the estimator's
 * class and module to the static hyperparameters of a framework estimator (for `attach()`).
 * "Clone Best Trial as Job File" leaves them out, so the clone plans back to the trial's training request
 * as a plain training job would send it.
 */
export const TUNER_HYPERPARAMETER_KEYS: readonly string[] = ['_tuning_objective_metric', 'sagemaker_estimator_class_name', 'sagemaker_estimator_module'];

/** A trial's DescribeTrainingJob answer without what the tuner added (see TUNER_HYPERPARAMETER_KEYS and TuningJobArn). */
export function withoutTunerAdditions<D extends { HyperParameters?: Record<string, string>; TuningJobArn?: string }>(d: D): D {
  const copy = { ...d };
  delete copy.TuningJobArn;
  if (d.HyperParameters) copy.HyperParameters = Object.fromEntries(Object.entries(d.HyperParameters).filter(([k]) => !TUNER_HYPERPARAMETER_KEYS.includes(k)));
  return copy;
}

const RECORD_TIMES = ['CreationTime', 'HyperParameterTuningEndTime', 'LastModifiedTime', 'TrainingStartTime', 'TrainingEndTime'] as const;

/**
 * A local tuning run's `tuning.json` (DescribeHyperParameterTuningJob's fields with ISO-string times, plus
 * `Trials` as HyperParameterTrainingJobSummary rows) as the shapes `tuningJobView` reads, times as Dates;
 * undefined when the value is not such a record.
 */
export function tuningJobFromRecord(record: unknown): { description: TuningJobDescriptionLike; trials: TuningTrialSummary[]; jobFile?: string } | undefined {
  if (typeof record !== 'object' || record === null || typeof (record as { HyperParameterTuningJobName?: unknown }).HyperParameterTuningJobName !== 'string') return undefined;
  const withDates = <T extends object>(value: T): T => {
    const copy = { ...value } as Record<string, unknown>;
    for (const key of RECORD_TIMES) {
      const raw = copy[key];
      if (typeof raw === 'string') {
        const date = new Date(raw);
        if (Number.isNaN(date.getTime())) delete copy[key];
        else copy[key] = date;
      }
    }
    return copy as T;
  };
  const r = record as TuningJobDescriptionLike & { Trials?: unknown; Local?: { jobFile?: unknown } };
  const trials = (Array.isArray(r.Trials) ? r.Trials : []).filter((t): t is TuningTrialSummary => typeof t === 'object' && t !== null).map(withDates);
  const { Trials: _trials, Local: local, ...rest } = r;
  const description = withDates(rest);
  if (description.BestTrainingJob) description.BestTrainingJob = withDates(description.BestTrainingJob);
  return typeof local?.jobFile === 'string' ? { description, trials, jobFile: local.jobFile } : { description, trials };
}

/** What a notification says when a tuning job ends, and the trials it offers to compare. */
export interface TuningEndSummary {
  level: 'info' | 'warning' | 'error';
  message: string;
  /** The best trials with an objective value, best first (at most five): what Compare Runs opens on. */
  compare: string[];
}

/**
 * "Hyperparameter tuning job sweep completed: 12 completed, 1 failed. Best trial sweep-007-… (eval_loss = 0.41)."
 * Every figure is the tuning job's own (DescribeHyperParameterTuningJob and its trials), nothing estimated.
 */
export function tuningEndSummary(view: TuningJobView): TuningEndSummary {
  const status = view.status.toLowerCase();
  const parts = [`Hyperparameter tuning job ${view.name} ${status}: ${view.countsText}.`];
  const best = view.best;
  if (best) parts.push(`Best trial ${best.name}${best.objective !== undefined && view.objective ? ` (${view.objective.name} = ${best.objective})` : ''}.`);
  else if (view.objective) parts.push(`No trial reported ${view.objective.name}.`);
  if (view.failureReason) parts.push(view.failureReason);
  const compare = view.trials
    .filter((t) => t.objective !== undefined)
    .slice(0, 5)
    .map((t) => t.name);
  const level = view.status === 'Completed' ? 'info' : view.status === 'Failed' ? 'error' : 'warning';
  return { level, message: parts.join(' '), compare };
}
