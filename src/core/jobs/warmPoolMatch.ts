/**
 * Whether a new training job lands on an ended job's warm pool: SageMaker reuses an Available pool
 * for a job whose role, instance type and count, volume size and KMS key, VPC, network isolation and
 * inter-container encryption are the same, and which asks for a warm pool itself
 * (KeepAlivePeriodInSeconds). "Relaunch in Warm Pool" shows each field, previous and next, and the verdict.
 */
import type { TrainingJobDescription } from './trainingJobDescription';

/** The parts of a CreateTrainingJob request the match reads (a planned request passes as is). */
export interface MatchableRequest {
  RoleArn?: string;
  ResourceConfig?: { InstanceType?: string; InstanceCount?: number; VolumeSizeInGB?: number; VolumeKmsKeyId?: string; KeepAlivePeriodInSeconds?: number };
  VpcConfig?: { Subnets?: string[]; SecurityGroupIds?: string[] };
  EnableNetworkIsolation?: boolean;
  EnableInterContainerTrafficEncryption?: boolean;
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
  const pairs: Array<[string, string, string]> = [
    ['RoleArn', show(previous.RoleArn), show(next.RoleArn)],
    ['ResourceConfig.InstanceType', show(p.InstanceType), show(n.InstanceType)],
    ['ResourceConfig.InstanceCount', show(p.InstanceCount ?? 1), show(n.InstanceCount ?? 1)],
    ['ResourceConfig.VolumeSizeInGB', show(p.VolumeSizeInGB), show(n.VolumeSizeInGB)],
    ['ResourceConfig.VolumeKmsKeyId', show(p.VolumeKmsKeyId), show(n.VolumeKmsKeyId)],
    ['VpcConfig', vpc(previous.VpcConfig), vpc(next.VpcConfig)],
    ['EnableNetworkIsolation', show(previous.EnableNetworkIsolation === true), show(next.EnableNetworkIsolation === true)],
    ['EnableInterContainerTrafficEncryption', show(previous.EnableInterContainerTrafficEncryption === true), show(next.EnableInterContainerTrafficEncryption === true)],
  ];
  const fields = pairs.map(([field, a, b]) => ({ field, previous: a, next: b, same: a === b }));
  const poolStatus = previous.WarmPoolStatus?.Status ?? 'none';
  const asksForPool = (n.KeepAlivePeriodInSeconds ?? 0) > 0;
  const reasons: string[] = [];
  if (poolStatus !== 'Available')
    reasons.push(poolStatus === 'none' ? `${previous.TrainingJobName ?? 'The job'} has no warm pool.` : `Its warm pool is ${poolStatus}, not Available.`);
  for (const f of fields) if (!f.same) reasons.push(`${f.field} differs: ${f.previous} before, ${f.next} now.`);
  if (!asksForPool) reasons.push('The new job does not ask for a warm pool (keep_alive_period_in_seconds).');
  return { fields, poolStatus, asksForPool, matches: reasons.length === 0, reasons };
}

export function renderWarmPoolMatch(jobName: string, m: WarmPoolMatch): string {
  const lines = [
    m.matches ? `Will land on the warm pool of ${jobName} (Available).` : `Will NOT land on the warm pool of ${jobName}:`,
    ...m.reasons.map((r) => `  - ${r}`),
    'The match depends on these fields:',
    ...m.fields.map((f) => `  ${f.same ? '=' : '≠'} ${f.field}: ${f.next}${f.same ? '' : ` (was ${f.previous})`}`),
    `  ${m.asksForPool ? '=' : '≠'} ResourceConfig.KeepAlivePeriodInSeconds > 0 (the new job asks for a warm pool)`,
  ];
  return lines.join('\n');
}
