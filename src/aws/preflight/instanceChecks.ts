/**
 * Is each instance type the job may run (instance_type, each instance group's, each
 * instance_preferences candidate) offered for training in the region, and does the account's quota
 * cover its count (a tuning job's max_parallel_jobs × instance_count, its trials at once)? All come
 * from one Service Quotas listing: a region lists a
 * "<type> for training job usage" quota for each type it offers for training, and that quota's
 * value is how many such instances the account may run at once (0 by default for most GPU
 * types — the ResourceLimitExceeded of sagemaker-hub-facts.md §9).
 */
import { findInstanceType } from '../../core/catalog/instanceTypes';
import { instancesAtOnce } from '../../core/cost/costEstimate';
import { jobInstances } from '../../core/sagemaker/instanceGroups';
import type { JobSpec } from '../../core/jobFile/jobSpec';
import type { CheckItem } from '../../core/preflight/checklist';
import { quotaConsoleUrl, quotaIncreaseCommand, trainingQuotaName } from '../../core/preflight/nextSteps';
import { unreachableReason } from '../awsErrors';
import type { PreflightContext } from './preflightContext';
import { DEFAULT_CHECK_TIMEOUT_MS } from './preflightContext';
import { latestIncrease, lookupSageMakerQuotas } from './serviceQuotas';
import type { SageMakerQuotas } from './serviceQuotas';

const LOCAL_TYPES = new Set(['local', 'local_gpu']);

/** Up to six offered types most like the wanted one: same accelerator first, then any GPU type. */
export function alternativeTypes(wanted: string, offered: string[]): string[] {
  const want = findInstanceType(wanted);
  const score = (name: string): number => {
    const t = findInstanceType(name);
    if (!t) return 3;
    if (want?.accelerator && t.accelerator === want.accelerator) return 0;
    if (t.acceleratorCount > 0 && (want?.acceleratorCount ?? 1) > 0) return 1;
    return 2;
  };
  return offered
    .filter((n) => n !== wanted)
    .map((n) => ({ n, s: score(n) }))
    .sort((a, b) => a.s - b.s || a.n.localeCompare(b.n))
    .slice(0, 6)
    .map((x) => x.n);
}

/**
/** One instance type the quota must cover: the job's, an instance group's (all of the job's instances of it), or one instance_preferences candidate. */
export interface InstanceWant {
  type: string;
  /** Instances of the type one job runs (a tuning job multiplies it by max_parallel_jobs). */
  count: number;
  /** With instance_preferences: which candidate (SageMaker checks the quota of every one). */
  preference?: { index: number; of: number };
}

/**
 * What the job asks of the instance quotas, from the one list of the job's instances
 * (core/sagemaker/instanceGroups.ts `jobInstances`): instance_type × instance_count; each
 * instance_groups type once, with the job's count of it (its quota covers them all); or every
 * instance_preferences candidate with its count (SageMaker checks the quota of every listed type,
 * not only the one it picks: https://docs.aws.amazon.com/sagemaker/latest/dg/train-instance-preferences.html).
 */
export function instanceWants(spec: JobSpec): InstanceWant[] {
  const instances = jobInstances(spec).filter((g) => typeof g.instanceType === 'string' && g.instanceType.trim() !== '');
  if (instances.some((g) => g.preference !== undefined)) {
    return instances.map((g, i) => ({ type: g.instanceType.trim(), count: g.count, preference: { index: i, of: instances.length } }));
  }
  const byType = new Map<string, number>();
  for (const g of instances) byType.set(g.instanceType.trim(), (byType.get(g.instanceType.trim()) ?? 0) + (typeof g.count === 'number' ? g.count : 0));
  return [...byType].map(([type, count]) => ({ type, count }));
}

/** How Check Setup names the items of one want: plain for a job on one type, numbered (`quota-2`) for groups and preferences. */
export function wantsAreSeveral(spec: JobSpec): boolean {
  return spec.instance_groups !== undefined || spec.instance_preferences !== undefined;
}

/**
 * The instance-type item and the quota item of every instance type the job may run (`instanceWants`),
 * all from one Service Quotas listing. With instance_groups or instance_preferences their ids are
 * numbered in the job file's order (`instanceType-1`, `quota-1`, …). None when the job file has no
 * instance type.
 */
