import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq } from 'yaml';
import jobSchema from '../../../schemas/sagemaker-job.schema.json';
import { closestMatch } from './didYouMean';
import { replaceScalar } from './quickFixes';
import { validate as generatedValidate } from './generated/jobSchemaValidator';
import type { JobDocument, JsonPath } from './jobDocument';
import { excerpt } from '../excerpt';
import type { Problem } from './problem';

/** The one JSON schema of the job file, shared by the validator, the CLI, completion and hover. */
export const JOB_SCHEMA: JsonSchema = jobSchema as unknown as JsonSchema;

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  enumDescriptions?: string[];
  examples?: unknown[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  [key: string]: unknown;
}

/**
 * The schema precompiled at build time by scripts/generateValidator.mjs (ajv's standalone code, with
 * allErrors and verbose): no schema compilation at run time to hold up each process's first validation.
 */
const validator = (): ValidateFunction => generatedValidate as ValidateFunction;

/** Runs the schema over the document and turns ajv's errors into problems at the exact keys and values. */
export function schemaProblems(doc: JobDocument, data: unknown, skip: (path: JsonPath, keyword: string) => boolean): Problem[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = pruneAlternatives(validate.errors ?? []);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const p = toProblem(e, doc);
    if (!p || skip(pointerToPath(e.instancePath, doc), e.keyword)) continue;
    const key = `${p.path}|${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  return problems;
}

/** `/distribution/smdistributed/0` → ['distribution', 'smdistributed', 0], numbers only where the YAML has a list. */
export function pointerToPath(pointer: string, doc: JobDocument): JsonPath {
  if (!pointer) return [];
  const path: Array<string | number> = [];
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path.push(isSeq(doc.nodeAt(path)) && /^\d+$/.test(seg) ? Number(seg) : seg);
  }
  return path;
}

/**
 * ajv reports every failed branch of an anyOf/oneOf. Users only care about the branch that matches
 * the shape they wrote (a map for a map, a string for a string): the errors inside the value come
 * from that branch, and the "wrong type" errors at the value itself come from the others. When
 * nothing inside the value is wrong, one summary error for the alternative remains.
 */
function pruneAlternatives(errors: ErrorObject[]): ErrorObject[] {
  // Errors by the value they are about, and those values' paths sorted, so that the errors at or
  // below a path are one contiguous run: linear in the errors, where comparing every alternative
  // with every error took a minute for a file with 16,000 wrong input channels.
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath);
    if (list) list.push(e);
    else byPath.set(e.instancePath, [e]);
  }
  const paths = [...byPath.keys()].sort();
  const atOrBelow = (at: string): ErrorObject[] => {
    const found = [...(byPath.get(at) ?? [])];
    const prefix = `${at}/`;
    for (let i = lowerBound(paths, prefix); i < paths.length && paths[i]!.startsWith(prefix); i++) {
      for (const e of byPath.get(paths[i]!)!) found.push(e);
    }
    return found;
  };
  const removed = new Set<ErrorObject>();
  for (const alt of errors) {
    if ((alt.keyword !== 'anyOf' && alt.keyword !== 'oneOf') || removed.has(alt)) continue;
    const at = alt.instancePath;
    const isShapeError = (e: ErrorObject) => e.instancePath === at && (e.keyword === 'type' || e.keyword === 'anyOf' || e.keyword === 'oneOf');
    const related = atOrBelow(at).filter((e) => e !== alt && !removed.has(e));
    if (related.some((e) => !isShapeError(e))) removed.add(alt);
    for (const e of related) if (isShapeError(e)) removed.add(e);
  }
  return removed.size === 0 ? errors : errors.filter((e) => !removed.has(e));
}

/** The first index of the sorted `items` whose item is not before `value`. */
function lowerBound(items: readonly string[], value: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Estimator keyword arguments of SDK v2.257.6 a job file cannot use, each with why (the schema's `x-unsupportedArguments`). */
export const UNSUPPORTED_ARGUMENTS: Readonly<Record<string, string>> = Object.freeze({
  ...((jobSchema as { 'x-unsupportedArguments'?: Record<string, string> })['x-unsupportedArguments'] ?? {}),
});

function toProblem(e: ErrorObject, doc: JobDocument): Problem | undefined {
  const path = pointerToPath(e.instancePath, doc);
  const name = displayName(path);
  const parent = e.parentSchema as JsonSchema | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      // An estimator argument (or an SDK object's keyword argument, `profiler_config.profile_params`) refused by name.
      const dotted = [...path.map(String), key].join('.');
      // A channel's options are TrainingInput's, whatever the channel is called (`inputs.<name>.…` in the list).
      const channel = path.length === 2 && path[0] === 'inputs';
      const listed = channel ? `inputs.<name>.${key}` : dotted;
      const unsupported =
        path.every((p) => typeof p === 'string') && Object.prototype.hasOwnProperty.call(UNSUPPORTED_ARGUMENTS, listed) ? UNSUPPORTED_ARGUMENTS[listed] : undefined;
      if (unsupported !== undefined) {
        const what =
          path.length === 0
            ? 'a HuggingFace estimator argument'
            : channel
              ? "a keyword argument of the SDK's TrainingInput (a channel's options)"
              : `a keyword argument of the SDK's ${path[path.length - 1]} object`;
        return doc.problem('error', 'schema.unsupportedArgument', [...path, key], `\`${dotted}\` is ${what} this extension does not send: ${unsupported}`, 'key');
      }
      const known = Object.keys(parent?.properties ?? {});
      const guess = closestMatch(key, known);
      const where = path.length ? ` in \`${name}\`` : '';
      const hint = guess ? ` Did you mean \`${guess}\`?` : known.length && known.length <= 8 ? ` Expected one of: ${known.join(', ')}.` : '';
      const fixes = guess ? replaceScalar(doc.writtenScalar([...path, key], 'key'), guess, `Change to ${guess}`) : [];
      return doc.problem('error', 'schema.unknownKey', [...path, key], `Unknown key \`${excerpt(key)}\`${where}.${hint}`, 'key', fixes);
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const sub = parent?.properties?.[missing];
      const about = sub?.description ? ` ${firstSentence(sub.description)}` : '';
      const where = path.length ? ` in \`${name}\`` : '';
      const p = doc.problem('error', 'schema.required', [...path, missing], `Missing required key \`${missing}\`${where}.${about}`, 'key');
      return p;
    }
    case 'type': {
      const expected = String((e.params as { type: string }).type).replace(/,/g, ' or ');
      if (expected === 'boolean' && typeof e.data === 'string' && /^(yes|no|on|off|y|n|true|false)$/i.test(e.data)) {
        return doc.problem('error', 'schema.type', path, `\`${name}\` must be true or false. YAML 1.2 reads ${JSON.stringify(e.data)} as a string, not a boolean.`);
      }
      return doc.problem('error', 'schema.type', path, `\`${name}\` must be ${article(expected)}, not ${describeNode(doc, path)}.`);
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const values = (e.params as { allowedValues: unknown[] }).allowedValues ?? [];
      const guess = closestMatch(String(e.data), allowed);
      // The likely meant value alone; without one, each allowed value when there are a few.
      const offered = guess !== undefined ? [values[allowed.indexOf(guess)]] : allowed.length <= 8 ? values : [];
      const written = doc.writtenScalar(path);
      const fixes = offered.flatMap((v) => (typeof v === 'string' || typeof v === 'number' ? replaceScalar(written, v, `Change to ${String(v)}`) : []));
      return doc.problem('error', 'schema.enum', path, `\`${name}\` must be one of ${allowed.join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}.`, 'value', fixes);
    }
    case 'const':
      return doc.problem('error', 'schema.const', path, `\`${name}\` must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}.`);
    case 'pattern': {
      const example = parent?.examples?.[0];
      return doc.problem(
        'error',
        'schema.pattern',
        path,
        `\`${name}\` has an invalid value ${excerpt(JSON.stringify(e.data) ?? String(e.data))}${example !== undefined ? `; for example \`${String(example)}\`` : ''}.`,
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      const limit = (e.params as { limit: number }).limit;
      return doc.problem('error', 'schema.range', path, `\`${name}\` must be ${op} ${limit} (got ${String(e.data)}).`);
    }
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return doc.problem('error', 'schema.size', path, `\`${name}\` ${e.message ?? 'has the wrong size'}.`);
    case 'anyOf':
    case 'oneOf': {
      const kinds = ((parent?.[e.keyword] as JsonSchema[] | undefined) ?? []).map(describeSchema).filter(Boolean);
      return doc.problem('error', 'schema.shape', path, `\`${name}\` must be ${kinds.length ? kinds.join(' or ') : 'of another shape'}, not ${describeNode(doc, path)}.`);
    }
    case 'if':
    case 'then':
    case 'else':
    case 'not':
      return undefined;
    default:
      return doc.problem('error', `schema.${e.keyword}`, path, `\`${name || 'file'}\` ${e.message ?? 'is invalid'}.`);
  }
}

