/**
 * The setup check: every way a training job fails before it starts, checked against AWS before
 * anything is packaged or uploaded, as one checklist. The credentials come first (the others need
 * the account); then the role, the buckets, the instance type with its quota, and the image run
 * concurrently, each under its own deadline so one slow service cannot hold up the list.
 *
 * Passed results are cached (TTL) by account, region and what they depend on — role, bucket,
 * instance type and count — so Launch can check again cheaply. A failure is never served from the
 * cache: it is what the user is about to fix, and must be asked again.
 */
import { regionPartition } from '../../core/catalog/huggingfaceImages';
import type { JobSpec } from '../../core/jobFile/jobSpec';
import type { CheckItem, CheckKind, Checklist } from '../../core/preflight/checklist';
import { checkTrainingImage } from '../../core/preflight/imageCheck';
import { jobBuckets } from '../../core/preflight/jobBuckets';
import { AwsClients } from '../awsClients';
import { checkBuckets } from './bucketCheck';
import { checkCredentials, checkRegion } from './identityCheck';
import { noRegionMessage } from '../awsErrors';
import type { AccessSurface } from '../awsErrors';
import { checkInstanceTypeAndQuota, instanceWants, wantsAreSeveral } from './instanceChecks';
import type { CallerIdentity, KnownRole, PreflightContext } from './preflightContext';
import { DEFAULT_CHECK_TIMEOUT_MS } from './preflightContext';
import { checkExecutionRole } from './roleCheck';

/** How long a passed result stays good: long enough for plan → launch, short enough to notice a revoked quota. */
export const DEFAULT_PREFLIGHT_TTL_MS = 10 * 60 * 1000;

/** Passed check results by what they depend on. One per extension (or CLI) lifetime, passed in explicitly. */
export class PreflightCache {
  private readonly entries = new Map<string, { items: CheckItem[]; storedAt: number }>();

  constructor(
    private readonly ttlMs = DEFAULT_PREFLIGHT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CheckItem[] | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.storedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.items.map((i) => ({ ...i, cached: true }));
  }

