/**
 * Python's `json.dumps(v)` (default arguments) over the value a YAML node denotes, byte for byte.
 *
 * The SDK sends every hyperparameter as `json.dumps(value)` (estimator.py `_json_encode_hyperparameters`),
 * so `5e-5` must travel as `5e-05`, `1.0` as `1.0` and `"samsum"` as `"\"samsum\""`. A JavaScript
 * value cannot carry that: `1.0` and `1` are the same number and big ints lose digits. So this
 * works from the `yaml` package's nodes and the source text: YAML 1.2 core schema decides int vs
 * float, the source digits give big ints exactly, and doubles are printed with Python's repr rules.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Scalar, YAMLMap } from 'yaml';
import { flattenedPairs } from '../jobFile/yamlData';
import { TrainingPlanError } from './trainingPlanError';

const INT_TAG = 'tag:yaml.org,2002:int';
const FLOAT_TAG = 'tag:yaml.org,2002:float';

/**
 * `json.dumps` of the value `node` denotes. `source` is the text the node was parsed from;
 * `doc` is needed only to follow aliases (`*anchor`).
 */
export function pythonJsonDumps(node: unknown, source: string, doc?: Document): string {
  return dumpNode(node, source, doc, 0);
}

/**
 * The `HyperParameters` map the SDK sends for the user's hyperparameters: `str(key)` →
 * `json.dumps(value)`, in the file's order. `node` is the value of the `hyperparameters:` key
 * (absent or null gives an empty map).
 *
 * Integer-like keys (`"1"`) come first in a JavaScript object whatever the file's order; the
 * service treats the map as unordered, so only a textual diff with boto3's log would notice.
 */
