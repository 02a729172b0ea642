/**
 * `instance_preferences`: an ordered list of instance types SageMaker picks from, sent as
 * CreateTrainingJob's `ResourceConfig.InstancePreferences` (API model of @aws-sdk/client-sagemaker
 * 3.1142; https://docs.aws.amazon.com/sagemaker/latest/dg/train-instance-preferences.html).
 * SageMaker Python SDK v2.257.6 has no such argument: this goes beyond the SDK, and the job file
 * spells it in the SDK's snake_case.
 *
 * The API's rules (API_ResourceConfig, API_InstancePreference):
 * - 1 to 5 preferences, each instance type at most once;
 * - mutually exclusive with InstanceType, InstanceGroups (instanceGroups.ts), InstancePlacementConfig and
 *   EnableManagedSpotTraining (on-demand and Flexible Training Plans only);
 * - the instance count either on every preference (and not in ResourceConfig) or once in
 *   ResourceConfig (and on no preference): never both, never neither, never on only some.
 * SageMaker checks the quota of every type in the list, not only the one it selects, and reports
 * the one it selected in DescribeTrainingJob's ResourceConfig.SelectedInstanceType and
 * SelectedInstanceCount (ResourceConfig.InstanceType stays empty).
 *
 * One owner for every caller: the validator, the request builder, the cost estimate, Check Setup,
 * the local backend and Clone as Job File.
 */
import type { JobSpec } from '../jobFile/jobSpec';
import type { InstanceGroupRequest } from './instanceGroups';

/** A preference as the job file writes it: a type, or a type with its own count. */
export type InstancePreferenceArg = string | { instance_type: string; instance_count?: number };

/** ResourceConfig.InstancePreferences: at least 1, at most 5 (API_ResourceConfig). */
export const INSTANCE_PREFERENCES_LIMITS = { min: 1, max: 5 } as const;

/** One instance type the job may run on, with the count it would run with there. */
export interface InstanceCandidate {
  instanceType: string;
  instanceCount: number;
  /** Where the job file names it: `['instance_type']` or `['instance_preferences', i]` (plus `'instance_type'` for a map). */
  path: ReadonlyArray<string | number>;
}

/**
 * Why a tuning job cannot run from instance_preferences: the API model's TrainingJobDefinition has no
 * InstancePreferences (HyperParameterTuningResourceConfig takes InstanceType and InstanceCount, or its
 * own InstanceConfigs, which the SDK's HyperparameterTuner fills from instance_configs, not a job file key).
 */
export const TUNING_INSTANCE_PREFERENCES_REFUSAL =
  "A tuning job cannot run from instance_preferences: CreateHyperParameterTuningJob's training job definition has no InstancePreferences (its HyperParameterTuningResourceConfig takes one InstanceType and InstanceCount for every trial), so the list cannot be sent. Use instance_type (and instance_count) with tuning:, or remove tuning: to launch one training job from instance_preferences.";

/** The API's InstancePreference, as CreateTrainingJob takes it. */
export interface InstancePreferenceRequest {
  InstanceType: string;
  InstanceCount?: number;
}

/** The ResourceConfig fields that say where the job runs: InstanceType or InstancePreferences, and the count where it goes. */
export interface ResourceInstanceFields {
  InstanceCount?: number;
  InstanceType?: string;
  InstancePreferences?: InstancePreferenceRequest[];
}

export interface InstancePreferenceFinding {
  code: string;
  message: string;
  path: ReadonlyArray<string | number>;
  /** Where the problem sits in the file: the key, or the value. */
  on: 'key' | 'value';
}

function typeOf(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (typeof item === 'object' && item !== null && typeof (item as { instance_type?: unknown }).instance_type === 'string') {
    return (item as { instance_type: string }).instance_type;
  }
  return undefined;
}

function countOf(item: unknown): number | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const n = (item as { instance_count?: unknown }).instance_count;
  return typeof n === 'number' ? n : undefined;
}

function hasCount(item: unknown): boolean {
  return typeof item === 'object' && item !== null && (item as { instance_count?: unknown }).instance_count !== undefined;
}

function preferencesOf(spec: Pick<JobSpec, 'instance_preferences'>): unknown[] | undefined {
  return Array.isArray(spec.instance_preferences) ? spec.instance_preferences : undefined;
}