function displayName(path: JsonPath): string {
  return excerpt(path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')) || 'the job file';
}

function describeNode(doc: JobDocument, path: JsonPath): string {
  const node = doc.nodeAt(path);
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'an empty value';
    if (typeof v === 'string') return `the string ${excerpt(JSON.stringify(v))}`;
    return `${typeof v === 'number' ? 'the number' : 'the boolean'} ${excerpt(doc.sourceOf(node) ?? String(v))}`;
  }
  return 'nothing';
}

function describeSchema(s: JsonSchema): string {
  if (s.description && s.description.length < 60) return s.description;
  const t = Array.isArray(s.type) ? s.type.join(' or ') : s.type;
  if (t === 'object') return 'a map';
  if (t === 'array') return 'a list';
  return t ? article(t) : '';
}

function article(type: string): string {
  if (type === 'object') return 'a map';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Abbreviations whose full stop does not end a sentence ("e.g. ml.p3.2xlarge" goes on). */
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|etc|cf|vs|approx|incl|resp)\.$/i;

/** The first sentence of a description: up to the first `.`, `!` or `?` followed by a space or the end, not counting abbreviations. */
export function firstSentence(text: string): string {
  const end = /[.!?](?=\s|$)/g;
  let m: RegExpExecArray | null;
  while ((m = end.exec(text)) !== null) {
    const upTo = text.slice(0, m.index + 1);
    if (m[0] === '.' && ABBREVIATION.test(upTo)) continue;
    return upTo.replace(/\s+/g, ' ').trim();
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** The schema for the value at `path`, following properties, items and additionalProperties. */
export function schemaAt(path: JsonPath, root: JsonSchema = JOB_SCHEMA): JsonSchema | undefined {
  let s: JsonSchema | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    s = resolveRef(s, root);
    const candidates: JsonSchema[] = [s, ...(s.anyOf ?? []), ...(s.oneOf ?? [])].map((c) => resolveRef(c, root));
    let next: JsonSchema | undefined;
    for (const c of candidates) {
      if (typeof seg === 'number' && c.items) next = c.items;
      else if (typeof seg === 'string' && c.properties?.[seg]) next = c.properties[seg];
      else if (typeof seg === 'string' && typeof c.additionalProperties === 'object') next = c.additionalProperties;
      if (next) break;
    }
    s = next;
  }
  return s ? resolveRef(s, root) : undefined;
}

function resolveRef(s: JsonSchema, root: JsonSchema): JsonSchema {
  let cur = s;
  for (let i = 0; i < 8 && cur.$ref; i++) {
    const parts = cur.$ref.replace(/^#\//, '').split('/');
    let target: unknown = root;
    for (const p of parts) target = (target as Record<string, unknown>)?.[p];
    if (!target) break;
    cur = { ...(target as JsonSchema), ...Object.fromEntries(Object.entries(cur).filter(([k]) => k !== '$ref')) };
  }
  return cur;
}