export async function checkInstanceTypeAndQuota(ctx: PreflightContext): Promise<CheckItem[]> {
  if (!ctx.spec) return [];
  const wants = instanceWants(ctx.spec);
  if (wants.length === 0) return [];
  // One listing: every type's on-demand quota, and its spot quota unless it is a preference (on demand only).
  // Asked only when a type needs it (a local type has no quota).
  let listing: Promise<SageMakerQuotas | { error: unknown }> | undefined;
  const lookup = () =>
    (listing ??= quotaLookup(
      ctx,
      wants.flatMap((w) => [trainingQuotaName(w.type, false), ...(w.preference ? [] : [trainingQuotaName(w.type, true)])]),
    ));
  if (!wantsAreSeveral(ctx.spec)) return checkTypeAndQuota(ctx, wants[0]!, lookup);
  const items = await Promise.all(
    wants.map(async (w, i) => {
      const label = w.preference ? ` (preference ${w.preference.index + 1} of ${w.preference.of})` : '';
      return (await checkTypeAndQuota(ctx, w, lookup)).map((item) => ({ ...item, id: `${item.id}-${i + 1}`, title: `${item.title}${label}` }));
    }),
  );
  return items.flat();
}

/** The listing, asked once however many types share it; a failure is returned, not thrown, so each type reports it. */
function quotaLookup(ctx: PreflightContext, names: string[]): Promise<SageMakerQuotas | { error: unknown }> {
  return lookupSageMakerQuotas(ctx.clients.serviceQuotas(), [...new Set(names)], ctx.signal ? { signal: ctx.signal } : {}).catch((error: unknown) => ({ error }));
}

