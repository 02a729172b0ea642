import { listInstanceTypes, describeInstanceType } from '../catalog/instanceTypes';
import { listBaseFrameworkVersions, listPyVersions, listTransformersVersions, resolveTrainingImage, canonicalTransformersVersion } from '../catalog/huggingfaceImages';
import type { BaseFramework } from '../catalog/huggingfaceImages';
import { JobDocument } from './jobDocument';
import { JOB_SCHEMA, schemaAt } from './schemaValidation';
import type { JsonSchema } from './schemaValidation';
import type { Position, Range } from './problem';

/**
 * Editor assistance for job files (completion and hover), computed from the text alone so that it
 * is testable in plain node and works on half-typed, unparsable files. It reads the block structure
 * from indentation, which is what a user sees and what the YAML is while it is being typed.
 */

export type CursorContext =
  | { kind: 'key'; parentPath: Array<string | number>; prefix: string; siblings: string[]; replace: Range }
  | { kind: 'value'; keyPath: Array<string | number>; prefix: string; replace: Range };

interface LineInfo {
  indent: number;
  key?: string;
  /** Text after `key:` on the same line, trimmed. */
  rest?: string;
  listItem: boolean;
  /** A list item's column of its `-`. */
  dashIndent?: number;
}

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z0-9_][\w.-]*|"[^"]*"|'[^']*')\s*:(?:\s+(.*)|$)/;
/** A plain key and its colon at the start of a line (what is after it is read without a regular expression). */
const KEY_PREFIX = /^(\s*)(-\s+)?([A-Za-z0-9_][\w.-]*)\s*:/;

/**
 * `text` without a trailing ` # comment`. A scan for the first blank followed by `#`, not
 * `/\s+#.*$/`: that pattern retries its blanks from every blank of a long line, quadratic in it.
 */
