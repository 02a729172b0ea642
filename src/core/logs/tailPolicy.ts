/**
 * How often a tail asks AWS for lines and for the job's status, how far it re-reads behind itself,
 * and how it backs off when AWS pushes back — as data, so the extension's settings, the CLI and the
 * tests each choose their own without touching the loop.
 */
import type { OverlapSettings } from './logCursor';

export interface BackoffPolicy {
  /** First delay after a failed call. */
  baseMs: number;
  /** Delays double per consecutive failure up to this. */
  maxMs: number;
  /** After this many consecutive failures of one call the tail gives up with an error. */
  maxConsecutiveFailures: number;
}

export interface TailPolicy extends OverlapSettings {
  /**
   * Pause between log reads. The SDK waits 10 s but reads every stream each time; one
   * FilterLogEvents per poll is cheap enough to read twice as often.
   */
  pollIntervalMs: number;
  /** DescribeTrainingJob at most this often (the SDK: 30 s, which also delays the end of a tail by up to that). */
  statusIntervalMs: number;
  /** FilterLogEvents page size; undefined lets the service fill pages (up to 10,000 events or 1 MB). */
  pageLimit?: number;
  /** Lines kept per host to explain a failure at the end. */
  recentLinesPerHost: number;
  backoff: BackoffPolicy;
}

export const DEFAULT_TAIL_POLICY: Readonly<TailPolicy> = Object.freeze({
  pollIntervalMs: 5_000,
  statusIntervalMs: 10_000,
  // Agents on SageMaker hosts flush every few seconds; a minute of overlap also covers host clock
  // skew and CloudWatch's own visibility delay, and costs one page per poll at usual log rates.
  overlapMs: 60_000,
  lagMarginMs: 5_000,
  maxOverlapMs: 15 * 60_000,
  recentLinesPerHost: 200,
  backoff: Object.freeze({ baseMs: 1_000, maxMs: 30_000, maxConsecutiveFailures: 30 }),
});

/** The defaults with `overrides` applied (backoff merged key by key). */
export function tailPolicy(overrides: Partial<Omit<TailPolicy, 'backoff'>> & { backoff?: Partial<BackoffPolicy> } = {}): TailPolicy {
  const { backoff, ...rest } = overrides;
  const policy: TailPolicy = { ...DEFAULT_TAIL_POLICY, ...stripUndefined(rest), backoff: { ...DEFAULT_TAIL_POLICY.backoff, ...stripUndefined(backoff ?? {}) } };
  for (const key of ['pollIntervalMs', 'statusIntervalMs', 'overlapMs', 'lagMarginMs', 'maxOverlapMs', 'recentLinesPerHost'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) throw new TailPolicyError(`Log tailing: ${key} must be a number ≥ 0 (got ${policy[key]}).`, { key, value: policy[key] });
  }
  if (policy.maxOverlapMs < policy.overlapMs)
    throw new TailPolicyError(`Log tailing: maxOverlapMs (${policy.maxOverlapMs}) must be at least overlapMs (${policy.overlapMs}).`, {
      key: 'maxOverlapMs',
      value: policy.maxOverlapMs,
    });
  return policy;
}

export class TailPolicyError extends RangeError {
  readonly code = 'InvalidTailPolicy';
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'TailPolicyError';
  }
}

/**
 * The failures a tail waits out and asks again: AWS asked it to slow down, failed on its own side,
 * or the connection failed (the names are aws/awsErrors.ts's failure kinds). Any other failure is an
 * answer, not a hiccup: the tail acts on it or stops.
 */
export type TransientFailure = 'throttled' | 'serverError' | 'network';

export function isTransientFailure(kind: string): kind is TransientFailure {
  return kind === 'throttled' || kind === 'serverError' || kind === 'network';
}

/**
 * The one retry rule of a tail, for every call it repeats (a log page, DescribeTrainingJob): after
 * consecutive failure number `failures` (1 for the first), wait the returned delay and ask again;
 * undefined once `maxConsecutiveFailures` is exceeded, when the tail gives up. `random` is only
 * drawn when there is a wait.
 */
export function retryDelayMs(policy: BackoffPolicy, failures: number, random: () => number): number | undefined {
  return patienceSpent(policy, failures) ? undefined : backoffDelayMs(policy, failures, random);
}

/** `failures` in a row is more than the policy lets a tail repeat (an expired page token counts too). */
export function patienceSpent(policy: BackoffPolicy, failures: number): boolean {
  return failures > policy.maxConsecutiveFailures;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential with "equal jitter" —
 * half the step fixed, half random — so many tails throttled together spread out, but none retries
 * at once. `random` returns [0, 1).
 */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
