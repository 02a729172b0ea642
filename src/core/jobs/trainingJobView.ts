/**
 * A training job as the job tree, tooltips, `sagemaker-hf jobs` and notifications show it, built
 * from DescribeTrainingJob (everything) or a ListTrainingJobs row (status and times only).
 */
import { regionPartition } from '../catalog/huggingfaceImages';
import type { PyValue } from '../contract/pythonValue';
import { formatAge, formatDuration } from '../format';
import { isSdkHyperparameter, parseHyperparameter } from '../sagemaker/hyperparameters';
import { isInFlightStatus, isTerminalStatus } from '../sagemaker/jobStatus';
import { instanceCountOf, parseTrainingJobArn } from './trainingJobDescription';
import type { TrainingJobDescription, TrainingJobSummaryLike } from './trainingJobDescription';

export interface TimelineEntry {
  status: string;
  message: string;
  start?: Date;
  end?: Date;
  /** Whole seconds from start to end, or to `now` for the entry still open. */
  durationSeconds?: number;
  /** The entry the job is in now (no end yet and the job still in flight). */
  current: boolean;
}

export interface HyperparameterEntry {
  name: string;
  /** The string SageMaker stores (`json.dumps` of the value when the SDK sent it). */
  encoded: string;
  /** The value `json.loads` gives back; undefined when the string is not JSON (sent by another tool as is). */
  value?: PyValue;
  /** For display: strings bare, everything else as JSON (`true`, `5e-05`, `[1, 2]`). */
  display: string;
  /** Set by the SDK (`sagemaker_*`, `mp_parameters`) rather than by the user. */
  sdkSet: boolean;
}

export interface MetricEntry {
  name: string;
  value: number;
  timestamp?: Date;
}

export interface TrainingJobView {
  name: string;
  arn?: string;
  region?: string;
  status: string;
  secondaryStatus?: string;
  /** InProgress or Stopping: the job still changes, so views refresh it. */
  inFlight: boolean;
  terminal: boolean;
  createdAt?: Date;
  lastModifiedAt?: Date;
  trainingStartedAt?: Date;
  endedAt?: Date;
  instanceType?: string;
  instanceCount?: number;
  /** `ml.p3dn.24xlarge × 2`; undefined when only a list row is known. */
  resources?: string;
  image?: string;
  timeline: TimelineEntry[];
  hyperparameters: HyperparameterEntry[];
  finalMetrics: MetricEntry[];
  artifactsUri?: string;
  failureReason?: string;
  trainingSeconds?: number;
  billableSeconds?: number;
  spot: boolean;
  /** WarmPoolStatus.Status: Available, InUse, Reused or Terminated; undefined without a warm pool. */
  warmPoolStatus?: string;
  /** The instance type SageMaker chose from InstancePreferences. */
  selectedInstanceType?: string;
  /** How long the job has waited for capacity (SecondaryStatus Pending, or a status message about capacity); undefined when it has not. */
  capacityWaitSeconds?: number;
  /** True while it is waiting for capacity now. */
  waitingForCapacity?: boolean;
  /** True when built from DescribeTrainingJob, false from a list row. */
  detailed: boolean;
}

/** `now` closes the open timeline entry's duration. */
export function trainingJobViewFromDescription(d: TrainingJobDescription, now: Date): TrainingJobView {
  const status = d.TrainingJobStatus ?? 'Unknown';
  const view = baseView(d.TrainingJobName ?? '', d.TrainingJobArn, status, d.SecondaryStatus);
  view.detailed = true;
  setIf(view, 'createdAt', d.CreationTime);
  setIf(view, 'lastModifiedAt', d.LastModifiedTime);
  setIf(view, 'trainingStartedAt', d.TrainingStartTime);
  setIf(view, 'endedAt', d.TrainingEndTime);
  const groups = d.ResourceConfig?.InstanceGroups ?? [];
  if (groups.length > 0) {
    view.instanceCount = instanceCountOf(d);
    view.resources = groups.map((g) => `${g.InstanceType ?? '?'} × ${g.InstanceCount ?? 0}`).join(' + ');
  } else if (d.ResourceConfig?.InstanceType) {
    view.instanceType = d.ResourceConfig.InstanceType;
    view.instanceCount = d.ResourceConfig.InstanceCount ?? 1;
    view.resources = `${view.instanceType} × ${view.instanceCount}`;
  } else if ((d.ResourceConfig?.InstancePreferences?.length ?? 0) > 0) {
    // instance_preferences: until SageMaker reports its choice (SelectedInstanceType), the candidates in order.
    const jobCount = d.ResourceConfig?.InstanceCount;
    view.resources = `one of ${d.ResourceConfig!.InstancePreferences!.map((p) => `${p.InstanceType ?? '?'} × ${p.InstanceCount ?? jobCount ?? 1}`).join(', ')} (not chosen yet)`;
  }
  setIf(view, 'image', d.AlgorithmSpecification?.TrainingImage);
  view.timeline = timeline(d, now);
  view.hyperparameters = decodeHyperparameterEntries(d.HyperParameters ?? {});
  view.finalMetrics = (d.FinalMetricDataList ?? [])
    .filter((m) => m.MetricName !== undefined && m.Value !== undefined)
    .map((m) => (m.Timestamp ? { name: m.MetricName!, value: m.Value!, timestamp: m.Timestamp } : { name: m.MetricName!, value: m.Value! }));
  setIf(view, 'artifactsUri', d.ModelArtifacts?.S3ModelArtifacts);
  setIf(view, 'failureReason', d.FailureReason);
  setIf(view, 'trainingSeconds', d.TrainingTimeInSeconds);
  setIf(view, 'billableSeconds', d.BillableTimeInSeconds);
  view.spot = d.EnableManagedSpotTraining === true;
  setIf(view, 'warmPoolStatus', d.WarmPoolStatus?.Status);
  if (d.ResourceConfig?.SelectedInstanceType) {
    view.selectedInstanceType = d.ResourceConfig.SelectedInstanceType;
    view.instanceType = d.ResourceConfig.SelectedInstanceType;
    view.instanceCount = d.ResourceConfig.SelectedInstanceCount ?? view.instanceCount ?? 1;
    view.resources = `${view.instanceType} × ${view.instanceCount} (chosen from instance_preferences)`;
  }
  const waits = view.timeline.filter(isCapacityWait);
  if (waits.length > 0) {
    view.capacityWaitSeconds = waits.reduce((n, t) => n + (t.durationSeconds ?? 0), 0);
    view.waitingForCapacity = waits.some((t) => t.current);
  }
  return view;
}