async function checkTypeAndQuota(ctx: PreflightContext, want: InstanceWant, lookup: () => Promise<SageMakerQuotas | { error: unknown }>): Promise<CheckItem[]> {
  const type = want.type;
  const isPreference = want.preference !== undefined;
  const typeTitle = `${type} offered for training in ${ctx.region}`;
  if (LOCAL_TYPES.has(type)) {
    return [
      {
        id: 'instanceType',
        kind: 'instanceType',
        title: `Instance type ${type}`,
        status: 'passed',
        blocking: true,
        detail: 'Local mode runs on this machine: no SageMaker instance or quota is involved.',
      },
    ];
  }
  // A tuning job runs up to max_parallel_jobs trials at once, each on instance_count instances (with
  // instance groups: this group's count; with instance_preferences: this candidate's).
  const atOnce = instancesAtOnce({ instance_count: want.count, ...(ctx.spec?.tuning ? { tuning: ctx.spec.tuning } : {}) });
  const count = atOnce.count;
  const needs = ctx.spec?.tuning ? `this tuning job needs ${count} at once (max_parallel_jobs ${atOnce.parallel} × instance_count ${atOnce.perJob})` : `this job needs ${count}`;
  // instance_preferences runs on demand only (the API refuses it with managed spot training).
  const spot = !isPreference && ctx.spec?.use_spot_instances === true;
  const onDemandName = trainingQuotaName(type, false);
  const spotName = trainingQuotaName(type, true);
  const quotaName = spot ? spotName : onDemandName;
  const quotaTitle = `Quota "${quotaName}" ≥ ${count}`;

  const looked = await lookup();
  if ('error' in looked) {
    const err = looked.error;
    const reason = unreachableReason(err, 'servicequotas:ListServiceQuotas', ctx.identity?.arn, ctx.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
    const look = {
      action: `Look it up in the Service Quotas console (Amazon SageMaker, search "${quotaName}"); SageMaker itself checks at launch.`,
      ...urlOf(quotaConsoleUrl(ctx.region)),
    };
    return [
      { id: 'instanceType', kind: 'instanceType', title: typeTitle, status: 'unknown', blocking: false, detail: reason, nextStep: look },
      { id: 'quota', kind: 'quota', title: quotaTitle, status: 'unknown', blocking: false, detail: reason, nextStep: look },
    ];
  }
  const quotas = looked;

  if (quotas.listed === 0) {
    const detail = `Service Quotas lists no SageMaker quotas in ${ctx.region}, so neither can be checked (is SageMaker available in this region?).`;
    return [
      { id: 'instanceType', kind: 'instanceType', title: typeTitle, status: 'unknown', blocking: false, detail },
      { id: 'quota', kind: 'quota', title: quotaTitle, status: 'unknown', blocking: false, detail },
    ];
  }

  if (!quotas.found.has(onDemandName) && !quotas.found.has(spotName)) {
    const alternatives = alternativeTypes(type, quotas.trainingTypes);
    return [
      {
        id: 'instanceType',
        kind: 'instanceType',
        title: typeTitle,
        status: 'failed',
        blocking: true,
        detail: `SageMaker does not offer ${type} for training in ${ctx.region}: Service Quotas there has no "${onDemandName}" quota, which every type offered for training has.${alternatives.length > 0 ? ` Types offered there include ${alternatives.join(', ')}.` : ''}`,
        nextStep: {
          action: isPreference
            ? `Remove ${type} from instance_preferences${alternatives.length > 0 ? ` or replace it (e.g. with ${alternatives[0]})` : ''}: SageMaker refuses a list with a type the region does not offer.`
            : `Choose another instance_type${alternatives.length > 0 ? ` (e.g. ${alternatives[0]})` : ''}, or a region that offers ${type} (set region:).`,
        },
      },
    ];
  }

  const offered: CheckItem = {
    id: 'instanceType',
    kind: 'instanceType',
    title: typeTitle,
    status: 'passed',
    blocking: true,
    detail: `Service Quotas in ${ctx.region} has "${onDemandName}".`,
  };
  const quota = quotas.found.get(quotaName);
  if (!quota) {
    return [
      offered,
      {
        id: 'quota',
        kind: 'quota',
        title: quotaTitle,
        status: 'unknown',
        blocking: false,
        detail: `Service Quotas in ${ctx.region} has no "${quotaName}" quota${spot ? `; ${type} may not be offered for managed spot training there` : ''}.`,
        ...(spot ? { nextStep: { action: 'Train on demand (use_spot_instances: false), or check with AWS Support whether spot training is offered for this type.' } } : {}),
      },
    ];
  }

  const source = quota.applied ? '' : ' (the AWS default; the account has no applied value)';
  if (quota.value >= count) {
    return [
      offered,
      {
        id: 'quota',
        kind: 'quota',
        title: quotaTitle,
        status: 'passed',
        blocking: true,
        detail: `${quota.value} instance${quota.value === 1 ? '' : 's'} allowed${source}; ${needs}. Instances of other running jobs of this type count against it too.`,
      },
    ];
  }

  const latest = await latestIncrease(ctx.clients.serviceQuotas(), quota.code, ctx.signal ? { signal: ctx.signal } : {});
  const pending = latest && (latest.status === 'PENDING' || latest.status === 'CASE_OPENED') ? latest : undefined;
  const since = latest?.created ? `, since ${latest.created.toISOString().slice(0, 10)}` : '';
  const pendingNote = pending
    ? ` An increase to ${pending.desiredValue} is already requested (${pending.status}${since}).`
    : latest && latest.status !== 'APPROVED'
      ? ` The last increase request (to ${latest.desiredValue}) was ${latest.status}${since}.`
      : '';
  const listNote = isPreference
    ? ' SageMaker checks the quota of every type in instance_preferences, even when it would pick another: raise it, or remove the type from the list.'
    : '';
  const detail = `The account's quota "${quota.name}" (${quota.code}) in ${ctx.region} is ${quota.value} instance${quota.value === 1 ? '' : 's'}${source}; ${needs}. SageMaker would refuse it with ResourceLimitExceeded.${listNote}${pendingNote}`;
  const nextStep = quota.adjustable
    ? {
        action:
          pending && pending.desiredValue >= count
            ? 'Wait for the pending request, or follow it up in the console:'
            : `Request an increase to at least ${count} (approval takes from minutes to days), in the console or with the AWS CLI:`,
        ...urlOf(quotaConsoleUrl(ctx.region, quota.code)),
        ...(pending && pending.desiredValue >= count
          ? {}
          : {
              command: quotaIncreaseCommand(ctx.region, quota.code, count),
              requestQuota: { quotaCode: quota.code, quotaName: quota.name, desiredValue: count, region: ctx.region },
            }),
      }
    : {
        action: 'This quota cannot be raised through Service Quotas: ask AWS Support, or choose another instance type or region.',
        ...urlOf(quotaConsoleUrl(ctx.region, quota.code)),
      };
  return [offered, { id: 'quota', kind: 'quota', title: quotaTitle, status: 'failed', blocking: true, detail, nextStep }];
}

function urlOf(url: string | undefined): { url?: string } {
  return url ? { url } : {};
}
