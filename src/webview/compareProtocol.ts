// The Compare Runs panel's message protocol, shared by the extension host (webview/host/runComparison*.ts)
// and the page (webview/app/compare/). Like the dashboard's, it imports neither 'vscode' nor the DOM, and
// every message is checked by a guard on arrival: job names, hyperparameters and metric names are whatever
// a job was given or printed.
//
// Handshake: the page posts `ready` once its script runs; the host posts nothing before that, and after each
// `ready` it posts `loading` with the jobs, then `comparison` once every run is read (or `failed`, saying why).
// `refresh` reads the runs again.

import { isRecord } from '../core/isRecord';
import type { ComparisonRow, RunComparisonJson } from '../core/jobs/runComparisonShape';
import { hasGuard, isArrayOf, isBoolean, isNullable, isNumber, isShape, isString, oneOf, optional } from './guards';
import type { Guard } from './guards';

export type CompareOrigin = 'cloud' | 'local';

export interface CompareJob {
  name: string;
  origin: CompareOrigin;
}

/** A point as it crosses the boundary: [ms since the run's start, value], null where the value is NaN or infinite. */
export type WireCurvePoint = [number, number | null];

/** runComparison.ts's comparison as JSON carries it: the same fields, NaN points as null. */
export type WireComparison = RunComparisonJson;

export type CompareHostMessage = { type: 'loading'; jobs: CompareJob[] } | { type: 'comparison'; comparison: WireComparison } | { type: 'failed'; message: string };

export type CompareViewMessage = { type: 'ready' } | { type: 'refresh' };

/** What the page keeps in its state, and all the serializer needs to read the runs again after a reload. */
export interface CompareViewState {
  version: 1;
  jobs: CompareJob[];
}

// ── Guards ────────────────────────────────────────────────────────────────────

const isOrigin = oneOf<CompareOrigin>(['cloud', 'local']);
const isJobName: Guard<string> = (v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
export const isCompareJob = isShape<CompareJob>({ name: isJobName, origin: isOrigin });
const isCell = isShape<ComparisonRow['cells'][number]>({
  value: (v): v is number | string | boolean | null => v === null || isNumber(v) || isString(v) || isBoolean(v),
  display: isString,
  source: isNullable(isString),
});
const isRow = isShape<ComparisonRow>({
  section: oneOf<ComparisonRow['section']>(['job', 'hyperparameters', 'metrics']),
  key: isString,
  label: isString,
  cells: isArrayOf(isCell),
  differs: isBoolean,
  sdkSet: optional(isBoolean),
});
const isRun = isShape<WireComparison['runs'][number]>({
  name: isJobName,
  origin: isOrigin,
  status: isString,
  describedBy: isString,
  curvesFrom: isNullable(isNumber),
  problems: isArrayOf(isString),
});
const isPoint: Guard<WireCurvePoint> = (v): v is WireCurvePoint => Array.isArray(v) && v.length === 2 && isNumber(v[0]) && (v[1] === null || isNumber(v[1]));
const isLine = isShape<WireComparison['curves'][number]['lines'][number]>({
  run: (v): v is number => Number.isInteger(v) && (v as number) >= 0,
  job: isJobName,
  source: oneOf<'log' | 'sagemaker'>(['log', 'sagemaker']),
  host: isNullable(isString),
  from: isString,
  points: isArrayOf(isPoint),
});
const isCurve = isShape<WireComparison['curves'][number]>({ metric: isString, unit: isString, lines: isArrayOf(isLine) });

/** A comparison whose rows have one cell per run and whose lines name a run it has. */
export const isWireComparison: Guard<WireComparison> = (v): v is WireComparison => {
  if (!isShape<WireComparison>({ runs: isArrayOf(isRun), rows: isArrayOf(isRow), differences: isArrayOf(isString), curves: isArrayOf(isCurve), notes: isArrayOf(isString) })(v))
    return false;
  const n = v.runs.length;
  return n >= 2 && v.rows.every((r) => r.cells.length === n) && v.curves.every((k) => k.lines.every((l) => l.run < n));
};

const HOST_MESSAGES: { [K in CompareHostMessage['type']]: Guard<Omit<Extract<CompareHostMessage, { type: K }>, 'type'>> } = {
  loading: isShape({ jobs: isArrayOf(isCompareJob) }),
  comparison: isShape({ comparison: isWireComparison }),
  failed: isShape({ message: isString }),
};

const noFields = (v: unknown): v is object => isRecord(v);
const VIEW_MESSAGES: { [K in CompareViewMessage['type']]: Guard<Omit<Extract<CompareViewMessage, { type: K }>, 'type'>> } = {
  ready: noFields,
  refresh: noFields,
};

export function isCompareHostMessage(v: unknown): v is CompareHostMessage {
  return isRecord(v) && hasGuard(HOST_MESSAGES, v.type) && HOST_MESSAGES[v.type](v);
}

export function isCompareViewMessage(v: unknown): v is CompareViewMessage {
  return isRecord(v) && hasGuard(VIEW_MESSAGES, v.type) && VIEW_MESSAGES[v.type](v);
}

export const isCompareViewState = isShape<CompareViewState>({
  version: (v): v is 1 => v === 1,
  jobs: (v): v is CompareJob[] => isArrayOf(isCompareJob)(v) && v.length >= 2 && v.length <= 50,
});
