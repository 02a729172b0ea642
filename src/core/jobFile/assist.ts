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
  | {
      kind: 'key';
      parentPath: Array<string | number>;
      prefix: string;
      siblings: string[];
      replace: Range;
      /** Inside a one-line flow mapping (`{a: 1, |}`): a key is inserted as `key: `, never as a block. */
      flow?: boolean;
    }
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

/** Where a one-line flow mapping starts on a line: after `key:` or after a list item's `- `. */
function flowStart(line: string): { indent: number; key?: string; listItem: boolean; open: number } | undefined {
  const m = KEY_PREFIX.exec(line);
  if (m) {
    const open = m[0].length + /^\s*/.exec(line.slice(m[0].length))![0].length;
    return line[open] === '{' ? { indent: m[1]!.length + (m[2]?.length ?? 0), key: m[3]!, listItem: m[2] !== undefined, open } : undefined;
  }
  const item = /^(\s*)-\s+\{/.exec(line);
  return item ? { indent: item[0].length - 1, listItem: true, open: item[0].length - 1 } : undefined;
}

/** The cursor inside a one-line flow mapping: the keys of the maps it is nested in, and what is being typed. */
interface FlowSpot {
  /** Keys of the flow maps enclosing the cursor, outermost first (empty: the line's own map). */
  nested: string[];
  kind: 'key' | 'value';
  /** The key whose value is being typed (kind value). */
  key?: string;
  /** What is typed between the last `{`, `,` or `: ` and the cursor, leading blanks and an opening quote left out. */
  prefix: string;
  quote: string;
  /** The keys of the cursor's map, before and after it. */
  siblings: string[];
}

/**
 * Reads `{type: continuous, min_value: 0.1, ma|` as YAML's flow style does (quotes, nested `{…}` and
 * `[…]`), up to the cursor and then to the end of the cursor's map for its other keys. Undefined where
 * the cursor is not inside the map, inside a `[…]` or a comment, or the text is not a flow mapping.
 */
function flowSpot(line: string, open: number, cursor: number): FlowSpot | undefined {
  type Frame = { key: string | undefined; keys: string[]; phase: 'key' | 'value'; pending: string | undefined; tokenStart: number };
  const stack: Frame[] = [];
  type Spot = { frame: Frame; nested: string[]; token: string; tokenStart: number; phase: Frame['phase']; pending: string | undefined };
  let spot: Spot | undefined;
  // What the cursor's map was at the cursor: the scan goes on to the map's end for its other keys.
  const take = (top: Frame): void => {
    spot = { frame: top, nested: stack.slice(1).map((f) => f.key!), token: line.slice(top.tokenStart, cursor), tokenStart: top.tokenStart, phase: top.phase, pending: top.pending };
  };
  for (let i = open; i <= line.length; i++) {
    const top = stack.at(-1);
    if (i === cursor && !spot) {
      if (!top) return undefined;
      take(top);
    }
    if (i === line.length) break;
    const c = line[i]!;
    if (c === '"' || c === "'") {
      const close = line.indexOf(c, i + 1);
      if (close < 0 || (cursor > i && cursor <= close && !spot)) {
        // The cursor is inside this quoted text: what is typed is the text up to it.
        if (!top || cursor <= i) return undefined;
        take(top);
        if (close < 0) break;
      }
      i = close;
      continue;
    }
    if (c === '#' && /\s/.test(line[i - 1] ?? '')) {
      if (!spot) return undefined;
      break;
    }
    if (c === '{') {
      if (stack.length === 0) stack.push({ key: undefined, keys: [], phase: 'key', pending: undefined, tokenStart: i + 1 });
      else if (top?.phase === 'value' && top.pending !== undefined) stack.push({ key: top.pending, keys: [], phase: 'key', pending: undefined, tokenStart: i + 1 });
      else if (!spot) return undefined;
      else break;
      continue;
    }
    if (c === '}') {
      const closed = stack.pop();
      if (spot && closed === spot.frame) break;
      if (stack.length === 0) {
        if (!spot) return undefined; // the cursor is after the map
        break;
      }
      continue;
    }
    if (c === '[') {
      // Skip a flow sequence, quotes and nesting included; the cursor inside one is not handled here.
      let depth = 0;
      let j = i;
      for (; j < line.length; j++) {
        const d = line[j]!;
        if (d === '"' || d === "'") {
          const q = line.indexOf(d, j + 1);
          if (q < 0) break;
          j = q;
        } else if (d === '[') depth++;
        else if (d === ']' && --depth === 0) break;
      }
      if (!spot && cursor > i && cursor <= j) return undefined;
      if (j >= line.length) break;
      i = j;
      continue;
    }
    if (!top) continue;
    if (c === ',') {
      top.phase = 'key';
      top.pending = undefined;
      top.tokenStart = i + 1;
      continue;
    }
    if (c === ':' && top.phase === 'key' && /[\s,{}]|^$/.test(line[i + 1] ?? '')) {
      const key = line
        .slice(top.tokenStart, i)
        .trim()
        .replace(/^["']|["']$/g, '');
      top.pending = key;
      top.phase = 'value';
      // The key the cursor is in (`ma|x: 1`) is the one being replaced, not a sibling.
      const typing = spot !== undefined && spot.frame === top && spot.tokenStart === top.tokenStart;
      if (!typing && !top.keys.includes(key)) top.keys.push(key);
      top.tokenStart = i + 1;
    }
  }
  if (!spot) return undefined;
  const { frame, nested, token, phase, pending } = spot as Spot;
  const typed = token.replace(/^\s+/, '');
  if (phase === 'key' || pending === undefined) {
    if (!/^[A-Za-z0-9_]*$/.test(typed)) return undefined;
    return { nested, kind: 'key', prefix: typed, quote: '', siblings: frame.keys };
  }
  // The map's keys were gathered to its end; the one being given a value is not offered again anyway.
  const quote = typed[0] === '"' || typed[0] === "'" ? typed[0] : '';
  const prefix = typed.slice(quote.length);
  if (/[,{}[\]"']/.test(prefix)) return undefined;
  return { nested, kind: 'value', key: pending, prefix, quote, siblings: frame.keys };
}

export function cursorContext(text: string, position: Position): CursorContext | undefined {
  const lines = splitLines(text);
  const line = lines[position.line] ?? '';
  const before = line.slice(0, position.character);
  const flow = flowStart(line);
  if (flow && position.character > flow.open) {
    const spot = flowSpot(line, flow.open, position.character);
    if (!spot) return undefined;
    const base = [...enclosingPath(lines, position.line, flow.indent, flow.listItem), ...(flow.key !== undefined ? [flow.key] : []), ...spot.nested];
    const startChar = position.character - spot.prefix.length - spot.quote.length;
    if (spot.kind === 'key') {
      const after = /^[\w.-]*/.exec(line.slice(position.character))![0];
      return {
        kind: 'key',
        parentPath: base,
        prefix: spot.prefix,
        siblings: spot.siblings,
        replace: { start: { line: position.line, character: startChar }, end: { line: position.line, character: position.character + after.length } },
        flow: true,
      };
    }
    const tail = /^[^\s,{}[\]#]*["']?/.exec(line.slice(position.character))![0];
    return {
      kind: 'value',
      keyPath: [...base, spot.key!],
      prefix: spot.prefix,
      replace: { start: { line: position.line, character: startChar }, end: { line: position.line, character: position.character + tail.length } },
    };
  }
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
    const schema = schemaAt(ctx.parentPath);
    // A value of several shapes offers the keys of its map shapes: a rule's base_config (a name, or a map of a
    // profiler class to its arguments), a channel (a URI, or a map of TrainingInput's options).
    const shapes = [...mapShapes(schema), ...(schema?.properties ? [schema] : [])];
    const props = Object.assign({}, ...shapes.map((alt) => alt.properties ?? {})) as Record<string, JsonSchema>;
    const required = new Set(schema?.properties ? (schema.required ?? []) : shapes.length === 1 ? (shapes[0]!.required ?? []) : []);
    // instance_type is required unless instance_groups or instance_preferences says where the job runs (a semantic check says "exactly one").
    if (ctx.parentPath.length === 0 && !ctx.siblings.includes('instance_groups') && !ctx.siblings.includes('instance_preferences')) required.add('instance_type');
    return Object.entries(props)
      .filter(([name]) => !ctx.siblings.includes(name))
      .map(([name, s], i) => ({
        label: name,
        insertText: ctx.flow ? `${name}: $0` : keyInsertText(name, s),
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
function mapShapes(s: JsonSchema | undefined): JsonSchema[] {
  const shapes: JsonSchema[] = [];
  for (const alt of [...(s?.anyOf ?? []), ...(s?.oneOf ?? [])]) {
    let target: unknown = alt;
    if (alt.$ref) {
      target = JOB_SCHEMA;
      for (const part of alt.$ref.replace(/^#\//, '').split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
    }
    if ((target as JsonSchema | undefined)?.properties) shapes.push(target as JsonSchema);
  }
  return shapes;
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
      // The enum of the value or of one of its shapes (base_config: a name, or a map).
      const withEnum = [s, ...(s.anyOf ?? []), ...(s.oneOf ?? [])].find((alt) => alt.enum);
      if (withEnum?.enum)
        return plain(
          withEnum.enum.map((v, i) => ({ label: String(v), ...(withEnum.enumDescriptions?.[i] ? { doc: withEnum.enumDescriptions[i] } : {}) })),
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
  const flow = flowStart(line);
  if (flow && position.character > flow.open) return flowHover(text, lines, position, flow);
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
    parts.push(keyHoverText(path, schema));
  } else {
    const extra = valueHover(text, path.length > 1 && path.at(-1) === 'instance_type' ? 'instance_type' : path.join('.'), value);
    if (!extra) return undefined;
    parts.push(extra);
  }
  const start = onKey ? keyStart : valueStart;
  const end = onKey ? keyEnd : line.length;
  return { markdown: parts.filter(Boolean).join('\n\n'), range: { start: { line: position.line, character: start }, end: { line: position.line, character: end } } };
}

/** Hover inside a one-line flow mapping: a key's documentation, or what an instance type or version value means. */
function flowHover(text: string, lines: string[], position: Position, flow: NonNullable<ReturnType<typeof flowStart>>): HoverInfo | undefined {
  const line = lines[position.line]!;
  let start = position.character;
  let end = position.character;
  while (start > flow.open && /[\w.-]/.test(line[start - 1]!)) start--;
  while (end < line.length && /[\w.-]/.test(line[end]!)) end++;
  if (start === end) return undefined;
  const word = line.slice(start, end);
  const spot = flowSpot(line, flow.open, start);
  if (!spot) return undefined;
  const base = [...enclosingPath(lines, position.line, flow.indent, flow.listItem), ...(flow.key !== undefined ? [flow.key] : []), ...spot.nested];
  const range = { start: { line: position.line, character: start }, end: { line: position.line, character: end } };
  if (spot.kind === 'key') {
    if (!/^\s*:/.test(line.slice(end))) return undefined;
    const path = [...base, word];
    const schema = schemaAt(path, JOB_SCHEMA);
    if (!schema) return undefined;
    return { markdown: keyHoverText(path, schema), range };
  }
  const key = spot.key!;
  const extra = valueHover(text, key === 'instance_type' ? 'instance_type' : [...base, key].join('.'), word);
  return extra ? { markdown: extra, range } : undefined;
}

function keyHoverText(path: Array<string | number>, schema: JsonSchema): string {
  const shown = path
    .map((seg) => (typeof seg === 'number' ? '[]' : seg))
    .join('.')
    .replace(/\.\[\]/g, '[]');
  const parts = [`**${shown}** — ${typeLabel(schema)}`, schema.markdownDescription ?? schema.description ?? ''];
  if (schema.default !== undefined) parts.push(`Default: \`${JSON.stringify(schema.default)}\``);
  return parts.filter(Boolean).join('\n\n');
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
