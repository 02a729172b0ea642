// The Job dashboard's message protocol, shared by the extension host (webview/host/jobDashboard*.ts) and
// the page (webview/app/dashboard/). Like protocol.ts (the Model Card's), it imports neither 'vscode' nor
// the DOM, and every message is checked by a guard on arrival: metric names, host names, log lines and
// tracebacks are whatever a training script printed.
//
// Handshake: the page posts `ready` once its script runs; the host posts nothing before that, and after each
// `ready` (the page is rebuilt when the panel comes back from the background) it posts `snapshot` with every
// series so far, then `update`s with only the points each poll added.

import { isRecord } from '../core/isRecord';
import { hasGuard, isArrayOf, isBoolean, isNullable, isNumber, isShape, isString, oneOf, optional } from './guards';
import type { Guard } from './guards';

export type JobOrigin = 'cloud' | 'local';

/** Which job a panel shows: all the page keeps in its state, and all the serializer needs after a reload. */
export interface DashboardJob {
  name: string;
  origin: JobOrigin;
}

/** A point as it crosses the boundary: [epochMs, value], null where the value is NaN or infinite (JSON has no such numbers). */
export type WirePoint = [number, number | null];

export type WireSource = 'system' | 'log' | 'sagemaker';

export interface WireSeries {
  name: string;
  /** `algo-1`, …, `machine` (a local job's GPUs), or null for a metric_definitions series. */
  host: string | null;
  source: WireSource;
  unit: string;
  points: WirePoint[];
}

export interface WireProgress {
  host: string;
  step?: number;
  maxSteps?: number;
  epoch?: number;
  numEpochs?: number;
  samplesPerSecond?: number;
  stepsPerSecond?: number;
  etaSeconds?: number;
  updatedAt?: number;
}

export interface WireWarning {
  kind: string;
  host?: string;
  message: string;
  action: string;
}

/** Everything of a reading but its series. */
export interface DashboardStatus {
  status: string;
  secondaryStatus?: string;
  failureReason?: string;
  instanceType?: string;
  hosts: string[];
  progress: WireProgress[];
  warnings: WireWarning[];
  problems: string[];
  polledAt: number;
  final: boolean;
}

/**
 * Where polling is: `polling` (a read is under way), `waiting` (the next one in `nextPollMs`), `ended` (the
 * job ended; no more reads), `failed` (the last read failed; retried in `nextPollMs`, `message` says why).
 */
export interface PollState {
  phase: 'polling' | 'waiting' | 'ended' | 'failed';
  nextPollMs?: number;
  message?: string;
}

export interface WireFrame {
  /** As Python printed it (`/opt/ml/code/train.py`). */
  file: string;
  line: number;
  /** The workspace file, absolute, or null when the frame is not the job's code. */
  local: string | null;
  /** The workspace file as the page shows it (relative to the workspace). */
  label?: string;
}

export interface WireDiagnosis {
  status: string;
  failureReason: string | null;
  failedIn: { status: string; message: string | null } | null;
  cause: { kind: string; host: string | null; message: string; fix: string; lines?: string[] } | null;
  tracebacks: Array<{ host: string; error: string; frames: WireFrame[] }>;
}

export type DashboardHostMessage =
  | { type: 'snapshot'; job: DashboardJob; status: DashboardStatus | null; series: WireSeries[]; poll: PollState; diagnosis: WireDiagnosis | null }
  | { type: 'update'; status: DashboardStatus; series: WireSeries[] }
  | { type: 'pollState'; poll: PollState }
  | { type: 'diagnosis'; diagnosis: WireDiagnosis };

export type DashboardViewMessage =
  | { type: 'ready' }
  /** Read now instead of at the next poll. */
  | { type: 'refresh' }
  /** Open a traceback frame's workspace file at its line; the host opens only frames it sent. */
  | { type: 'openFrame'; file: string; line: number };

export interface DashboardViewState {
  version: 1;
  job: DashboardJob;
}

// ── Guards ────────────────────────────────────────────────────────────────────

