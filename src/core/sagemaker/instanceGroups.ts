/**
 * Heterogeneous clusters, one owner: the job file's `instance_groups`, the list of the SDK's
 * `InstanceGroup(instance_group_name, instance_type, instance_count)` (sagemaker/instance_group.py,
 * SDK v2.257.6), which replaces `instance_type` and `instance_count`.
 *
 * What the SDK does with it:
 * - sends `ResourceConfig.InstanceGroups` (each group's `_to_request_dict()`: name, type, count)
 *   instead of `InstanceType`/`InstanceCount` (job.py `_prepare_resource_config`), and refuses a job
 *   with both or neither;
 * - picks the training image for the first GPU (`ml.g*`/`ml.p*`) group's type, else the first
 *   group's (estimator.py `_get_instance_type`), refusing a type its pattern does not read;
 * - runs the distribution checks against the training group (fw_utils.py `validate_distribution`:
 *   `distribution.instance_groups`, see distribution.ts);
 * - refuses Training Compiler with instance groups (training_compiler/config.py `validate`).
 *
 * A job says where it runs in exactly one of three ways: `instance_type` (with `instance_count`),
 * `instance_groups` (this module), or `instance_preferences` (instancePreferences.ts: types SageMaker
 * picks ONE of by capacity). `jobInstances` is the one list of the job's instance types and counts
 * for cost, quota and catalog checks, the request builder, the validator, the local backend and
 * Clone as Job File: groups run together (their costs add up), preferences are alternatives (the
 * ceiling takes the dearest, and SageMaker checks the quota of each).
 *
 * Functions here take anything (the validator passes what the YAML says) and read only what has
 * the expected shape.
 */
import { excerpt } from '../excerpt';
import { isRecord } from '../isRecord';
import { firstRequestInstance, instanceCandidates, localInstanceWords } from './instancePreferences';
import type { InstancePreferenceArg, RequestInstances } from './instancePreferences';
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';

/** `InstanceGroup(**item)`: one group of a heterogeneous cluster. */
export interface InstanceGroupArg {
  instance_group_name: string;
  instance_type: string;
  instance_count: number;
}

/** ResourceConfig.InstanceGroups[i], as `InstanceGroup._to_request_dict()` writes it. */
export interface InstanceGroupRequest {
  InstanceGroupName: string;
  InstanceType: string;
  InstanceCount: number;
}

/** One kind of instance the job runs: a group, a preference, or the homogeneous `instance_type` × `instance_count`. */
export interface JobInstances {
  /** The group's name; undefined for a homogeneous job or a preference. */
  group?: string;
  /** With instance_preferences, the entry's index: the entries are alternatives, SageMaker runs the job on one of them. */
  preference?: number;
  instanceType: string;
  count: number;
  /** Where the type is written in the job file. */
  typePath: ReadonlyArray<string | number>;
}

/**
 * The SDK's HyperparameterTuner sends the estimator's instance_type and instance_count
 * (`_prepare_hp_resource_config`), which instance_groups leaves empty, and boto3 refuses the request
 * before it is sent; the tuner takes heterogeneous clusters only through its own instance_configs,
 * which a job file does not carry. The validator, the tuning request builder and so local tuning say this.
 */
export const TUNING_INSTANCE_GROUPS_REFUSAL =
  "A tuning job runs every trial on one instance type: the SDK's HyperparameterTuner sends the estimator's instance_type and instance_count, which instance_groups leaves empty, and the request is refused before it is sent. Use instance_type and instance_count with tuning:.";

/** CreateTrainingJob's limit on ResourceConfig.InstanceGroups (the API's `max: 5`). */
export const MAX_INSTANCE_GROUPS = 5;

/** The estimator arguments these checks read (a JobSpec has them all; anything may be malformed). */
export interface InstanceGroupArguments {
  instance_type?: unknown;
  instance_count?: unknown;
  instance_groups?: unknown;
  instance_preferences?: unknown;
  compiler_config?: unknown;
}

export interface InstanceGroupRefusal {
  code: TrainingPlanErrorCode;
  message: string;
  path: ReadonlyArray<string | number>;
}

