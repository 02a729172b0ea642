// Training curves and progress from the lines a job's hosts print, as the Hugging Face Trainer prints them:
//
//   {'loss': 0.6931, 'grad_norm': 4.2, 'learning_rate': 4.9e-05, 'epoch': 0.03}      Trainer.log (every logging_steps)
//   {'eval_loss': 0.52, 'eval_accuracy': np.float64(0.81), 'eval_runtime': 3.1, …}  Trainer.evaluate
//   {'train_runtime': 812.3, 'train_samples_per_second': 52.1, …, 'epoch': 3.0}    the end of Trainer.train
//   ***** train metrics *****                                                       Trainer.log_metrics
//     train_loss               =     0.6931
//     train_runtime            = 0:13:32.30
//   ***** Running training *****                                                    the start of Trainer.train
//     Num Epochs = 3
//     Total train batch size (w. parallel, distributed & accumulation) = 32
//     Total optimization steps = 1,250
//    10%|█         | 125/1250 [01:40<15:00,  1.25it/s]                               tqdm's progress bar
//
// plus the job's metric_definitions (SageMaker's rule: the regular expression is searched in each line and its
// first group is the value). Lines may carry an MPI rank prefix (`[1,0]<stdout>:`) and tqdm's carriage
// returns. Everything is kept per host. Feeding a line costs its length plus one search per definition:
// 100,000 lines parse in well under a second.

import type { MetricSeries, SeriesPoint } from './metricSeries';
import { parsePythonDict } from './pythonDict';

export interface MetricDefinition {
  Name: string;
  Regex: string;
}

/** What the log says about a host's progress; each figure only when the log gave what it needs. */
export interface HostProgress {
  host: string;
  step?: number;
  maxSteps?: number;
  epoch?: number;
  numEpochs?: number;
  /** Training samples per optimisation step over every process (the Trainer's "Total train batch size"). */
  totalBatchSize?: number;
  stepsPerSecond?: number;
  samplesPerSecond?: number;
  /** Seconds until max_steps (or the last epoch) at the recent rate. */
  etaSeconds?: number;
  /** When the host last logged progress (epoch ms). */
  updatedAt?: number;
}

interface CompiledDefinition {
  name: string;
  regex: RegExp;
}

interface SeriesState {
  series: MetricSeries;
  /** How many points were handed out by `takeNew`. */
  taken: number;
}

interface HostState {
  host: string;
  /** The `***** x metrics *****` block being read, or undefined. */
  block?: string;
  step?: number;
  maxSteps?: number;
  epoch?: number;
  numEpochs?: number;
  totalBatchSize?: number;
  /** Recent (time, step) and (time, epoch) observations, oldest first. */
  stepObservations: Array<[number, number]>;
  epochObservations: Array<[number, number]>;
  updatedAt?: number;
  /** Samples per second the Trainer itself reported at the end (train_samples_per_second). */
  reportedSamplesPerSecond?: number;
}

const OBSERVATIONS_KEPT = 32;
/** Keys that describe the run rather than a curve worth drawing. */
const NOT_CURVES = new Set(['epoch', 'total_flos', 'step', 'num_input_tokens_seen', 'train_samples', 'eval_samples', 'test_samples', 'predict_samples']);
const RANK_PREFIX = /^\[\d+,\d+\]<std(?:out|err)>:/;
const METRICS_HEADER = /\*{5} (\w+) metrics \*{5}/;
// A runtime over a day prints as Python's timedelta does: `1 day, 2:13:32.30`.
const BLOCK_ROW = /^\s+([A-Za-z_][\w./-]*)\s+=\s+(\d+ days?, \S+|\S+)\s*$/;
const RUNTIME = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/;

export class TrainerLogParser {
  /** Definitions that could not be compiled, each with why (the rest still apply). */
  readonly problems: string[] = [];
  private readonly definitions: CompiledDefinition[] = [];
  private readonly hosts = new Map<string, HostState>();
  private readonly series = new Map<string, SeriesState>();
  private lines = 0;

