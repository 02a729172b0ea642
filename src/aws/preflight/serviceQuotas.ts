/**
 * SageMaker's per-account instance quotas from Service Quotas (service code `sagemaker`). The API
 * has no lookup by name and SageMaker has a quota per instance type and use (training, spot
 * training, endpoints, processing…), so the list is paged through and matched by QuotaName.
 * ListServiceQuotas gives the applied values; a quota that has none is only in
 * ListAWSDefaultServiceQuotas, which is read only when a wanted name was not found.
 */
import {
  ListAWSDefaultServiceQuotasCommand,
  ListRequestedServiceQuotaChangeHistoryByQuotaCommand,
  ListServiceQuotasCommand,
  RequestServiceQuotaIncreaseCommand,
} from '@aws-sdk/client-service-quotas';
import type { ServiceQuota, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';

export const SAGEMAKER_SERVICE_CODE = 'sagemaker';

export interface QuotaEntry {
  name: string;
  code: string;
  value: number;
  adjustable: boolean;
  /** False when only the AWS default is known (no applied value). */
  applied: boolean;
}

export interface SageMakerQuotas {
  /** The quotas asked for that exist, by name. */
  found: Map<string, QuotaEntry>;
  /** Instance types with a "… for training job usage" quota: the types this region offers for training. */
  trainingTypes: string[];
  /** How many quotas the listing had; 0 means Service Quotas knows no SageMaker quotas in the region. */
  listed: number;
}

const TRAINING_QUOTA = /^(ml\.[a-z0-9-]+\.[a-z0-9-]+) for training job usage$/;

function toEntry(q: ServiceQuota, applied: boolean): QuotaEntry | undefined {
  if (!q.QuotaName || !q.QuotaCode || typeof q.Value !== 'number') return undefined;
  return { name: q.QuotaName, code: q.QuotaCode, value: q.Value, adjustable: q.Adjustable !== false, applied };
}

export async function lookupSageMakerQuotas(client: ServiceQuotasClient, names: string[], options: { signal?: AbortSignal } = {}): Promise<SageMakerQuotas> {
  const send = options.signal ? { abortSignal: options.signal } : {};
  const wanted = new Set(names);
  const found = new Map<string, QuotaEntry>();
  const trainingTypes = new Set<string>();
  let listed = 0;
  const take = (quotas: ServiceQuota[] | undefined, applied: boolean) => {
    for (const q of quotas ?? []) {
      listed++;
      const type = TRAINING_QUOTA.exec(q.QuotaName ?? '')?.[1];
      if (type) trainingTypes.add(type);
      if (q.QuotaName && wanted.has(q.QuotaName) && !found.has(q.QuotaName)) {
        const entry = toEntry(q, applied);
        if (entry) found.set(q.QuotaName, entry);
      }
    }
  };

  let token: string | undefined;
  do {
    const out: { Quotas?: ServiceQuota[]; NextToken?: string } = await client.send(
      new ListServiceQuotasCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
      send,
    );
    take(out.Quotas, true);
    token = out.NextToken;
  } while (token);

  if ([...wanted].some((n) => !found.has(n))) {
    token = undefined;
    do {
      const out: { Quotas?: ServiceQuota[]; NextToken?: string } = await client.send(
        new ListAWSDefaultServiceQuotasCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, ...(token ? { NextToken: token } : {}) }),
        send,
      );
      take(out.Quotas, false);
      token = out.NextToken;
    } while (token);
  }
  return { found, trainingTypes: [...trainingTypes].sort(), listed };
}

export interface PendingIncrease {
  desiredValue: number;
  status: string;
  created?: Date;
}

const OPEN_STATUSES = new Set(['PENDING', 'CASE_OPENED']);