export function trainingJobViewFromSummary(s: TrainingJobSummaryLike): TrainingJobView {
  const view = baseView(s.TrainingJobName ?? '', s.TrainingJobArn, s.TrainingJobStatus ?? 'Unknown', s.SecondaryStatus);
  setIf(view, 'createdAt', s.CreationTime);
  setIf(view, 'lastModifiedAt', s.LastModifiedTime);
  setIf(view, 'endedAt', s.TrainingEndTime);
  return view;
}

function baseView(name: string, arn: string | undefined, status: string, secondaryStatus: string | undefined): TrainingJobView {
  const view: TrainingJobView = {
    name,
    status,
    inFlight: isInFlightStatus(status),
    terminal: isTerminalStatus(status),
    timeline: [],
    hyperparameters: [],
    finalMetrics: [],
    spot: false,
    detailed: false,
  };
  setIf(view, 'arn', arn);
  setIf(view, 'region', parseTrainingJobArn(arn)?.region);
  setIf(view, 'secondaryStatus', secondaryStatus);
  return view;
}

/** A step in which SageMaker waited for instances: the Pending secondary status, or a message about capacity. */
export function isCapacityWait(t: Pick<TimelineEntry, 'status' | 'message'>): boolean {
  return t.status === 'Pending' || /insufficient capacity|waiting for capacity|capacity is not available/i.test(t.message);
}

function timeline(d: TrainingJobDescription, now: Date): TimelineEntry[] {
  const inFlight = isInFlightStatus(d.TrainingJobStatus);
  const transitions = d.SecondaryStatusTransitions ?? [];
  return transitions.map((t, i) => {
    const entry: TimelineEntry = { status: t.Status ?? '', message: t.StatusMessage ?? '', current: false };
    setIf(entry, 'start', t.StartTime);
    setIf(entry, 'end', t.EndTime);
    const last = i === transitions.length - 1;
    entry.current = last && !t.EndTime && inFlight;
    const until = t.EndTime ?? (entry.current ? now : undefined);
    if (t.StartTime && until) entry.durationSeconds = Math.max(0, Math.round((until.getTime() - t.StartTime.getTime()) / 1000));
    return entry;
  });
}

/** Every hyperparameter decoded the way the training toolkit does (`json.loads`, the raw string when that fails), in SageMaker's order. */
export function decodeHyperparameterEntries(encoded: Readonly<Record<string, string>>): HyperparameterEntry[] {
  return Object.entries(encoded).map(([name, raw]) => {
    const entry: HyperparameterEntry = { name, encoded: raw, display: raw, sdkSet: isSdkHyperparameter(name) };
    // Not JSON: sent as is by a tool that does not encode; the toolkit passes it on as a string.
    const value = parseHyperparameter(raw);
    if (value !== undefined) {
      entry.value = value;
      entry.display = value.type === 'str' ? value.value : raw.trim();
    }
    return entry;
  });
}

/** The Training Jobs tree's description of a job: secondary status, age and resources, e.g. `Training · 5 min ago · ml.p3dn.24xlarge × 2`. */
export function jobDescriptionLine(view: TrainingJobView, now: Date): string {
  const parts: string[] = [];
  if (view.waitingForCapacity) parts.push(`waiting for capacity ${formatDuration(view.capacityWaitSeconds ?? 0)}`);
  else if (view.secondaryStatus && view.secondaryStatus !== view.status) parts.push(view.secondaryStatus);
  else parts.push(view.status);
  if (view.warmPoolStatus === 'Available') parts.push('warm pool Available');
  if (view.createdAt) parts.push(formatAge(view.createdAt, now));
  if (view.resources) parts.push(view.resources);
  return parts.join(' · ');
}

/** The job's page in the SageMaker console of its partition. */
export function consoleUrl(region: string, jobName: string): string {
  const partition = regionPartition(region)?.partition;
  const host = partition === 'aws-cn' ? 'console.amazonaws.cn' : partition === 'aws-us-gov' ? 'console.amazonaws-us-gov.com' : `${region}.console.aws.amazon.com`;
  return `https://${host}/sagemaker/home?region=${region}#/jobs/${encodeURIComponent(jobName)}`;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