/** True when the job file gives instance_preferences (a list, even an empty one). */
export function usesInstancePreferences(spec: Pick<JobSpec, 'instance_preferences'>): boolean {
  return preferencesOf(spec) !== undefined;
}

/**
 * Every instance type the job may run on, in the order SageMaker tries them: the preferences, else
 * instance_type alone. Entries without a readable type are left out (the schema reports them).
 */
export function instanceCandidates(spec: Pick<JobSpec, 'instance_type' | 'instance_count' | 'instance_preferences'>): InstanceCandidate[] {
  const jobCount = typeof spec.instance_count === 'number' ? spec.instance_count : 1;
  const preferences = preferencesOf(spec);
  if (preferences === undefined) {
    return typeof spec.instance_type === 'string' && spec.instance_type.trim() !== ''
      ? [{ instanceType: spec.instance_type, instanceCount: jobCount, path: ['instance_type'] }]
      : [];
  }
  const out: InstanceCandidate[] = [];
  preferences.forEach((item, i) => {
    const type = typeOf(item);
    if (type === undefined) return;
    out.push({
      instanceType: type,
      instanceCount: countOf(item) ?? jobCount,
      path: typeof item === 'string' ? ['instance_preferences', i] : ['instance_preferences', i, 'instance_type'],
    });
  });
  return out;
}

/**
 * The one instance type the SDK-derived parts of a plan need before SageMaker has chosen (the
 * profiler's and the compiler's instance rules, the local run): instance_type, else the first
 * preference, which SageMaker takes whenever it has capacity.
 */
export function firstCandidate(spec: Pick<JobSpec, 'instance_type' | 'instance_count' | 'instance_preferences'>): InstanceCandidate | undefined {
  return instanceCandidates(spec)[0];
}

/** The spec as a single-type job on `candidate`: for the checks the SDK makes of one instance_type. */
export function specOnCandidate(spec: JobSpec, candidate: InstanceCandidate): JobSpec {
  const { instance_preferences: _omitted, ...rest } = spec;
  return { ...rest, instance_type: candidate.instanceType, instance_count: candidate.instanceCount };
}

/** What the API refuses (or what cannot be sent) about instance_preferences with instance_type, instance_groups and the rest, each at the key or value it is about. */
export function instancePreferenceFindings(spec: JobSpec): InstancePreferenceFinding[] {
  const preferences = preferencesOf(spec);
  const hasType = spec.instance_type !== undefined && spec.instance_type !== null;
  // Without instance_preferences, a job with none of the three keys is instanceGroups.ts's to report (one message names all three).
  if (preferences === undefined) return [];
  const out: InstancePreferenceFinding[] = [];
  const exclusive = (key: string, what: string, on: 'key' | 'value' = 'key') =>
    out.push({
      code: 'instancePreferences.exclusive',
      message: `${key} cannot be used with instance_preferences: CreateTrainingJob's InstancePreferences is mutually exclusive with ${what}. ${key === 'instance_type' ? 'Remove instance_type (list it first in instance_preferences instead)' : `Remove ${key}, or use instance_type instead of instance_preferences`}.`,
      path: [key],
      on,
    });
  if (hasType) exclusive('instance_type', 'InstanceType');
  if (spec.instance_groups !== undefined) exclusive('instance_groups', 'InstanceGroups (a heterogeneous cluster runs every group; preferences run one type)');
  if (spec.use_spot_instances === true) exclusive('use_spot_instances', 'EnableManagedSpotTraining (it runs on on-demand capacity or a Flexible Training Plan only)', 'value');
  if (spec.instance_placement_config !== undefined) exclusive('instance_placement_config', 'InstancePlacementConfig');

  const { min, max } = INSTANCE_PREFERENCES_LIMITS;
  if (preferences.length > max) {
    out.push({
      code: 'instancePreferences.tooMany',
      message: `instance_preferences has ${preferences.length} entries; SageMaker takes ${min} to ${max}. Keep the ${max} you prefer most.`,
      path: ['instance_preferences', max],
      on: 'value',
    });
  }

  const seen = new Map<string, number>();
  preferences.forEach((item, i) => {
    const type = typeOf(item);
    if (type === undefined) return;
    const first = seen.get(type);
    if (first !== undefined) {
      out.push({
        code: 'instancePreferences.duplicate',
        message: `${type} is already preference ${first + 1}; an instance type may appear only once in instance_preferences. Remove this entry.`,
        path: typeof item === 'string' ? ['instance_preferences', i] : ['instance_preferences', i, 'instance_type'],
        on: 'value',
      });
    } else seen.set(type, i);
  });

  const counted = preferences.map(hasCount);
  const someCounted = counted.some(Boolean);
  if (someCounted && spec.instance_count !== undefined) {
    out.push({
      code: 'instancePreferences.countTwice',
      message:
        'instance_count and a per-preference instance_count are both given; SageMaker takes the count either once for the job (instance_count) or on every preference, never both. Remove instance_count, or the counts in instance_preferences.',
      path: ['instance_count'],
      on: 'key',
    });
  }
  if (someCounted && !counted.every(Boolean)) {
    preferences.forEach((item, i) => {
      if (counted[i] || typeOf(item) === undefined) return;
      out.push({
        code: 'instancePreferences.countMissing',
        message: `This preference has no instance_count while others have one; SageMaker takes a count on every preference or on none (then instance_count, default 1, applies to all). Write it as {instance_type: ${typeOf(item)}, instance_count: N}.`,
        path: ['instance_preferences', i],
        on: 'value',
      });
    });
  }
  return out;
}