  constructor(definitions: readonly MetricDefinition[] = []) {
    definitions.forEach((d, i) => {
      const compiled = compileDefinition(d);
      if (typeof compiled === 'string') this.problems.push(`metric_definitions[${i}] (${d.Name}): ${compiled}; its series is left out.`);
      else this.definitions.push(compiled);
    });
  }

  get lineCount(): number {
    return this.lines;
  }

  /** One log line of `host`, stamped `timestamp` (epoch ms). */
  feed(host: string, timestamp: number, message: string): void {
    this.lines++;
    const state = this.hostState(host);
    // tqdm redraws with carriage returns; what a line finally says is after the last one, but a bar may sit before a dict.
    const cr = message.lastIndexOf('\r');
    if (cr >= 0) {
      if (message.includes('/')) this.readBar(state, timestamp, message);
      message = message.slice(cr + 1);
    }
    const line = message.charCodeAt(0) === 91 ? message.replace(RANK_PREFIX, '') : message;

    if (state.block !== undefined) {
      const row = BLOCK_ROW.exec(line);
      if (row) {
        this.blockRow(state, timestamp, row[1]!, row[2]!);
        this.applyDefinitions(host, timestamp, line);
        return;
      }
      state.block = undefined;
    }
    const brace = line.indexOf('{');
    if (brace >= 0) this.readDicts(state, timestamp, line, brace);
    else if (line.includes('*****')) {
      const header = METRICS_HEADER.exec(line);
      if (header) state.block = header[1];
    } else if (line.includes(' = ')) {
      // The Running-training rows (`  Num Epochs = 3`, indented under its `***** Running training *****`
      // banner); they also come through Python logging with a prefix: `[INFO|trainer.py:1721] >>   Num Epochs = 3`
      // (transformers' explicit format) or `… - INFO - transformers.trainer -   Num Epochs = 3` (logging.basicConfig).
      this.runningTrainingRow(state, line);
    } else if (cr < 0 && line.includes('/') && line.includes('|')) {
      this.readBar(state, timestamp, line);
    }
    this.applyDefinitions(host, timestamp, line);
  }

  /** Every series parsed so far (source `log`), by host then name. */
  allSeries(): MetricSeries[] {
    return [...this.series.values()].map((s) => s.series);
  }

  /** The points added since the last call, per series (a series with nothing new is left out). */
  takeNew(): MetricSeries[] {
    const out: MetricSeries[] = [];
    for (const state of this.series.values()) {
      const points = state.series.points;
      if (points.length === state.taken) continue;
      out.push({ ...state.series, points: points.slice(state.taken) });
      state.taken = points.length;
    }
    return out;
  }

  /** Each host's progress; rates over its recent observations, the ETA counted from `now`. */
  progress(now: number): HostProgress[] {
    return [...this.hosts.values()].filter((h) => h.step !== undefined || h.epoch !== undefined || h.maxSteps !== undefined).map((h) => hostProgress(h, now));
  }

