// The Model Card panel's message protocol, shared by the extension host (src/webview/host) and the
// browser code (src/webview/app). It imports neither 'vscode' nor the DOM, so both tsconfigs compile it.
//
// Every message that crosses the boundary is checked with a guard on arrival: the view is a web page
// rendering untrusted text (a README written by anyone, metric names from any script), so the host
// never trusts the shape of what it receives, and the view never trusts a message it did not expect.
//
// Handshake: the view posts `ready` once its script runs; the host posts nothing before that, and after
// each `ready` (the view is rebuilt whenever the panel comes back from the background) it posts its whole
// current state again.

import { isRecord } from '../core/isRecord';

// ── Shared shapes ─────────────────────────────────────────────────────────────

/** One line of the README's front matter, already reduced to text. */
export interface FrontMatterField {
  key: string;
  value: string;
}

export interface ResultsRow {
  metric: string;
  value: string;
}

/** Metrics of one `*_results.json` split, already labelled and formatted. */
export interface ResultsTable {
  /** `train`, `eval`, `test`, `predict`. */
  split: string;
  title: string;
  /** The file the numbers came from. */
  file: string;
  rows: ResultsRow[];
}

export interface CurvePoint {
  step: number;
  epoch?: number;
  value: number;
}

export type CurveAxis = 'loss' | 'learning-rate' | 'metric';

export interface CurveSeries {
  /** The log key: `loss`, `learning_rate`, `eval_rouge1`, … */
  key: string;
  label: string;
  axis: CurveAxis;
  points: CurvePoint[];
}

/**
 * Where the Markdown shown came from: README.md on disk, the unsaved text of README.md open in an
 * editor, or a card generated from the run files that could not be written to README.md.
 */
export type ReadmeSource = 'file' | 'editor' | 'generated';

export interface CardContent {
  /** The model folder, absolute; kept in the view state so that the panel can be restored. */
  folder: string;
  /** The model name, for the heading. */
  title: string;
  /** README.md after its front matter. Untrusted: the view renders it only through its sanitizer. */
  markdown: string;
  readmeSource: ReadmeSource;
  /** A run file (results, trainer_state.json, config.json) changed after README.md was written. */
  stale: boolean;
  frontMatter: FrontMatterField[];
  /** What is wrong with the front matter against the Hub's model-card spec; empty when nothing is. */
  problems: string[];
  results: ResultsTable[];
  curves: CurveSeries[];
  /** The card's widget example: the inference box starts with it. */
  widgetText?: string;
  jobName?: string;
  /** One sentence about what the host just did ("README.md generated from the run files."). */
  notice?: string;
}

export type HubTokenSource = 'secretStorage' | 'HF_TOKEN';

/** Whether pushing can work; never the token itself. */
export interface TokenStatus {
  set: boolean;
  source?: HubTokenSource;
  /** The account the token belongs to, when whoAmI answered. */
  account?: string;
  /** Why whoAmI failed, when it did (rejected token, network). */
  problem?: string;
}

export interface PushDefaults {
  /** `{base-model-name}-{dataset}`, or the folder name when the run does not say. */
  name: string;
  /** The token owner first, then its organisations; empty when unknown (no token, whoAmI failed). */
  namespaces: string[];
  private: boolean;
  commitMessage: string;
  /** The repository this folder was last pushed to, for the inference box. */
  pushedRepo?: string;
}

export interface PushRequest {
  namespace: string;
  name: string;
  private: boolean;
  commitMessage: string;
}

export type PushPhase = 'preuploading' | 'uploadingLargeFiles' | 'committing';
export const PUSH_PHASES: readonly PushPhase[] = ['preuploading', 'uploadingLargeFiles', 'committing'];
export type PhaseState = 'pending' | 'active' | 'done';

export interface PushFileProgress {
  /** Path in the repository. */
  path: string;
  state: 'hashing' | 'uploading';
  /** 0..1 */
  progress: number;
  /** Set once an upload failed for a passing reason and started again, e.g. "attempt 2 of 4 after HTTP 503". */
  retry?: string;
}

export type PushState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The whole state of one push, sent in full on every change so a rebuilt view needs nothing else. */
export interface PushStatus {
  repo: string;
  state: PushState;
  listed?: { files: number; bytes: number; skipped: string[] };
  repoUrl?: string;
  created?: boolean;
  phases: Record<PushPhase, PhaseState>;
  /** Large files (LFS), in the order the Hub client reported them. */
  files: PushFileProgress[];
}

export interface PushOutcome {
  repo: string;
  repoUrl: string;
  commitUrl: string;
  created: boolean;
  files: number;
  skipped: string[];
}