  /** Stores the items only when all passed. */
  set(key: string, items: CheckItem[]): void {
    if (items.length > 0 && items.every((i) => i.status === 'passed')) this.entries.set(key, { items, storedAt: this.now() });
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface PreflightOptions {
  /** Per check; the quota check, which pages through SageMaker's quota list, gets twice this. Default 15 s. */
  timeoutMs?: number;
  cache?: PreflightCache;
  /** Ask AWS again even for results the cache holds. */
  refresh?: boolean;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface PreflightArgs {
  clients: AwsClients;
  /** The job file's content; without it, only credentials, region and the default bucket are checked. */
  spec?: JobSpec;
  /** Overrides spec.region; otherwise the file's, then the clients' (AWS_REGION, the profile). */
  region?: string;
  /**
   * What the launch's plan already asked AWS, so the check does not ask again: the STS caller (the
   * credentials item passes from it, with no GetCallerIdentity) and IAM GetRole's answer for the
   * job's role (the role check reads its trust policy from it, with no GetRole).
   */
  known?: KnownIdentity;
  options?: PreflightOptions;
  /** Who shows the checklist: the CLI's advice names --region, the extension's its setting. Default extension. */
  surface?: AccessSurface;
}

export interface KnownIdentity {
  identity?: CallerIdentity;
  role?: KnownRole;
}

async function resolveRegion(args: PreflightArgs): Promise<{ region?: string; reason?: string }> {
  const explicit = args.region ?? (typeof args.spec?.region === 'string' ? args.spec.region : undefined);
  if (explicit) return { region: explicit };
  try {
    return { region: await args.clients.region() };
  } catch (err) {
    return { reason: (err as Error).message };
  }
}

function notChecked(kind: CheckKind, title: string, why: string): CheckItem {
  return { id: kind, kind, title, status: 'unknown', blocking: false, detail: `Not checked: ${why}` };
}

/** Runs `check` under its own deadline; if it overruns even though aborted, its items become unknown. */
async function withDeadline(
  base: PreflightContext,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  onTimeout: () => CheckItem[],
  check: (ctx: PreflightContext) => Promise<CheckItem[]>,
): Promise<CheckItem[]> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  let timer: NodeJS.Timeout | undefined;
  // The SDK honours abortSignal for requests, not for a credential provider stuck on a network call.
  const late = new Promise<CheckItem[]>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), timeoutMs + 1000);
    timer.unref();
  });
  try {
    return await Promise.race([check({ ...base, signal, timeoutMs }), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The credentials item from the identity the plan's STS call returned (the same words `checkCredentials` uses). */
function knownCredentialsItem(identity: CallerIdentity, profile: string | undefined): CheckItem {
  return {
    id: 'credentials',
    kind: 'credentials',
    title: 'AWS credentials',
    status: 'passed',
    blocking: true,
    detail: `account ${identity.accountId} as ${identity.arn}${profile ? ` (profile ${profile})` : ''}`,
  };
}

export async function runPreflight(args: PreflightArgs): Promise<Checklist> {
  const options = args.options ?? {};
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const spec = args.spec;
  const { region, reason } = await resolveRegion(args);
  const checklist: Checklist = { items: [], checkedAt: now().toISOString(), ...(region ? { region } : {}) };

  const regionItem = checkRegion(region, reason, noRegionMessage(args.surface ?? 'extension', { jobFile: spec !== undefined }));
  // Service Quotas and S3 answer for their own region: the clients must be the job's.
  const clients = region && args.clients.connection.region !== region ? new AwsClients({ ...args.clients.connection, region }) : args.clients;
  try {
    const identityTimeout = () => [
      {
        id: 'credentials',
        kind: 'credentials' as const,
        title: 'AWS credentials',
        status: 'unknown' as const,
        blocking: true,
        detail: `sts:GetCallerIdentity did not answer within ${Math.round(timeoutMs / 1000)} s.`,
      },
    ];
    let identity: PreflightContext['identity'];
    const known = args.known?.identity;
    // STS answers in a region: without one, the credentials cannot be checked (and the network is not to blame).
    const credentials = known
      ? [knownCredentialsItem(known, clients.connection.profile)]
      : !region
        ? [
            {
              id: 'credentials',
              kind: 'credentials' as const,
              title: 'AWS credentials',
              status: 'unknown' as const,
              blocking: true,
              detail: 'Not checked: needs an AWS region (see Region).',
            },
          ]
        : await withDeadline({ clients, region: region ?? '' }, timeoutMs, options.signal, identityTimeout, async (ctx) => {
            const result = await checkCredentials(ctx.clients, { ...(ctx.signal ? { signal: ctx.signal } : {}), timeoutMs });
            identity = result.identity;
            return [result.item];
          });
    if (known) identity = known;
    checklist.items.push(...credentials, regionItem);
    if (identity) {
      checklist.accountId = identity.accountId;
      checklist.principal = identity.arn;
    }

    const usable = region !== undefined && regionItem.status === 'passed' && regionPartition(region) !== undefined;
    const why = !usable ? 'needs a valid region.' : !identity ? 'needs working AWS credentials.' : undefined;
    // Every instance type the job may run (instance_type, each instance group's, each instance_preferences candidate), as Check Setup checks them.
    const wants = spec ? instanceWants(spec) : [];
    const hasInstance = wants.length > 0;
    const several = spec ? wantsAreSeveral(spec) : false;
    if (why || !region) {
      if (spec) checklist.items.push(notChecked('role', 'Execution role', why ?? ''));
      checklist.items.push(notChecked('bucket', 'Buckets', why ?? ''));
      for (const [i, w] of wants.entries()) {
        const suffix = several ? `-${i + 1}` : '';
        checklist.items.push(
          { ...notChecked('instanceType', `${w.type} offered for training`, why ?? ''), id: `instanceType${suffix}` },
          { ...notChecked('quota', several ? `Instance quota for ${w.type}` : 'Instance quota', why ?? ''), id: `quota${suffix}` },
        );
      }
      if (spec && usable) checklist.items.push(checkTrainingImage(spec, region as string));
      return checklist;
    }

    const base: PreflightContext = { clients, region, ...(spec ? { spec } : {}), ...(identity ? { identity } : {}), ...(args.known?.role ? { knownRole: args.known.role } : {}) };
    const account = identity?.accountId ?? '';
    const cached = async (key: string, run: () => Promise<CheckItem[]>): Promise<CheckItem[]> => {
      if (options.cache && !options.refresh) {
        const hit = options.cache.get(key);
        if (hit) return hit;
      }
      const items = await run();
      options.cache?.set(key, items);
      return items;
    };
    const timedOut = (kind: CheckKind, title: string, seconds: number) => () => [
      { id: kind, kind, title, status: 'unknown' as const, blocking: false, detail: `Did not finish within ${seconds} s.` },
    ];

    const role = spec
      ? cached(`role|${account}|${region}|${spec.role}`, () =>
          withDeadline(base, timeoutMs, options.signal, timedOut('role', 'Execution role', timeoutMs / 1000), async (ctx) => [await checkExecutionRole(ctx)]),
        )
      : Promise.resolve([]);
    const bucketKey = JSON.stringify(jobBuckets(spec, region, account));
    const buckets = cached(`buckets|${account}|${region}|${bucketKey}`, () =>
      withDeadline(base, timeoutMs, options.signal, timedOut('bucket', 'Buckets', timeoutMs / 1000), (ctx) => checkBuckets(ctx)),
    );
    const instance = hasInstance
      ? cached(
          `instance|${account}|${region}|${wants.map((w) => `${w.type}×${w.count}${w.preference ? 'p' : ''}`).join(',')}|${spec?.tuning?.max_parallel_jobs ?? 0}|${spec?.use_spot_instances === true}`,
          () =>
            withDeadline(base, 2 * timeoutMs, options.signal, timedOut('quota', `Quota for ${wants.map((w) => w.type).join(', ')}`, (2 * timeoutMs) / 1000), (ctx) =>
              checkInstanceTypeAndQuota(ctx),
            ),
        )
      : Promise.resolve([]);
    const [roleItems, bucketItems, instanceItems] = await Promise.all([role, buckets, instance]);
    checklist.items.push(...roleItems, ...bucketItems, ...instanceItems);
    if (spec) checklist.items.push(checkTrainingImage(spec, region));
    return checklist;
  } finally {
    if (clients !== args.clients) clients.destroy();
  }
}