export function encodeHyperparameters(node: unknown, source: string, doc?: Document): Record<string, string> {
  const target = resolveAlias(node, doc);
  if (target === null || target === undefined || (isScalar(target) && target.value === null)) return {};
  if (!isMap(target)) {
    throw new TrainingPlanError('hyperparameters.notMapping', 'hyperparameters must be a mapping of names to values (name: value lines).', { path: 'hyperparameters' });
  }
  const out: Record<string, string> = {};
  // `<<` merge keys merged as PyYAML merges them, so the request holds what the validator checked.
  for (const pair of flattenedPairs(target, (n) => resolveAlias(n, doc))) {
    const name = pythonStrOfKey(pair.key, source, doc);
    const value = dumpNode(pair.value, source, doc, 1, `hyperparameters.${name}`);
    // A key set twice (merged, then written) keeps its first place and takes the last value, as a dict does.
    Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** What the SDK sends of the job file's own values, encoded from the YAML nodes (see `encodeDocumentValues`). */
export interface EncodedJobFileValues {
  hyperparameters: Record<string, string>;
  /** `json.dumps` of `distribution.smdistributed.modelparallel.parameters`, sent as `mp_parameters`. */
  modelParallelParameters?: string;
  /** `str()` of each value of a `tags:` map, as utils.py `format_tags` sends it. */
  tagValues?: Record<string, string>;
  /** The `tuning:` block's values the SDK sends as `str()`: see `EncodedTuningValues`. */
  tuning?: EncodedTuningValues;
  /**
   * By `rules` index: `str()` of each keyword argument of a profiler rule's `base_config` map
   * (`{CPUBottleneck: {threshold: 60.0}}` → `{threshold: "60.0"}`), as to_profiler_rule_config_dict
   * sends them; undefined for an item without such a map.
   */
  ruleParameterValues?: Array<Record<string, string> | undefined>;
}

/**
 * What HyperparameterTuner sends of a `tuning:` block as Python's `str()` of the value written, which a
 * JavaScript number cannot carry (`1.0` and `1` are one number): each range's `min_value`/`max_value`
 * (parameter.py `to_string`) and each categorical value (`str(v)`, then `json.dumps` of that string),
 * and the values of a `tuning.tags` map.
 */
export interface EncodedTuningValues {
  ranges: Record<string, { min_value?: string; max_value?: string; values?: string[] }>;
  tagValues?: Record<string, string>;
}

/**
 * `hyperparameters` and, when present, `distribution.smdistributed.modelparallel.parameters`,
 * encoded from a document already parsed (the validator's: `validateJobFile(...).document`), so a
 * launch parses the job file once. `source` is the text `doc` was parsed from.
 */
export function encodeDocumentValues(doc: Document, source: string): EncodedJobFileValues {
  const hyperparameters = encodeHyperparameters(nodeAtPath(doc, ['hyperparameters']), source, doc);
  const out: EncodedJobFileValues = { hyperparameters };
  const mp = nodeAtPath(doc, ['distribution', 'smdistributed', 'modelparallel', 'parameters']);
  if (mp !== undefined && mp !== null) out.modelParallelParameters = pythonJsonDumps(mp, source, doc);
  const tags = nodeAtPath(doc, ['tags']);
  if (isMap(tags)) out.tagValues = pythonStrTagValues(tags, source, doc);
  const rules = resolveAlias(nodeAtPath(doc, ['rules']), doc);
  if (isSeq(rules)) {
    const values = rules.items.map((item) => profilerRuleValues(item, source, doc));
    if (values.some((v) => v !== undefined)) out.ruleParameterValues = values;
  }
  const ranges = resolveAlias(nodeAtPath(doc, ['tuning', 'hyperparameter_ranges']), doc);
  if (isMap(ranges)) {
    const tuning: EncodedTuningValues = { ranges: {} };
    for (const pair of flattenedPairs(ranges, (n) => resolveAlias(n, doc))) {
      const range = resolveAlias(pair.value, doc);
      if (!isMap(range)) continue;
      const encoded: EncodedTuningValues['ranges'][string] = {};
      for (const field of flattenedPairs(range, (n) => resolveAlias(n, doc))) {
        const key = pythonStrOfKey(field.key, source, doc);
        const value = resolveAlias(field.value, doc);
        if ((key === 'min_value' || key === 'max_value') && isScalar(value)) encoded[key] = pythonStrOfScalar(value, source, doc);
        if (key === 'values' && isSeq(value)) {
          encoded.values = value.items.map((item) => {
            const v = resolveAlias(item, doc);
            return isScalar(v) ? pythonStrOfScalar(v, source, doc) : pythonJsonDumps(v, source, doc);
          });
        }
      }
      tuning.ranges[pythonStrOfKey(pair.key, source, doc)] = encoded;
    }
    const tuningTags = resolveAlias(nodeAtPath(doc, ['tuning', 'tags']), doc);
    if (isMap(tuningTags)) tuning.tagValues = pythonStrTagValues(tuningTags, source, doc);
    out.tuning = tuning;
  }
  return out;
}

/**
 * For callers holding only the job file text (tests, golden comparisons): parses it the way the
 * job-file reader does (YAML 1.2 core), then `encodeDocumentValues`. A caller that validated the
 * text already encodes the validator's document instead of parsing again.
 */
export function encodeJobFileValues(text: string): EncodedJobFileValues {
  return encodeDocumentValues(parseDocument(text, { uniqueKeys: true, strict: true }), text);
}

/** A rules item's `base_config: {Class: {key: value}}`: `str()` of each scalar value, by key. */
function profilerRuleValues(itemNode: unknown, source: string, doc: Document): Record<string, string> | undefined {
  const item = resolveAlias(itemNode, doc);
  if (!isMap(item)) return undefined;
  const baseConfig = resolveAlias(item.get('base_config', true), doc);
  if (!isMap(baseConfig) || baseConfig.items.length !== 1) return undefined;
  const args = resolveAlias(baseConfig.items[0]!.value, doc);
  if (!isMap(args)) return undefined;
  const out: Record<string, string> = {};
  for (const pair of flattenedPairs(args, (n) => resolveAlias(n, doc))) {
    const node = resolveAlias(pair.value, doc);
    if (isScalar(node)) out[pythonStrOfKey(pair.key, source, doc)] = pythonStrOfScalar(node, source, doc);
  }
  return out;
}

/**
 * utils.py `format_tags` over a `tags:` map: `str(value)`, so `3` is "3", `0.50` is "0.5", `1.0`
 * stays "1.0" and `true` is "True". Non-scalar values are left out (the schema refuses them).
 */
function pythonStrTagValues(tags: YAMLMap, source: string, doc: Document): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of flattenedPairs(tags, (n) => resolveAlias(n, doc))) {
    const key = pythonStrOfKey(pair.key, source, doc);
    const node = resolveAlias(pair.value, doc);
    if (!isScalar(node)) continue;
    out[key] = pythonStrOfScalar(node, source, doc);
  }
  return out;
}

