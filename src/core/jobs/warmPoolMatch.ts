/**
 * Whether a new training job lands on an ended job's warm pool: SageMaker reuses an Available pool
 * for a job whose role, instance type and count, volume size and KMS key, VPC (subnets and security
 * groups), network isolation and inter-container encryption are the same, whose session tag chaining
 * agrees (with chaining on, the session tags must be identical too: they are the caller's, not in
 * the request, so the preview says so), and which asks for a warm pool itself
 * (KeepAlivePeriodInSeconds; each job of the chain must set it). Warm pools do not work with spot
 * instances. Source, checked 2026-12-07: "Matching training jobs" and "Considerations" in
 * WARM_POOL_MATCH_SOURCE. "Relaunch in Warm Pool" shows each field, previous and next, and the verdict.
 *
 * A previous job that ran from instance_preferences is compared by the type SageMaker chose
 * (SelectedInstanceType); how warm pools treat a new job with instance_preferences is not documented,
 * so its InstanceType shows as (none) and does not match.
 */
export const WARM_POOL_MATCH_SOURCE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/train-warm-pools.html#train-warm-pools-matching-criteria';
import type { TrainingJobDescription } from './trainingJobDescription';

/** The parts of a CreateTrainingJob request the match reads (a planned request passes as is). */
export interface MatchableRequest {
  RoleArn?: string;
  ResourceConfig?: { InstanceType?: string; InstanceCount?: number; VolumeSizeInGB?: number; VolumeKmsKeyId?: string; KeepAlivePeriodInSeconds?: number };
  VpcConfig?: { Subnets?: string[]; SecurityGroupIds?: string[] };
  EnableNetworkIsolation?: boolean;
  EnableInterContainerTrafficEncryption?: boolean;
  SessionChainingConfig?: { EnableSessionTagChaining?: boolean };
  EnableManagedSpotTraining?: boolean;
}

export interface MatchField {
  field: string;
  previous: string;
  next: string;
  same: boolean;
}

export interface WarmPoolMatch {
  fields: MatchField[];
  poolStatus: string;
  asksForPool: boolean;
  matches: boolean;
  /** Why it will not match, one sentence each; empty when it will. */
  reasons: string[];
}

const show = (v: unknown): string => (v === undefined || v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

function vpc(v: MatchableRequest['VpcConfig']): string {
  return v ? JSON.stringify({ Subnets: [...(v.Subnets ?? [])].sort(), SecurityGroupIds: [...(v.SecurityGroupIds ?? [])].sort() }) : '(none)';
}

export function warmPoolMatch(previous: TrainingJobDescription, next: MatchableRequest): WarmPoolMatch {
  const p = previous.ResourceConfig ?? {};
  const n = next.ResourceConfig ?? {};
  // A job that ran from instance_preferences holds its pool on the type and count SageMaker chose.
  const previousType = p.SelectedInstanceType ?? p.InstanceType;
  const previousCount = p.SelectedInstanceType ? (p.SelectedInstanceCount ?? p.InstanceCount ?? 1) : (p.InstanceCount ?? 1);
  const pairs: Array<[string, string, string]> = [
    ['RoleArn', show(previous.RoleArn), show(next.RoleArn)],
    ['ResourceConfig.InstanceType', show(previousType), show(n.InstanceType)],
    ['ResourceConfig.InstanceCount', show(previousCount), show(n.InstanceCount ?? 1)],
    ['ResourceConfig.VolumeSizeInGB', show(p.VolumeSizeInGB), show(n.VolumeSizeInGB)],
    ['ResourceConfig.VolumeKmsKeyId', show(p.VolumeKmsKeyId), show(n.VolumeKmsKeyId)],
    ['VpcConfig', vpc(previous.VpcConfig), vpc(next.VpcConfig)],
    ['EnableNetworkIsolation', show(previous.EnableNetworkIsolation === true), show(next.EnableNetworkIsolation === true)],
    ['EnableInterContainerTrafficEncryption', show(previous.EnableInterContainerTrafficEncryption === true), show(next.EnableInterContainerTrafficEncryption === true)],
    [
      'SessionChainingConfig.EnableSessionTagChaining',
      show(previous.SessionChainingConfig?.EnableSessionTagChaining === true),
      show(next.SessionChainingConfig?.EnableSessionTagChaining === true),
    ],
  ];
  const fields = pairs.map(([field, a, b]) => ({ field, previous: a, next: b, same: a === b }));
  const poolStatus = previous.WarmPoolStatus?.Status ?? 'none';
  const asksForPool = (n.KeepAlivePeriodInSeconds ?? 0) > 0;
  const reasons: string[] = [];
  if (poolStatus !== 'Available')
    reasons.push(poolStatus === 'none' ? `${previous.TrainingJobName ?? 'The job'} has no warm pool.` : `Its warm pool is ${poolStatus}, not Available.`);
  for (const f of fields) if (!f.same) reasons.push(`${f.field} differs: ${f.previous} before, ${f.next} now.`);
  if (!asksForPool) reasons.push('The new job does not ask for a warm pool (keep_alive_period_in_seconds).');
  if (next.EnableManagedSpotTraining === true) reasons.push('The new job uses spot instances, which warm pools do not work with (use_spot_instances).');
  return { fields, poolStatus, asksForPool, matches: reasons.length === 0, reasons };
}

export function renderWarmPoolMatch(jobName: string, m: WarmPoolMatch): string {
  const lines = [
    m.matches ? `Will land on the warm pool of ${jobName} (Available).` : `Will NOT land on the warm pool of ${jobName}:`,
    ...m.reasons.map((r) => `  - ${r}`),
    'The match depends on these fields:',
    ...m.fields.map((f) => `  ${f.same ? '=' : '≠'} ${f.field}: ${f.next}${f.same ? '' : ` (was ${f.previous})`}`),
    `  ${m.asksForPool ? '=' : '≠'} ResourceConfig.KeepAlivePeriodInSeconds > 0 (the new job asks for a warm pool)`,
    ...(m.fields.some((f) => f.field === 'SessionChainingConfig.EnableSessionTagChaining' && f.next === 'true')
      ? ['  ? the session tags of the caller (with session tag chaining on they must be identical; they are not in the request, so this cannot check them)']
      : []),
    `(SageMaker's matching rules: ${WARM_POOL_MATCH_SOURCE})`,
  ];
  return lines.join('\n');
}
