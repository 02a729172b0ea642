/**
 * SageMaker's per-account instance quotas from Service Quotas (service code `sagemaker`). The API
 * has no lookup by name and SageMaker has a quota per instance type and use (training, spot
 * training, endpoints, processing…), so the list is paged through and matched by QuotaName.
 * ListServiceQuotas gives the applied values; a quota that has none is only in
 * ListAWSDefaultServiceQuotas, which is read only when a wanted name was not found.
 */
import { ListAWSDefaultServiceQuotasCommand, ListRequestedServiceQuotaChangeHistoryByQuotaCommand, ListServiceQuotasCommand } from '@aws-sdk/client-service-quotas';
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