/** Python's `str()` of the value a YAML scalar denotes: `3` "3", `1.0` "1.0", `1e-5` "1e-05", `true` "True". */
function pythonStrOfScalar(node: Scalar, source: string, doc: Document): string {
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  return pythonJsonDumps(node, source, doc)
    .replace(/^(-?)Infinity$/, '$1inf')
    .replace(/^NaN$/, 'nan');
}

/**
 * `json.dumps` of a plain JavaScript value, for values our own code adds (job name, region,
 * instance type, flags, counts). Integral numbers print as Python ints, others as Python floats.
 */
export function pythonJsonDumpsValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return pythonJsonString(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : pythonFloatRepr(v, true);
  if (Array.isArray(v)) return `[${v.map(pythonJsonDumpsValue).join(', ')}]`;
  if (v instanceof Map) {
    return `{${[...v.entries()].map(([k, val]) => `${pythonJsonString(jsonKeyOfValue(k))}: ${pythonJsonDumpsValue(val)}`).join(', ')}}`;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return `{${Object.entries(v)
      .map(([k, val]) => `${pythonJsonString(k)}: ${pythonJsonDumpsValue(val)}`)
      .join(', ')}}`;
  }
  throw new TrainingPlanError('hyperparameters.notJson', `A value of type ${describe(v)} cannot be encoded as JSON.`);
}