export interface PushFailure {
  code: string;
  message: string;
  /** The failure is about the token: the view offers "Set Hugging Face Token". */
  offerSetToken: boolean;
}

export interface InferenceRequest {
  model: string;
  text: string;
}

export interface InferenceOutcome {
  model: string;
  summary: string;
  latencyMs: number;
  /** `endpoint`, or the provider policy used (`auto`). */
  via: string;
}

export interface InferenceFailure {
  model: string;
  code: string;
  message: string;
  /** Where else the model can run, when no provider serves it (NotDeployedError); else empty. */
  alternatives: string[];
}

// ── Host → view ───────────────────────────────────────────────────────────────

export type HostMessage =
  | { type: 'card'; card: CardContent }
  | { type: 'cardError'; folder: string; message: string }
  | { type: 'tokenStatus'; status: TokenStatus }
  | { type: 'pushDefaults'; defaults: PushDefaults }
  | { type: 'pushProgress'; status: PushStatus }
  | { type: 'pushResult'; result: PushOutcome }
  | { type: 'pushError'; error: PushFailure }
  | { type: 'inferenceRunning'; model: string }
  | { type: 'inferenceResult'; result: InferenceOutcome }
  | { type: 'inferenceError'; error: InferenceFailure };

// ── View → host ───────────────────────────────────────────────────────────────

export type ViewMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Open README.md beside the panel. */
  | { type: 'edit' }
  /** Write README.md from the run files again. */
  | { type: 'generate' }
  | { type: 'push'; request: PushRequest }
  | { type: 'cancelPush' }
  | { type: 'setToken' }
  | { type: 'infer'; request: InferenceRequest }
  | { type: 'cancelInference' }
  /** Open the user setting `sagemakerHf.inference.endpointUrl` (user settings only): one of the ways to run a model no provider serves. */
  | { type: 'configureEndpoint' };

// ── View state (acquireVsCodeApi().getState/setState, and the panel serializer) ──

export interface ModelCardViewState {
  version: 1;
  folder: string;
  /** What the user typed, kept across reloads. */
  push?: PushRequest;
  inference?: InferenceRequest;
}

// ── Limits ────────────────────────────────────────────────────────────────────

/** Longest inference input accepted; summarization models read far less (BART: 1024 tokens). */
export const MAX_INFERENCE_TEXT = 100_000;
const MAX_NAME = 96;
const MAX_COMMIT_MESSAGE = 2_000;
const MAX_PATH = 4_096;

// ── Guards ────────────────────────────────────────────────────────────────────

type Guard<T> = (v: unknown) => v is T;

const isString: Guard<string> = (v): v is string => typeof v === 'string';
const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
const isFiniteNumber: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);

function isStringUpTo(max: number): Guard<string> {
  return (v): v is string => typeof v === 'string' && v.length <= max;
}

function isArrayOf<T>(item: Guard<T>): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every(item);
}

function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || guard(v);
}

function oneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (v): v is T => typeof v === 'string' && (values as readonly string[]).includes(v);
}

/** An object whose listed fields pass their guards (other fields are ignored, never trusted). */
function isShape<T>(fields: { [K in keyof T]-?: Guard<T[K]> }): Guard<T> {
  return (v): v is T => isRecord(v) && Object.entries(fields).every(([k, guard]) => (guard as Guard<unknown>)(v[k]));
}