/** The groups as written, each with its index; undefined when `instance_groups` is not a list. */
export function instanceGroupsOf(args: { instance_groups?: unknown }): Array<{ index: number; name?: string; type?: string; count?: number }> | undefined {
  if (!Array.isArray(args.instance_groups)) return undefined;
  return args.instance_groups.map((g: unknown, index) => {
    if (!isRecord(g)) return { index };
    return {
      index,
      ...(typeof g.instance_group_name === 'string' ? { name: g.instance_group_name } : {}),
      ...(typeof g.instance_type === 'string' ? { type: g.instance_type } : {}),
      ...(typeof g.instance_count === 'number' ? { count: g.instance_count } : {}),
    };
  });
}

/** What `jobInstances` reads of a job. */
export interface JobInstanceArguments {
  instance_type?: string;
  instance_count?: number;
  instance_groups?: InstanceGroupArg[];
  instance_preferences?: InstancePreferenceArg[];
}

/**
 * Every kind of instance the job may run, in the order the request sends them (a validated spec):
 * each group (all of them run), or each preference (SageMaker picks one), or the instance_type.
 */
export function jobInstances(spec: JobInstanceArguments): JobInstances[] {
  if (Array.isArray(spec.instance_preferences)) {
    return instanceCandidates(spec).map((c, i) => ({ preference: i, instanceType: c.instanceType, count: c.instanceCount, typePath: c.path }));
  }
  if (spec.instance_groups !== undefined) {
    return spec.instance_groups.map((g, i) => ({
      group: g.instance_group_name,
      instanceType: g.instance_type,
      count: g.instance_count,
      typePath: ['instance_groups', i, 'instance_type'],
    }));
  }
  return spec.instance_type === undefined ? [] : [{ instanceType: spec.instance_type, count: spec.instance_count ?? 1, typePath: ['instance_type'] }];
}

/** How many instances the job runs in all (with instance_preferences, the most any preference runs). */
export function totalInstanceCount(spec: JobInstanceArguments): number {
  const all = jobInstances(spec);
  if (all.some((g) => g.preference !== undefined)) return all.reduce((n, g) => Math.max(n, g.count), 0);
  return all.reduce((n, g) => n + g.count, 0);
}

/**
 * The host names of each group, `algo-1`… numbered across the groups in order: how a local run
 * names a heterogeneous cluster's hosts, as the training toolkit's own heterogeneous fixture does
 * (aws/sagemaker-training-toolkit test/unit/test_environment.py `RESOURCE_CONFIG` at 33839372faf8:
 * algo-1 and algo-2 in the first group, algo-3 in the second). SageMaker itself promises no order.
 */
export function groupHostNames(counts: readonly number[]): string[][] {
  let next = 1;
  return counts.map((count) => Array.from({ length: count }, () => `algo-${next++}`));
}

/** The request's InstanceGroups, in the order written. */
export function instanceGroupsRequest(groups: readonly InstanceGroupArg[]): InstanceGroupRequest[] {
  return groups.map((g) => ({ InstanceGroupName: g.instance_group_name, InstanceType: g.instance_type, InstanceCount: g.instance_count }));
}

/** The SDK's instance-type pattern (estimator.py `_get_instance_type`, fw_utils.py). */
const SDK_INSTANCE_TYPE = /^ml[._]([a-z\d-]+)\.?\w*$/;

/**
 * estimator.py `_get_instance_type`: the type the training image is chosen for: `instance_type`,
 * else the first group whose family starts with g or p, else the first group's. Undefined when a
 * group's type is one the SDK refuses before it gets there (see `instanceGroupRefusals`).
 */
export function imageInstanceType(args: InstanceGroupArguments): string | undefined {
  if (typeof args.instance_type === 'string') return args.instance_type;
  // instance_preferences: the first (every preference must need the same image: semanticChecks.ts).
  if (Array.isArray(args.instance_preferences)) return instanceCandidates({ instance_preferences: args.instance_preferences as InstancePreferenceArg[] })[0]?.instanceType;
  const groups = instanceGroupsOf(args);
  if (!groups || groups.length === 0) return undefined;
  for (const g of groups) {
    const match = SDK_INSTANCE_TYPE.exec(g.type ?? '');
    if (!match) return undefined;
    if (/^[gp]/.test(match[1]!)) return g.type;
  }
  return groups[0]!.type;
}

