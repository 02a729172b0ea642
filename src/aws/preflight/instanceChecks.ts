/**
 * Is the instance type offered for training in the region, and does the account's quota cover
 * instance_count (a tuning job's max_parallel_jobs × instance_count, its trials at once)? Both come from one Service Quotas listing: a region lists a
 * "<type> for training job usage" quota for each type it offers for training, and that quota's
 * value is how many such instances the account may run at once (0 by default for most GPU
 * types — the ResourceLimitExceeded of sagemaker-hub-facts.md §9).
 */
import { findInstanceType } from '../../core/catalog/instanceTypes';
import { instancesAtOnce } from '../../core/cost/costEstimate';
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
 * The instance-type item and the quota item. Neither when the job file has no instance type.
 * `want`: one instance group's type and the job's count of that type (default: the job file's
 * instance_type and instance_count).
 */
export async function checkInstanceTypeAndQuota(ctx: PreflightContext, want?: { type: string; count: number }): Promise<CheckItem[]> {
  const type = want?.type ?? ctx.spec?.instance_type?.trim();
  if (!type) return [];
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
  // instance groups: this group's count).
  const atOnce = instancesAtOnce({
    ...(want ? { instance_count: want.count } : typeof ctx.spec?.instance_count === 'number' ? { instance_count: ctx.spec.instance_count } : {}),
    ...(ctx.spec?.tuning ? { tuning: ctx.spec.tuning } : {}),
  });
  const count = atOnce.count;
  const needs = ctx.spec?.tuning ? `this tuning job needs ${count} at once (max_parallel_jobs ${atOnce.parallel} × instance_count ${atOnce.perJob})` : `this job needs ${count}`;
  const spot = ctx.spec?.use_spot_instances === true;
  const onDemandName = trainingQuotaName(type, false);
  const spotName = trainingQuotaName(type, true);
  const quotaName = spot ? spotName : onDemandName;
  const quotaTitle = `Quota "${quotaName}" ≥ ${count}`;

  let quotas: SageMakerQuotas;
  try {
    quotas = await lookupSageMakerQuotas(ctx.clients.serviceQuotas(), [onDemandName, spotName], ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
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
        nextStep: { action: `Choose another instance_type${alternatives.length > 0 ? ` (e.g. ${alternatives[0]})` : ''}, or a region that offers ${type} (set region:).` },
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
  const detail = `The account's quota "${quota.name}" (${quota.code}) in ${ctx.region} is ${quota.value} instance${quota.value === 1 ? '' : 's'}${source}; ${needs}. SageMaker would refuse it with ResourceLimitExceeded.${pendingNote}`;
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