/**
 * ResourceConfig's InstanceType / InstancePreferences and InstanceCount for the request: the count
 * once in ResourceConfig (instance_count, default 1) unless every preference carries its own.
 */
export function resourceInstanceFields(spec: JobSpec): ResourceInstanceFields {
  const preferences = preferencesOf(spec);
  if (preferences === undefined) return { InstanceCount: spec.instance_count ?? 1, InstanceType: spec.instance_type as string };
  const perPreference = preferences.length > 0 && preferences.every(hasCount);
  const list: InstancePreferenceRequest[] = preferences.map((item) => {
    const type = typeOf(item) ?? '';
    const count = countOf(item);
    return perPreference && count !== undefined ? { InstanceType: type, InstanceCount: count } : { InstanceType: type };
  });
  return perPreference ? { InstancePreferences: list } : { InstanceCount: spec.instance_count ?? 1, InstancePreferences: list };
}

/** A request's ResourceConfig, as far as where it runs goes: InstanceType, InstanceGroups or InstancePreferences. */
export type RequestInstances = ResourceInstanceFields & { InstanceGroups?: InstanceGroupRequest[] };

/** The type and count a request runs with when its first choice has capacity (what a local run takes). */
export function firstRequestInstance(config: RequestInstances): { instanceType: string; instanceCount: number; fromPreferences: boolean } {
  const first = config.InstancePreferences?.[0];
  if (first) return { instanceType: first.InstanceType, instanceCount: first.InstanceCount ?? config.InstanceCount ?? 1, fromPreferences: true };
  return { instanceType: config.InstanceType ?? '?', instanceCount: config.InstanceCount ?? 1, fromPreferences: false };
}

/** "2 × ml.g5.xlarge", with groups "2 × ml.p4d.24xlarge (group train) + 4 × ml.c5.18xlarge (group data)", or with preferences "ml.g5.12xlarge × 1, else ml.g5.16xlarge × 4 (SageMaker picks by capacity)". */
export function describeRequestInstances(config: RequestInstances): string {
  if (config.InstanceGroups && config.InstanceGroups.length > 0) {
    return `${config.InstanceGroups.map((g) => `${g.InstanceCount} × ${g.InstanceType} (group ${g.InstanceGroupName})`).join(' + ')} (instance_groups)`;
  }
  const preferences = config.InstancePreferences;
  if (!preferences || preferences.length === 0) return `${config.InstanceCount ?? 1} × ${config.InstanceType ?? '?'}`;
  const each = preferences.map((p) => `${p.InstanceType} × ${p.InstanceCount ?? config.InstanceCount ?? 1}`);
  return `${each.join(', else ')} (instance_preferences: SageMaker picks the first with capacity)`;
}

/** "on 2 host(s) (as ml.g5.xlarge)", naming the preference a local run stands in for. */
export function localInstanceWords(first: { instanceType: string; instanceCount: number; fromPreferences: boolean }): string {
  return `on ${first.instanceCount} host(s) (as ${first.instanceType}${first.fromPreferences ? ', the first of instance_preferences' : ''})`;
}