/**
 * What the SDK raises about instance groups, in the order it would: `_get_instance_type` (image
 * lookup, at fit), Training Compiler's `validate` (at `HuggingFace(...)`, reported in its own
 * order by trainingCompiler.ts), and job.py `_prepare_resource_config` (at fit). The distribution's
 * are distribution.ts's.
 */
export function instanceGroupRefusals(args: InstanceGroupArguments): InstanceGroupRefusal[] {
  const out: InstanceGroupRefusal[] = [];
  const groups = instanceGroupsOf(args);
  if (args.instance_groups === undefined) {
    if (args.instance_type === undefined && args.instance_preferences === undefined) {
      out.push({
        code: 'instanceGroups.missing',
        message:
          'Missing required key `instance_type`. The instance type to train on, e.g. ml.g5.xlarge; or instance_groups, for a heterogeneous cluster (several instance types in one job); or instance_preferences, an ordered list of up to 5 types SageMaker picks one of by capacity. The job needs exactly one of the three (the SageMaker SDK refuses a job with none: "instance_count and instance_type must be set if instance_groups is not set").',
        path: [],
      });
    }
    return out;
  }
  if (!groups) return out; // the schema says what a list is
  if (args.instance_type !== undefined || args.instance_count !== undefined) {
    const both = [args.instance_type !== undefined ? 'instance_type' : '', args.instance_count !== undefined ? 'instance_count' : ''].filter(Boolean);
    out.push({
      code: 'instanceGroups.withInstanceType',
      message: `instance_groups replaces instance_type and instance_count: remove ${both.join(' and ')} (the SageMaker SDK refuses the job: "instance_count and instance_type cannot be set when instance_groups is set"). Each group says its own type and count.`,
      path: [both[0]!],
    });
  }
  if (args.instance_type === undefined) {
    // _get_instance_type walks the groups until a GPU family, refusing a type its pattern cannot read.
    for (const g of groups) {
      if (g.type === undefined) break;
      const match = SDK_INSTANCE_TYPE.exec(g.type);
      if (!match) {
        out.push({
          code: 'instanceGroups.instanceType',
          message: `${excerpt(String(g.type))} is not a SageMaker instance type the SDK accepts in a heterogeneous cluster (it refuses it: "Invalid SageMaker instance type for training with heterogeneous clusters"); local and local_gpu have no instance groups. Write an ml.* type such as ml.g5.xlarge.`,
          path: ['instance_groups', g.index, 'instance_type'],
        });
        break;
      }
      if (/^[gp]/.test(match[1]!)) break;
    }
  }
  return out;
}

/**
 * Groups sharing a name. The SDK sends them; the training toolkit keys the container's groups by
 * name (`instance_groups_dict`), so one of them disappears from every host's view, and
 * distribution.instance_groups cannot say which of them trains.
 */
export function duplicateGroupNames(args: { instance_groups?: unknown }): Array<{ name: string; first: number; index: number }> {
  const out: Array<{ name: string; first: number; index: number }> = [];
  const seen = new Map<string, number>();
  for (const g of instanceGroupsOf(args) ?? []) {
    if (g.name === undefined) continue;
    const first = seen.get(g.name);
    if (first !== undefined) out.push({ name: g.name, first, index: g.index });
    else seen.set(g.name, g.index);
  }
  return out;
}

/** What a local run of this request stands in for: `localInstanceWords`, or with instance groups "on 3 host(s) (algo-1 as ml.c5.xlarge, group data; algo-2, algo-3 as ml.g5.xlarge, group train)". */
export function localRunInstanceWords(config: RequestInstances): string {
  const groups = config.InstanceGroups;
  if (!groups || groups.length === 0) return localInstanceWords(firstRequestInstance(config));
  const hosts = groupHostNames(groups.map((g) => g.InstanceCount));
  const each = groups.map((g, i) => `${hosts[i]!.join(', ')} as ${g.InstanceType}, group ${g.InstanceGroupName}`);
  return `on ${hosts.flat().length} host(s) (${each.join('; ')})`;
}