  private hostState(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { host, stepObservations: [], epochObservations: [] };
      this.hosts.set(host, s);
    }
    return s;
  }

  private point(host: string, name: string, timestamp: number, value: number): void {
    const key = `${host}\u0000${name}`;
    let state = this.series.get(key);
    if (!state) {
      state = { series: { name, host, source: 'log', unit: unitOf(name), points: [] }, taken: 0 };
      this.series.set(key, state);
    }
    const points = state.series.points;
    const last = points.at(-1);
    const p: SeriesPoint = [timestamp, value];
    if (!last || timestamp >= last[0]) points.push(p);
    else {
      // Lines of one host arrive in order; a definition's value and a dict's in the same line share the time.
      let at = points.length;
      while (at > 0 && points[at - 1]![0] > timestamp) at--;
      points.splice(at, 0, p);
    }
  }

  private readDicts(state: HostState, timestamp: number, line: string, from: number): void {
    for (let at = from; at >= 0 && at < line.length; at = line.indexOf('{', at + 1)) {
      const next = line.charCodeAt(at + 1);
      if (next !== 39 && next !== 34 && next !== 125) continue; // '{' followed by a quote or '}' only
      const dict = parsePythonDict(line, at);
      if (!dict) continue;
      this.dict(state, timestamp, dict.values);
      at = dict.end - 1;
    }
  }

  private dict(state: HostState, timestamp: number, values: Map<string, number>): void {
    const epoch = values.get('epoch');
    if (epoch !== undefined && Number.isFinite(epoch)) {
      state.epoch = epoch;
      observe(state.epochObservations, timestamp, epoch);
      state.updatedAt = timestamp;
      // Without a progress bar the step follows from the epoch once the run's size is known.
      if (state.maxSteps !== undefined && state.numEpochs) {
        const step = Math.round((epoch / state.numEpochs) * state.maxSteps);
        if (state.step === undefined || step > state.step) {
          state.step = step;
          observe(state.stepObservations, timestamp, step);
        }
      }
    }
    const step = values.get('step');
    if (step !== undefined && Number.isFinite(step)) {
      state.step = step;
      observe(state.stepObservations, timestamp, step);
    }
    const reported = values.get('train_samples_per_second');
    if (reported !== undefined) state.reportedSamplesPerSecond = reported;
    for (const [key, value] of values) if (!NOT_CURVES.has(key)) this.point(state.host, key, timestamp, value);
  }

  private blockRow(state: HostState, timestamp: number, key: string, raw: string): void {
    const value = blockValue(raw);
    if (value === undefined) return;
    if (key === 'epoch') {
      state.epoch = value;
      return;
    }
    if (key === 'train_samples_per_second') state.reportedSamplesPerSecond = value;
    if (NOT_CURVES.has(key)) return;
    // The block repeats what the end-of-training dict just said (rounded to 4 places): one point, not two.
    const last = this.series.get(`${state.host}\u0000${key}`)?.series.points.at(-1);
    if (last && Math.abs(last[1] - value) <= Math.max(1e-4, Math.abs(value) * 1e-4)) return;
    this.point(state.host, key, timestamp, value);
  }

  private runningTrainingRow(state: HostState, line: string): void {
    const eq = line.lastIndexOf(' = ');
    if (eq < 0) return;
    const value = Number(
      line
        .slice(eq + 3)
        .trim()
        .replace(/,/g, ''),
    );
    if (!Number.isFinite(value)) return;
    if (line.includes('Num Epochs')) state.numEpochs = value;
    else if (line.includes('Total optimization steps')) state.maxSteps = value;
    else if (line.includes('Total train batch size')) state.totalBatchSize = value;
  }

  private readBar(state: HostState, timestamp: number, line: string): void {
    // tqdm bars of preprocessing ("Map: … examples/s") and of evaluation have other totals than training's.
    if (line.includes('examples/s') || line.includes('ba/s')) return;
    // The last `| N/M` of the line, read without a regular expression (a line may hold many redraws).
    const found = lastBar(line);
    if (!found) return;
    const [step, total] = found;
    if (state.maxSteps === undefined) state.maxSteps = total;
    else if (total !== state.maxSteps) return;
    if (state.step === undefined || step >= state.step) {
      state.step = step;
      state.updatedAt = timestamp;
      observe(state.stepObservations, timestamp, step);
    }
  }

  private applyDefinitions(host: string, timestamp: number, line: string): void {
    for (const d of this.definitions) {
      const read = readDefinition(d.regex, line);
      if (read?.value !== undefined) this.point(host, d.name, timestamp, read.value);
    }
  }
}

/**
 * What SageMaker takes from one log line with a metric definition: undefined when the regular
 * expression does not match (or its first group took no part); else the first group's text and its
 * value, which is undefined when Python's float() would refuse that text (SageMaker then drops it).
 */
export function readDefinition(regex: RegExp, line: string): { captured: string; value: number | undefined } | undefined {
  const m = regex.exec(line);
  if (!m || m[1] === undefined) return undefined;
  const captured = m[1];
  const text = captured.trim();
  if (/^[-+]?nan$/i.test(text)) return { captured, value: NaN };
  const value = Number(text);
  // Number('') is 0 and Number('0x10') is 16; float() refuses both.
  if (text === '' || Number.isNaN(value) || /^[-+]?0[xob]/i.test(text)) return { captured, value: undefined };
  return { captured, value };
}