const isFrontMatterField = isShape<FrontMatterField>({ key: isString, value: isString });
const isResultsTable = isShape<ResultsTable>({
  split: isString,
  title: isString,
  file: isString,
  rows: isArrayOf(isShape<ResultsRow>({ metric: isString, value: isString })),
});
const isCurvePoint = isShape<CurvePoint>({ step: isFiniteNumber, epoch: optional(isFiniteNumber), value: isFiniteNumber });
const isCurveSeries = isShape<CurveSeries>({
  key: isString,
  label: isString,
  axis: oneOf<CurveAxis>(['loss', 'learning-rate', 'metric']),
  points: isArrayOf(isCurvePoint),
});
export const isCardContent = isShape<CardContent>({
  folder: isString,
  title: isString,
  markdown: isString,
  readmeSource: oneOf<ReadmeSource>(['file', 'editor', 'generated']),
  stale: isBoolean,
  frontMatter: isArrayOf(isFrontMatterField),
  problems: isArrayOf(isString),
  results: isArrayOf(isResultsTable),
  curves: isArrayOf(isCurveSeries),
  widgetText: optional(isString),
  jobName: optional(isString),
  notice: optional(isString),
});
const isTokenStatus = isShape<TokenStatus>({
  set: isBoolean,
  source: optional(oneOf<HubTokenSource>(['secretStorage', 'HF_TOKEN'])),
  account: optional(isString),
  problem: optional(isString),
});
const isPushDefaults = isShape<PushDefaults>({
  name: isString,
  namespaces: isArrayOf(isString),
  private: isBoolean,
  commitMessage: isString,
  pushedRepo: optional(isString),
});
const isPhaseState = oneOf<PhaseState>(['pending', 'active', 'done']);
const isPushStatus = isShape<PushStatus>({
  repo: isString,
  state: oneOf<PushState>(['running', 'succeeded', 'failed', 'cancelled']),
  listed: optional(isShape<NonNullable<PushStatus['listed']>>({ files: isFiniteNumber, bytes: isFiniteNumber, skipped: isArrayOf(isString) })),
  repoUrl: optional(isString),
  created: optional(isBoolean),
  phases: isShape<Record<PushPhase, PhaseState>>({ preuploading: isPhaseState, uploadingLargeFiles: isPhaseState, committing: isPhaseState }),
  files: isArrayOf(isShape<PushFileProgress>({ path: isString, state: oneOf(['hashing', 'uploading'] as const), progress: isFiniteNumber, retry: optional(isString) })),
});
const isPushOutcome = isShape<PushOutcome>({
  repo: isString,
  repoUrl: isString,
  commitUrl: isString,
  created: isBoolean,
  files: isFiniteNumber,
  skipped: isArrayOf(isString),
});
const isPushFailure = isShape<PushFailure>({ code: isString, message: isString, offerSetToken: isBoolean });
const isInferenceOutcome = isShape<InferenceOutcome>({ model: isString, summary: isString, latencyMs: isFiniteNumber, via: isString });
const isInferenceFailure = isShape<InferenceFailure>({ model: isString, code: isString, message: isString, alternatives: isArrayOf(isString) });

export const isPushRequest = isShape<PushRequest>({
  namespace: isStringUpTo(MAX_NAME),
  name: isStringUpTo(MAX_NAME),
  private: isBoolean,
  commitMessage: isStringUpTo(MAX_COMMIT_MESSAGE),
});

export const isInferenceRequest = isShape<InferenceRequest>({
  // namespace/name, or a URL-safe id; the host checks it properly before any call.
  model: isStringUpTo(2 * MAX_NAME + 1),
  text: isStringUpTo(MAX_INFERENCE_TEXT),
});

const HOST_MESSAGES: { [K in HostMessage['type']]: Guard<Omit<Extract<HostMessage, { type: K }>, 'type'>> } = {
  card: isShape({ card: isCardContent }),
  cardError: isShape({ folder: isString, message: isString }),
  tokenStatus: isShape({ status: isTokenStatus }),
  pushDefaults: isShape({ defaults: isPushDefaults }),
  pushProgress: isShape({ status: isPushStatus }),
  pushResult: isShape({ result: isPushOutcome }),
  pushError: isShape({ error: isPushFailure }),
  inferenceRunning: isShape({ model: isString }),
  inferenceResult: isShape({ result: isInferenceOutcome }),
  inferenceError: isShape({ error: isInferenceFailure }),
};

const noFields = (v: unknown): v is object => isRecord(v);

const VIEW_MESSAGES: { [K in ViewMessage['type']]: Guard<Omit<Extract<ViewMessage, { type: K }>, 'type'>> } = {
  ready: noFields,
  refresh: noFields,
  edit: noFields,
  generate: noFields,
  push: isShape({ request: isPushRequest }),
  cancelPush: noFields,
  setToken: noFields,
  infer: isShape({ request: isInferenceRequest }),
  cancelInference: noFields,
  configureEndpoint: noFields,
};

function hasGuard<M extends string>(table: Record<M, unknown>, type: unknown): type is M {
  return typeof type === 'string' && Object.hasOwn(table, type);
}

/** A message the host may send; the view drops anything else. */
export function isHostMessage(v: unknown): v is HostMessage {
  return isRecord(v) && hasGuard(HOST_MESSAGES, v.type) && HOST_MESSAGES[v.type](v);
}

/** A message the view may send; the host drops (and logs) anything else. */
export function isViewMessage(v: unknown): v is ViewMessage {
  return isRecord(v) && hasGuard(VIEW_MESSAGES, v.type) && VIEW_MESSAGES[v.type](v);
}

export const isModelCardViewState = isShape<ModelCardViewState>({
  version: (v): v is 1 => v === 1,
  folder: (v): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_PATH,
  push: optional(isPushRequest),
  inference: optional(isInferenceRequest),
});