const isOrigin = oneOf<JobOrigin>(['cloud', 'local']);
export const isDashboardJob = isShape<DashboardJob>({ name: (v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256, origin: isOrigin });
const isWirePoint: Guard<WirePoint> = (v): v is WirePoint => Array.isArray(v) && v.length === 2 && isNumber(v[0]) && (v[1] === null || isNumber(v[1]));
const isWireSeries = isShape<WireSeries>({
  name: isString,
  host: isNullable(isString),
  source: oneOf<WireSource>(['system', 'log', 'sagemaker']),
  unit: isString,
  points: isArrayOf(isWirePoint),
});
const isWireProgress = isShape<WireProgress>({
  host: isString,
  step: optional(isNumber),
  maxSteps: optional(isNumber),
  epoch: optional(isNumber),
  numEpochs: optional(isNumber),
  samplesPerSecond: optional(isNumber),
  stepsPerSecond: optional(isNumber),
  etaSeconds: optional(isNumber),
  updatedAt: optional(isNumber),
});
const isWireWarning = isShape<WireWarning>({ kind: isString, host: optional(isString), message: isString, action: isString });
const isDashboardStatus = isShape<DashboardStatus>({
  status: isString,
  secondaryStatus: optional(isString),
  failureReason: optional(isString),
  instanceType: optional(isString),
  hosts: isArrayOf(isString),
  progress: isArrayOf(isWireProgress),
  warnings: isArrayOf(isWireWarning),
  problems: isArrayOf(isString),
  polledAt: isNumber,
  final: isBoolean,
});
const isPollState = isShape<PollState>({
  phase: oneOf<PollState['phase']>(['polling', 'waiting', 'ended', 'failed']),
  nextPollMs: optional(isNumber),
  message: optional(isString),
});
const isWireFrame = isShape<WireFrame>({ file: isString, line: isNumber, local: isNullable(isString), label: optional(isString) });
export const isWireDiagnosis = isShape<WireDiagnosis>({
  status: isString,
  failureReason: isNullable(isString),
  failedIn: isNullable(isShape<{ status: string; message: string | null }>({ status: isString, message: isNullable(isString) })),
  cause: isNullable(
    isShape<NonNullable<WireDiagnosis['cause']>>({ kind: isString, host: isNullable(isString), message: isString, fix: isString, lines: optional(isArrayOf(isString)) }),
  ),
  tracebacks: isArrayOf(isShape<WireDiagnosis['tracebacks'][number]>({ host: isString, error: isString, frames: isArrayOf(isWireFrame) })),
});

const HOST_MESSAGES: { [K in DashboardHostMessage['type']]: Guard<Omit<Extract<DashboardHostMessage, { type: K }>, 'type'>> } = {
  snapshot: isShape({
    job: isDashboardJob,
    status: isNullable(isDashboardStatus),
    series: isArrayOf(isWireSeries),
    poll: isPollState,
    diagnosis: isNullable(isWireDiagnosis),
  }),
  update: isShape({ status: isDashboardStatus, series: isArrayOf(isWireSeries) }),
  pollState: isShape({ poll: isPollState }),
  diagnosis: isShape({ diagnosis: isWireDiagnosis }),
};

const noFields = (v: unknown): v is object => isRecord(v);
const VIEW_MESSAGES: { [K in DashboardViewMessage['type']]: Guard<Omit<Extract<DashboardViewMessage, { type: K }>, 'type'>> } = {
  ready: noFields,
  refresh: noFields,
  openFrame: isShape({ file: (v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096, line: (v): v is number => Number.isInteger(v) && (v as number) > 0 }),
};

export function isDashboardHostMessage(v: unknown): v is DashboardHostMessage {
  return isRecord(v) && hasGuard(HOST_MESSAGES, v.type) && HOST_MESSAGES[v.type](v);
}

export function isDashboardViewMessage(v: unknown): v is DashboardViewMessage {
  return isRecord(v) && hasGuard(VIEW_MESSAGES, v.type) && VIEW_MESSAGES[v.type](v);
}

export const isDashboardViewState = isShape<DashboardViewState>({ version: (v): v is 1 => v === 1, job: isDashboardJob });