/** A string as `json.dumps` writes it with `ensure_ascii=True`. */
export function pythonJsonString(s: string): string {
  let out = '"';
  // UTF-16 code units are exactly what Python escapes (astral characters become surrogate pairs).
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c >= 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip, positional notation for decimal
 * exponents -4..15, otherwise `d.ddde±XX`. With `json`, the non-finite values are spelled as
 * `json.dumps` spells them (`Infinity`, `NaN`) instead of `inf`, `nan`.
 */
export function pythonFloatRepr(x: number, json = false): string {
  if (Number.isNaN(x)) return json ? 'NaN' : 'nan';
  if (x === Infinity) return json ? 'Infinity' : 'inf';
  if (x === -Infinity) return json ? '-Infinity' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // String(x) yields the shortest round-trip digits, ties broken toward x, as Python's repr does;
  // only the layout differs, so take the digits and the exponent and lay them out Python's way.
  const [mantissa, expPart] = String(Math.abs(x)).split('e') as [string, string | undefined];
  const [intPart, fracPart = ''] = mantissa.split('.') as [string, string | undefined];
  let digits = intPart + fracPart;
  let power = (expPart ? Number(expPart) : 0) - fracPart.length; // value = digits × 10^power
  const lead = /^0*/.exec(digits)![0].length;
  digits = digits.slice(lead);
  const trail = /0*$/.exec(digits)![0].length;
  digits = digits.slice(0, digits.length - trail);
  power += trail;
  const exponent = power + digits.length - 1; // scientific exponent of the leading digit
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const e = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  if (power >= 0) return `${sign}${digits}${'0'.repeat(power)}.0`;
  const point = digits.length + power; // digits before the decimal point
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}0.${'0'.repeat(-point)}${digits}`;
}

/** Python's `str()` of a scalar used as a dict key (`str(k)` in `_json_encode_hyperparameters`). */
function pythonStrOfKey(keyNode: unknown, source: string, doc: Document | undefined): string {
  const key = resolveAlias(keyNode, doc);
  if (key === null || key === undefined) return 'None';
  if (!isScalar(key)) {
    throw new TrainingPlanError('hyperparameters.badKey', 'A hyperparameter name must be a plain value (text or number), not a list or mapping.');
  }
  const v = key.value;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') {
    return numberKind(key, source) === 'int' ? exactInt(key, source) : pythonFloatRepr(Number(v));
  }
  throw new TrainingPlanError('hyperparameters.badKey', `A hyperparameter name of type ${describe(v)} cannot be sent; use text.`);
}

function dumpNode(node: unknown, source: string, doc: Document | undefined, depth: number, path?: string): string {
  if (depth > 1000) throw new TrainingPlanError('hyperparameters.notJson', 'The value nests too deeply to be encoded as JSON.', pathContext(path));
  const target = resolveAlias(node, doc);
  if (target === null || target === undefined) return 'null';
  if (isMap(target)) {
    // Merged keys first, then the mapping's own; a key set twice keeps its first place and its last value.
    const members = new Map<string, string>();
    for (const pair of flattenedPairs(target, (n) => resolveAlias(n, doc))) {
      members.set(jsonKeyOfNode(pair.key, source, doc, path), dumpNode(pair.value, source, doc, depth + 1, path));
    }
    return `{${[...members].map(([key, value]) => `${pythonJsonString(key)}: ${value}`).join(', ')}}`;
  }
  if (isSeq(target)) return `[${target.items.map((item) => dumpNode(item, source, doc, depth + 1, path)).join(', ')}]`;
  if (isScalar(target)) return dumpScalar(target, source, path);
  throw new TrainingPlanError('hyperparameters.notJson', 'This YAML value cannot be encoded as JSON.', pathContext(path));
}

function dumpScalar(node: Scalar, source: string, path?: string): string {
  const v = node.value;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return pythonJsonString(v);
  if (typeof v === 'number' || typeof v === 'bigint') {
    return numberKind(node, source) === 'int' ? exactInt(node, source) : pythonFloatRepr(Number(v), true);
  }
  throw new TrainingPlanError('hyperparameters.notJson', `A YAML ${describe(v)} value cannot be sent as a hyperparameter; write it as text.`, pathContext(path));
}

/** The key as `json.dumps` converts dict keys: str as is, int/float as text, True → "true", None → "null". */
function jsonKeyOfNode(keyNode: unknown, source: string, doc: Document | undefined, path?: string): string {
  const key = resolveAlias(keyNode, doc);
  if (key === null || key === undefined) return 'null';
  if (!isScalar(key)) {
    throw new TrainingPlanError('hyperparameters.notJson', 'JSON object keys must be text or numbers, not lists or mappings.', pathContext(path));
  }
  const v = key.value;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') {
    return numberKind(key, source) === 'int' ? exactInt(key, source) : pythonFloatRepr(Number(v), true);
  }
  throw new TrainingPlanError('hyperparameters.notJson', `JSON object keys cannot be ${describe(v)} values.`, pathContext(path));
}

function jsonKeyOfValue(k: unknown): string {
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'bigint') return k.toString();
  if (typeof k === 'number') return Number.isInteger(k) ? BigInt(k).toString() : pythonFloatRepr(k, true);
  throw new TrainingPlanError('hyperparameters.notJson', `JSON object keys cannot be ${describe(k)} values.`);
}

/**
 * int or float as YAML resolved the scalar. An explicit `!!int` / `!!float` tag wins; otherwise
 * the written form decides: a float has a `.`, an exponent or is `.inf`/`.nan` (hex digits may be `e`).
 */
function numberKind(node: Scalar, source: string): 'int' | 'float' {
  if (typeof node.value === 'bigint') return 'int';
  if (node.tag === INT_TAG) return 'int';
  if (node.tag === FLOAT_TAG) return 'float';
  if (node.format === 'HEX' || node.format === 'OCT' || node.format === 'BIN') return 'int';
  if (node.format === 'EXP') return 'float';
  const raw = scalarText(node, source).trim().toLowerCase().replace(/^[-+]/, '');
  if (/^0x/.test(raw)) return 'int';
  if (raw.includes('.') || raw.includes('e') || raw.includes('inf') || raw.includes('nan')) return 'float';
  return Number.isInteger(node.value) ? 'int' : 'float';
}

/**
 * Digits of an int exactly as Python would hold it. Numbers beyond 2^53 have lost digits in the
 * parsed value, so those are read back from the source text (decimal, `0o`, `0x`, and YAML 1.1's
 * `0b` and `_` separators).
 */
function exactInt(node: Scalar, source: string): string {
  const v = node.value;
  if (typeof v === 'bigint') return v.toString();
  const n = Number(v);
  if (Number.isSafeInteger(n)) return BigInt(n).toString();
  const raw = scalarText(node, source).trim().replace(/_/g, '');
  const m = /^([-+]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)$/i.exec(raw);
  if (m) {
    // YAML 1.1's octal is written `0777`, which BigInt would read as decimal.
    const digits = node.format === 'OCT' && /^0[0-7]+$/.test(m[2]!) ? `0o${m[2]!.slice(1)}` : m[2]!;
    const magnitude = BigInt(digits.toLowerCase());
    return (m[1] === '-' ? -magnitude : magnitude).toString();
  }
  return Number.isFinite(n) ? BigInt(Math.trunc(n)).toString() : pythonFloatRepr(n, true);
}

function scalarText(node: Scalar, source: string): string {
  if (node.range) return source.slice(node.range[0], node.range[1]);
  const own = (node as { source?: unknown }).source;
  return typeof own === 'string' ? own : String(node.value);
}

/**
 * The node at `path` of the document, following aliases and merge keys as the validator reads them
 * (a key set twice: the last one), or undefined.
 */
function nodeAtPath(doc: Document, path: readonly string[]): unknown {
  let node: unknown = doc.contents;
  for (const seg of path) {
    const here = resolveAlias(node, doc);
    if (!isMap(here)) return undefined;
    node = undefined;
    for (const pair of flattenedPairs(here, (n) => resolveAlias(n, doc))) {
      const key = resolveAlias(pair.key, doc);
      if (isScalar(key) && String(key.value) === seg) node = pair.value;
    }
  }
  return node;
}

function resolveAlias(node: unknown, doc: Document | undefined): unknown {
  if (!isAlias(node)) return isPair(node) ? node.value : node;
  if (!doc) {
    throw new TrainingPlanError('yaml.unresolvedAlias', `The alias *${node.source} needs its document to be resolved.`);
  }
  const target = node.resolve(doc);
  if (target === undefined) {
    throw new TrainingPlanError('yaml.unresolvedAlias', `The alias *${node.source} refers to no anchor &${node.source} above it.`);
  }
  return target;
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return 'binary';
  if (v instanceof Date) return 'timestamp';
  return v === null ? 'null' : typeof v;
}

function pathContext(path: string | undefined): { path?: string } {
  return path ? { path } : {};
}

/**
 * Python's `str()` of a value parsed from YAML, where no written form is at hand: None, True/False,
 * an int's digits (however large), a float's repr. A number parsed from `1.0` is 1, so callers that
 * have the document prefer the written text (`encodeDocumentValues`).
 */
export function pythonStrOfParsed(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : pythonFloatRepr(v);
  return String(v);
}