/** The most recent increase request for the quota, whatever its status (so a denial can be shown); undefined when none or unreadable. */
export async function latestIncrease(client: ServiceQuotasClient, quotaCode: string, options: { signal?: AbortSignal } = {}): Promise<PendingIncrease | undefined> {
  try {
    const out = await client.send(
      new ListRequestedServiceQuotaChangeHistoryByQuotaCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, QuotaCode: quotaCode }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const last = (out.RequestedQuotas ?? [])
      .filter((r) => r.Status && typeof r.DesiredValue === 'number')
      .sort((a, b) => (b.Created?.getTime() ?? 0) - (a.Created?.getTime() ?? 0))[0];
    if (!last) return undefined;
    return { desiredValue: last.DesiredValue as number, status: last.Status as string, ...(last.Created ? { created: last.Created } : {}) };
  } catch {
    return undefined;
  }
}

export type QuotaRequestErrorCode = 'AccessDenied' | 'AlreadyRequested' | 'NotAdjustable' | 'Refused';

export class QuotaRequestError extends Error {
  constructor(
    readonly code: QuotaRequestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QuotaRequestError';
  }
}

/**
 * "Request increase": RequestServiceQuotaIncrease for a SageMaker quota, to the value the job needs.
 * Each refusal comes back with what to do: no permission, a request already open, a quota that
 * cannot be raised, a value not above the current one.
 */
export async function requestQuotaIncrease(
  client: ServiceQuotasClient,
  quotaCode: string,
  desiredValue: number,
  quotaName = quotaCode,
): Promise<PendingIncrease & { id?: string }> {
  const open = await pendingIncrease(client, quotaCode);
  if (open)
    throw new QuotaRequestError(
      'AlreadyRequested',
      `An increase of "${quotaName}" to ${open.desiredValue} is already requested (${open.status}${open.created ? `, since ${open.created.toISOString().slice(0, 10)}` : ''}): wait for it, or follow it up in the Service Quotas console.`,
    );
  try {
    const out = await client.send(new RequestServiceQuotaIncreaseCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, QuotaCode: quotaCode, DesiredValue: desiredValue }));
    const r = out.RequestedQuota;
    return { desiredValue: r?.DesiredValue ?? desiredValue, status: r?.Status ?? 'PENDING', ...(r?.Created ? { created: r.Created } : {}), ...(r?.Id ? { id: r.Id } : {}) };
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    const message = (err as Error).message ?? String(err);
    if (name === 'AccessDeniedException' || /not authorized/i.test(message))
      throw new QuotaRequestError(
        'AccessDenied',
        `No permission to request the increase: servicequotas:RequestServiceQuotaIncrease is denied (${message}). Ask an administrator to request "${quotaName}" (${quotaCode}) = ${desiredValue}, or to allow that action.`,
      );
    if (name === 'ResourceAlreadyExistsException')
      throw new QuotaRequestError('AlreadyRequested', `An increase of "${quotaName}" is already requested: wait for it, or follow it up in the Service Quotas console.`);
    if (name === 'QuotaExceededException' && /can't change|cannot change|not adjustable/i.test(message))
      throw new QuotaRequestError('NotAdjustable', `"${quotaName}" cannot be raised through Service Quotas: ask AWS Support, or choose another instance type or region.`);
    throw new QuotaRequestError('Refused', `Service Quotas refused the request for "${quotaName}" = ${desiredValue}: ${name ? `${name}: ` : ''}${message}`);
  }
}

/** An increase request for the quota still under way, so the user is not told to file a second one; undefined when none or unreadable. */
export async function pendingIncrease(client: ServiceQuotasClient, quotaCode: string, options: { signal?: AbortSignal } = {}): Promise<PendingIncrease | undefined> {
  try {
    const out = await client.send(
      new ListRequestedServiceQuotaChangeHistoryByQuotaCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, QuotaCode: quotaCode }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const open = (out.RequestedQuotas ?? [])
      .filter((r) => r.Status && OPEN_STATUSES.has(r.Status) && typeof r.DesiredValue === 'number')
      .sort((a, b) => (b.Created?.getTime() ?? 0) - (a.Created?.getTime() ?? 0))[0];
    if (!open) return undefined;
    return { desiredValue: open.DesiredValue as number, status: open.Status as string, ...(open.Created ? { created: open.Created } : {}) };
  } catch {
    return undefined;
  }
}