function withoutComment(text: string): string {
  const at = text.search(/\s#/);
  return at < 0 ? text : text.slice(0, at);
}

function parseLine(line: string): LineInfo | undefined {
  if (/^\s*(#.*)?$/.test(line)) return undefined;
  const m = KEY_LINE.exec(line);
  const indent = /^\s*/.exec(line)![0].length;
  if (!m) return { indent, listItem: /^\s*-(\s|$)/.test(line), dashIndent: indent };
  const key = m[3]!.replace(/^["']|["']$/g, '');
  return { indent: m[1]!.length + (m[2]?.length ?? 0), key, rest: withoutComment(m[4] ?? '').trim(), listItem: !!m[2], ...(m[2] ? { dashIndent: m[1]!.length } : {}) };
}

/** Lines as the editor counts them: \r\n, \n and a lone \r each end one (as LineIndex does). */
function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * The keys enclosing line `lineNo` at indentation `indent`, outermost first. A list item's mapping
 * (`- rule: …` and the keys under it) adds an index, so that the path reads the schema's `items`
 * (`rules.0.base_config`); which item it is does not matter to the schema, so the index is 0.
 * `inListItem`: the line itself starts a list item (`- key: …`).
 */
function enclosingPath(lines: string[], lineNo: number, indent: number, inListItem = false): Array<string | number> {
  const path: Array<string | number> = [];
  let limit = indent;
  if (inListItem) {
    path.unshift(0);
    const dash = /^(\s*)-/.exec(lines[lineNo] ?? '');
    limit = dash ? dash[1]!.length : indent;
  }
  for (let i = lineNo - 1; i >= 0 && limit > 0; i--) {
    const info = parseLine(lines[i]!);
    if (!info) continue;
    if (info.listItem && info.indent === limit && info.dashIndent !== undefined && info.dashIndent < limit) {
      // The first line of the list item whose mapping this line belongs to.
      path.unshift(0);
      limit = info.dashIndent;
      continue;
    }
    if (info.indent >= limit) continue;
    if (info.key !== undefined && (info.rest === '' || info.rest === undefined)) {
      path.unshift(info.key);
      limit = info.indent;
    } else {
      limit = info.indent;
    }
  }
  return path;
}

function siblingKeys(lines: string[], lineNo: number, indent: number): string[] {
  const keys: string[] = [];
  // Inside a list item, only that item's keys: a line that starts an item ends the scan (upwards after it, downwards before it).
  const startsItem = (i: number) => parseLine(lines[i]!)?.listItem === true;
  if (startsItem(lineNo)) {
    for (let i = lineNo + 1; i < lines.length; i++) {
      const info = parseLine(lines[i]!);
      if (!info) continue;
      if (info.indent < indent || info.listItem) break;
      if (info.indent === indent && info.key !== undefined) keys.push(info.key);
    }
    return keys;
  }
  for (const dir of [-1, 1]) {
    for (let i = lineNo + dir; i >= 0 && i < lines.length; i += dir) {
      const info = parseLine(lines[i]!);
      if (!info) continue;
      if (info.indent < indent) break;
      if (dir === 1 && info.listItem && info.indent === indent) break;
      if (info.indent === indent && info.key !== undefined) keys.push(info.key);
      if (dir === -1 && info.listItem && info.indent === indent) break;
    }
  }
  return keys;
}

/** `key: "prefix` before the cursor: the key, and the value typed so far after an optional opening quote. */
function valueBeforeCursor(before: string): { indent: number; key: string; quote: string; prefix: string } | undefined {
  const m = KEY_PREFIX.exec(before);
  if (!m) return undefined;
  const rest = before.slice(m[0].length);
  const blanks = /^\s*/.exec(rest)![0].length;
  const quote = rest[blanks] === '"' || rest[blanks] === "'" ? rest[blanks]! : '';
  const prefix = rest.slice(blanks + quote.length);
  if (/["'#]/.test(prefix)) return undefined;
  return { indent: m[1]!.length + (m[2]?.length ?? 0), key: m[3]!, quote, prefix };
}

export function cursorContext(text: string, position: Position): CursorContext | undefined {
  const lines = splitLines(text);
  const line = lines[position.line] ?? '';
  const before = line.slice(0, position.character);
  if (/#/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) return undefined; // inside a comment
  const value = valueBeforeCursor(before);
  if (value) {
    const startChar = position.character - value.prefix.length - value.quote.length;
    const after = line.slice(position.character);
    const tail = /^[^\s#]*["']?/.exec(after)![0];
    return {
      kind: 'value',
      keyPath: [...enclosingPath(lines, position.line, value.indent, /^\s*-\s/.test(before)), value.key],
      prefix: value.prefix,
      replace: { start: { line: position.line, character: startChar }, end: { line: position.line, character: position.character + tail.length } },
    };
  }
  const keyMatch = /^(\s*)(-\s+)?([A-Za-z0-9_]*)$/.exec(before);
  if (keyMatch) {
    const indent = keyMatch[1]!.length + (keyMatch[2]?.length ?? 0);
    const prefix = keyMatch[3]!;
    const after = /^[\w.-]*/.exec(line.slice(position.character))![0];
    const replace = { start: { line: position.line, character: position.character - prefix.length }, end: { line: position.line, character: position.character + after.length } };
    if (keyMatch[2] !== undefined) {
      // `- da|` in a list of strings (a channel's instance_groups) is a value, not the first key of a mapping item.
      const itemPath = enclosingPath(lines, position.line, indent, true);
      const items = schemaAt(itemPath);
      if (items?.type === 'string') return { kind: 'value', keyPath: itemPath, prefix, replace };
    }
    return {
      kind: 'key',
      parentPath: enclosingPath(lines, position.line, indent, keyMatch[2] !== undefined),
      prefix,
      siblings: siblingKeys(lines, position.line, indent),
      replace: { start: { line: position.line, character: position.character - prefix.length }, end: { line: position.line, character: position.character + after.length } },
    };
  }
  return undefined;
}

export interface Suggestion {
  label: string;
  /** Text inserted, replacing `replace`. */
  insertText: string;
  /** Snippet syntax (`$1`) in insertText. */
  snippet: boolean;
  kind: 'property' | 'value' | 'enum';
  detail?: string;
  documentation?: string;
  sortText?: string;
  replace: Range;
}

const QUOTED_KEYS = new Set(['transformers_version', 'pytorch_version', 'tensorflow_version']);

/** Completion items at `position`; none, rather than an error, for anything this cannot read. */
export function completionsAt(text: string, position: Position): Suggestion[] {
  try {
    return completionsFor(text, position);
  } catch {
    return []; // the last resort: a file must never break the editor's completion
  }
}

/** completionsAt without its last-resort guard: what it would swallow, this throws (the fuzz test calls it). */
export function completionsFor(text: string, position: Position): Suggestion[] {
  const ctx = cursorContext(text, position);
  if (!ctx) return [];
  if (ctx.kind === 'key') {
    const schema = withProperties(schemaAt(ctx.parentPath));
    const props = schema?.properties ?? {};
    const required = new Set(schema?.required ?? []);
    // instance_type is required unless instance_groups or instance_preferences says where the job runs (a semantic check says "exactly one").
    if (ctx.parentPath.length === 0 && !ctx.siblings.includes('instance_groups') && !ctx.siblings.includes('instance_preferences')) required.add('instance_type');
    return Object.entries(props)
      .filter(([name]) => !ctx.siblings.includes(name))
      .map(([name, s], i) => ({
        label: name,
        insertText: keyInsertText(name, s),
        snippet: true,
        kind: 'property' as const,
        detail: `${typeLabel(s)}${required.has(name) ? ' · required' : ''}${s.default !== undefined ? ` · default ${JSON.stringify(s.default)}` : ''}`,
        documentation: s.markdownDescription ?? s.description,
        sortText: `${required.has(name) ? '0' : '1'}${String(i).padStart(3, '0')}`,
        replace: ctx.replace,
      }));
  }
  return valueSuggestions(text, ctx.keyPath, ctx.replace);
}

/** The schema itself, or, for a value of several shapes (a channel: a URI or a map of options), its alternative that has keys. */
function withProperties(s: JsonSchema | undefined): JsonSchema | undefined {
  if (!s || s.properties) return s;
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    let target: unknown = alt;
    if (alt.$ref) {
      target = JOB_SCHEMA;
      for (const part of alt.$ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
    }
    if ((target as JsonSchema | undefined)?.properties) return target as JsonSchema;
  }
  return s;
}

function keyInsertText(name: string, s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'object') return `${name}:\n  $0`;
  if (t === 'array') return `${name}:\n  - $0`;
  if (QUOTED_KEYS.has(name)) return `${name}: "$0"`;
  return `${name}: $0`;
}

function typeLabel(s: JsonSchema): string {
  if (s.type) return Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  const alts = [...(s.anyOf ?? []), ...(s.oneOf ?? [])].map((a) => (Array.isArray(a.type) ? a.type.join(' | ') : a.type)).filter(Boolean);
  return alts.length ? alts.join(' | ') : 'value';
}

function topLevelStrings(text: string): Record<string, string> {
  try {
    // Read as the validator reads it: aliases and merge keys resolved, never more than a job file needs.
    const data = new JobDocument(text).toJS() as Record<string, unknown> | null | undefined;
    if (!data || typeof data !== 'object') return {};
    return Object.fromEntries(
      Object.entries(data)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
        .map(([k, v]) => [k, String(v)]),
    );
  } catch {
    return {};
  }
}

/** The job's instance groups as written (name, type, count), for a channel's instance_groups. */
function writtenInstanceGroups(text: string): Array<{ name: string; detail: string }> {
  try {
    const data = new JobDocument(text).toJS() as { instance_groups?: unknown } | null | undefined;
    const groups = data && typeof data === 'object' && Array.isArray(data.instance_groups) ? (data.instance_groups as unknown[]) : [];
    return groups.flatMap((g) => {
      if (!g || typeof g !== 'object') return [];
      const { instance_group_name: name, instance_type: type, instance_count: count } = g as Record<string, unknown>;
      return typeof name === 'string' ? [{ name, detail: `${typeof count === 'number' ? `${count} × ` : ''}${typeof type === 'string' ? type : 'instance group'}` }] : [];
    });
  } catch {
    return [];
  }
}

function valueSuggestions(text: string, keyPath: Array<string | number>, replace: Range): Suggestion[] {
  // A channel's instance_groups: the job's own groups, as a list item (`- data`) or as a flow list after the key.
  if (keyPath.length >= 3 && keyPath[0] === 'inputs' && keyPath[2] === 'instance_groups' && (keyPath.length === 3 || (keyPath.length === 4 && keyPath[3] === 0))) {
    const doc = 'Only the hosts of this instance group receive the channel.';
    return writtenInstanceGroups(text).map((g, i) => ({
      label: g.name,
      insertText: keyPath.length === 3 ? `[${g.name}]` : g.name,
      snippet: false,
      kind: 'value' as const,
      detail: g.detail,
      documentation: doc,
      sortText: String(i).padStart(4, '0'),
      replace,
    }));
  }
  // An instance type inside a list (instance_groups, instance_preferences) is offered as the top-level one is.
  const key = keyPath.length > 1 && keyPath.at(-1) === 'instance_type' ? 'instance_type' : keyPath.join('.');
  // Parsing the whole file is only needed where one value depends on another (the versions).
  let parsed: Record<string, string> | undefined;
  const file = (key: string): string | undefined => (parsed ??= topLevelStrings(text))[key];
  const quoted = (v: string) => `"${v}"`;
  const plain = (items: Array<{ label: string; insert?: string; detail?: string; doc?: string }>, kind: Suggestion['kind'] = 'value'): Suggestion[] =>
    items.map((it, i) => ({
      label: it.label,
      insertText: it.insert ?? it.label,
      snippet: false,
      kind,
      ...(it.detail ? { detail: it.detail } : {}),
      ...(it.doc ? { documentation: it.doc } : {}),
      sortText: String(i).padStart(4, '0'),
      replace,
    }));

  switch (key) {
    case 'instance_type':
      return plain(listInstanceTypes().map((t) => ({ label: t.name, detail: describeInstanceType(t.name) ?? '', doc: t.efa ? 'Has EFA: suited to multi-node training.' : '' })));
    case 'transformers_version':
      return plain(
        listTransformersVersions()
          .slice()
          .reverse()
          .map((v) => ({ label: v, insert: quoted(v), detail: baseSummary(v) })),
      );
    case 'pytorch_version':
    case 'tensorflow_version': {
      const framework: BaseFramework = key === 'pytorch_version' ? 'pytorch' : 'tensorflow';
      const tf = canonicalTransformersVersion(file('transformers_version') ?? '');
      const versions = tf ? listBaseFrameworkVersions(tf, framework) : [];
      return plain(versions.map((v) => ({ label: v, insert: quoted(v), detail: `${framework === 'pytorch' ? 'PyTorch' : 'TensorFlow'} ${v} with transformers ${tf}` })));
    }
    case 'py_version': {
      const tf = canonicalTransformersVersion(file('transformers_version') ?? '');
      const framework: BaseFramework = file('tensorflow_version') ? 'tensorflow' : 'pytorch';
      const base = file(`${framework}_version`);
      const versions = tf && base ? listPyVersions(tf, framework, base) : ['py312', 'py311', 'py310', 'py39', 'py38'];
      return plain(versions.map((v) => ({ label: v })));
    }
    default: {
      const s = schemaAt(keyPath);
      if (!s) return [];
      if (s.enum)
        return plain(
          s.enum.map((v, i) => ({ label: String(v), ...(s.enumDescriptions?.[i] ? { doc: s.enumDescriptions[i] } : {}) })),
          'enum',
        );
      const t = Array.isArray(s.type) ? s.type : [s.type];
      if (t.includes('boolean')) return plain([{ label: 'true' }, { label: 'false' }], 'enum');
      if (s.examples?.length) return plain(s.examples.filter((e) => typeof e !== 'object').map((e) => ({ label: String(e) })));
      return [];
    }
  }
}

function baseSummary(transformersVersion: string): string {
  const parts: string[] = [];
  for (const framework of ['pytorch', 'tensorflow'] as const) {
    const vs = listBaseFrameworkVersions(transformersVersion, framework);
    if (vs.length) parts.push(`${framework === 'pytorch' ? 'PyTorch' : 'TensorFlow'} ${vs.join(', ')}`);
  }
  return parts.join(' · ');
}

export interface HoverInfo {
  markdown: string;
  range: Range;
}

/** Documentation for the key under the cursor, plus what its value means (hardware, image) where that helps. */
export function hoverAt(text: string, position: Position): HoverInfo | undefined {
  try {
    return hoverFor(text, position);
  } catch {
    return undefined; // the last resort: a file must never break the editor's hover
  }
}

/** hoverAt without its last-resort guard: what it would swallow, this throws (the fuzz test calls it). */
export function hoverFor(text: string, position: Position): HoverInfo | undefined {
  const lines = splitLines(text);
  const line = lines[position.line] ?? '';
  const m = KEY_LINE.exec(line);
  if (!m) return undefined;
  const indent = m[1]!.length + (m[2]?.length ?? 0);
  const keyStart = indent;
  const keyEnd = keyStart + m[3]!.length;
  const key = m[3]!.replace(/^["']|["']$/g, '');
  const path = [...enclosingPath(lines, position.line, indent, m[2] !== undefined), key];
  const onKey = position.character >= keyStart && position.character <= keyEnd;
  const value = withoutComment(m[4] ?? '')
    .replace(/^["']|["']$/g, '')
    .trim();
  const valueStart = m[4] !== undefined ? line.indexOf(m[4], keyEnd) : -1;
  const onValue = valueStart >= 0 && position.character >= valueStart;
  if (!onKey && !onValue) return undefined;
  const schema = schemaAt(path, JOB_SCHEMA);
  const parts: string[] = [];
  if (onKey) {
    if (!schema) return undefined;
    const shown = path
      .map((seg) => (typeof seg === 'number' ? '[]' : seg))
      .join('.')
      .replace(/\.\[\]/g, '[]');
    parts.push(`**${shown}** — ${typeLabel(schema)}`);
    parts.push(schema.markdownDescription ?? schema.description ?? '');
    if (schema.default !== undefined) parts.push(`Default: \`${JSON.stringify(schema.default)}\``);
  } else {
    const extra = valueHover(text, path.length > 1 && path.at(-1) === 'instance_type' ? 'instance_type' : path.join('.'), value);
    if (!extra) return undefined;
    parts.push(extra);
  }
  const start = onKey ? keyStart : valueStart;
  const end = onKey ? keyEnd : line.length;
  return { markdown: parts.filter(Boolean).join('\n\n'), range: { start: { line: position.line, character: start }, end: { line: position.line, character: end } } };
}

function valueHover(text: string, key: string, value: string): string | undefined {
  if (key === 'instance_type') {
    const d = describeInstanceType(value);
    return d ? `**${value}**: ${d}` : undefined;
  }
  if (['transformers_version', 'pytorch_version', 'tensorflow_version', 'py_version', 'region'].includes(key)) {
    const f = topLevelStrings(text);
    if (!f['transformers_version']) return undefined;
    const r = resolveTrainingImage(
      {
        transformersVersion: f['transformers_version'],
        ...(f['pytorch_version'] ? { pytorchVersion: f['pytorch_version'] } : {}),
        ...(f['tensorflow_version'] ? { tensorflowVersion: f['tensorflow_version'] } : {}),
        ...(f['py_version'] ? { pyVersion: f['py_version'] } : {}),
      },
      f['region'] ?? 'us-east-1',
    );
    return r.ok ? `Training image:\n\n\`${r.uri}\`` : r.message;
  }
  return undefined;
}