/** A line of the Trainer's log that carries a metric, and the value it carries. */
export interface TrainerMetricLine {
  line: string;
  value: number;
  /** What prints it, for messages. */
  printedBy: string;
}

/**
 * The lines in which the Trainer prints a metric called `name` (its keys are compute_metrics' names
 * with the `eval_`/`test_` prefix; `loss`, `learning_rate`, `grad_norm` come from training): the dict
 * of Trainer.log and Trainer.evaluate, its value a plain float, a whole number, in exponent notation or
 * as numpy prints it (transformers ≥ 4.4x with numpy 2), on a rank-prefixed line under mpirun, and the
 * row of Trainer.log_metrics' block. The first two are the common forms; a definition must read one.
 */
export function trainerMetricLines(name: string): TrainerMetricLine[] {
  const key = pythonStringLiteral(name);
  const dict = (value: string) => (name === 'epoch' ? `{${key}: ${value}}` : `{${key}: ${value}, 'epoch': 1.0}`);
  return [
    { line: dict('0.4123'), value: 0.4123, printedBy: 'Trainer.log / Trainer.evaluate' },
    { line: `  ${name.padEnd(24)} =     0.4123`, value: 0.4123, printedBy: 'Trainer.log_metrics' },
    { line: dict('np.float64(0.4123)'), value: 0.4123, printedBy: 'Trainer.evaluate with numpy 2' },
    { line: dict('47'), value: 47, printedBy: 'Trainer.log (a whole number)' },
    { line: `[1,0]<stdout>:${dict('0.4123')}`, value: 0.4123, printedBy: 'a rank under mpirun' },
    { line: dict('1.5e-05'), value: 1.5e-5, printedBy: 'Trainer.log (a small value)' },
  ];
}

/** The first this many of `trainerMetricLines` are the common forms (the dict, the metrics block): a definition must read one of them. */
export const TRAINER_COMMON_FORMS = 2;

/**
 * A metric definition that reads `name` from the Trainer's dicts: the quoted key, then the number
 * (numpy's `np.float64(…)` wrapper allowed), signs and exponents included.
 */
export function trainerMetricDefinition(name: string): MetricDefinition {
  const key = pythonStringLiteral(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { Name: name, Regex: `${key}: (?:np\\.float\\d+\\()?([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)` };
}

/** A dict key as Python's repr writes it: single quotes unless the key holds one and no double quote. */
function pythonStringLiteral(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `[N, M]` of the last `| N/M` in the line (tqdm's position and total), or undefined. */
function lastBar(line: string): [number, number] | undefined {
  for (let bar = line.lastIndexOf('|'); bar >= 0; bar = line.lastIndexOf('|', bar - 1)) {
    let i = bar + 1;
    while (line.charCodeAt(i) === 32) i++;
    const n = digits(line, i);
    if (n && line.charCodeAt(n.end) === 47) {
      const m = digits(line, n.end + 1);
      if (m) return [n.value, m.value];
    }
    if (bar === 0) break;
  }
  return undefined;
}

function digits(line: string, i: number): { value: number; end: number } | undefined {
  let value = 0;
  let j = i;
  for (let c = line.charCodeAt(j); c >= 48 && c <= 57; c = line.charCodeAt(++j)) value = value * 10 + (c - 48);
  return j > i ? { value, end: j } : undefined;
}

function observe(list: Array<[number, number]>, t: number, v: number): void {
  const last = list.at(-1);
  if (last && last[1] === v) return;
  list.push([t, v]);
  if (list.length > OBSERVATIONS_KEPT) list.shift();
}

function rate(list: ReadonlyArray<[number, number]>): number | undefined {
  if (list.length < 2) return undefined;
  const [t0, v0] = list[0]!;
  const [t1, v1] = list.at(-1)!;
  if (t1 <= t0 || v1 <= v0) return undefined;
  return (v1 - v0) / ((t1 - t0) / 1000);
}

function hostProgress(h: HostState, now: number): HostProgress {
  const p: HostProgress = { host: h.host };
  if (h.step !== undefined) p.step = h.step;
  if (h.maxSteps !== undefined) p.maxSteps = h.maxSteps;
  if (h.epoch !== undefined) p.epoch = h.epoch;
  if (h.numEpochs !== undefined) p.numEpochs = h.numEpochs;
  if (h.totalBatchSize !== undefined) p.totalBatchSize = h.totalBatchSize;
  if (h.updatedAt !== undefined) p.updatedAt = h.updatedAt;
  const stepsPerSecond = rate(h.stepObservations);
  if (stepsPerSecond !== undefined) {
    p.stepsPerSecond = stepsPerSecond;
    if (h.totalBatchSize !== undefined) p.samplesPerSecond = stepsPerSecond * h.totalBatchSize;
  }
  if (p.samplesPerSecond === undefined && h.reportedSamplesPerSecond !== undefined) p.samplesPerSecond = h.reportedSamplesPerSecond;
  const since = h.updatedAt !== undefined ? Math.max(0, (now - h.updatedAt) / 1000) : 0;
  if (stepsPerSecond !== undefined && h.maxSteps !== undefined && h.step !== undefined) {
    p.etaSeconds = Math.max(0, (h.maxSteps - h.step) / stepsPerSecond - since);
  } else {
    const epochsPerSecond = rate(h.epochObservations);
    if (epochsPerSecond !== undefined && h.numEpochs !== undefined && h.epoch !== undefined) {
      p.etaSeconds = Math.max(0, (h.numEpochs - h.epoch) / epochsPerSecond - since);
    }
  }
  if (h.maxSteps !== undefined && h.step !== undefined && h.step >= h.maxSteps) p.etaSeconds = 0;
  return p;
}

/** A metrics block's value: a number, or a runtime `H:MM:SS.ss` in seconds; `123GF` (FLOs) and words are not curves. */
function blockValue(raw: string): number | undefined {
  const runtime = RUNTIME.exec(raw);
  if (runtime) return Number(runtime[1] ?? 0) * 86400 + Number(runtime[2]) * 3600 + Number(runtime[3]) * 60 + Number(runtime[4]);
  if (raw === 'nan' || raw === '-nan') return NaN;
  const n = Number(raw.replace(/,/g, ''));
  return Number.isNaN(n) || raw === '' ? undefined : n;
}

export function unitOf(name: string): string {
  if (name.endsWith('_per_second')) return 'Count/Second';
  if (name.endsWith('_runtime')) return 'Seconds';
  return 'None';
}

/**
 * A metric definition's Python regular expression as a JavaScript one, or why it cannot be: `(?P<name>…)`
 * and `(?P=name)` are renamed, `\A` `\Z` become anchors, a leading `(?i)`/`(?m)`/`(?s)` becomes a flag.
 * SageMaker searches each line (re.search), so no `g` flag: a match anywhere in the line counts.
 */
export function compileDefinition(d: MetricDefinition): CompiledDefinition | string {
  if (typeof d.Name !== 'string' || d.Name === '') return 'the definition has no Name';
  if (typeof d.Regex !== 'string' || d.Regex === '') return 'the definition has no Regex';
  let source = d.Regex;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    if (inline[1]!.includes('x')) return 'verbose regular expressions ((?x)) are not supported here';
    flags = [...new Set(inline[1]!.split(''))].join('');
    source = source.slice(inline[0].length);
  }
  source = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  try {
    const regex = new RegExp(source, flags);
    if (!/\((?!\?)|\(\?<[A-Za-z_]/.test(source))
      return `the regular expression ${JSON.stringify(d.Regex.slice(0, 80))} has no capture group: SageMaker takes the value from the first group`;
    return { name: d.Name, regex };
  } catch (err) {
    return `the regular expression ${JSON.stringify(d.Regex.slice(0, 80))} is not one this parser can read (${(err as Error).message})`;
  }
}
