import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { excerpt } from '../excerpt';
import { formatPath, LineIndex } from './problem';
import type { Problem, ProblemFix, Range } from './problem';
import { flattenedPairs, isMergeKey, readDocumentData, scalarKeyText } from './yamlData';
import type { DocumentData } from './yamlData';

/** yaml reports running out of stack (a file nesting thousands of levels) by the JavaScript error's message. */
const TOO_DEEP = 'The file nests too deeply to be read (thousands of levels of lists or mappings); a job file needs a few.';

export type JsonPath = ReadonlyArray<string | number>;

/** A scalar as written in the text: `"1.10"`, `1.10`, `'x'`. */
export interface WrittenScalar {
  source: string;
  range: Range;
}

/**
 * A parsed job file that remembers where every key and value stands in the text, so each problem
 * can point at the exact characters it is about.
 */
export class JobDocument {
  readonly lines: LineIndex;
  readonly doc: Document.Parsed;
  readonly syntaxProblems: Problem[];

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
    // YAML 1.2 core schema: `yes` stays a string and `1.10` is a float, as most YAML tools read it today.
    // Duplicate keys are found by duplicateKeyProblems below, not by yaml's `uniqueKeys`, which compares
    // each key with every key before it in its map: quadratic in the hyperparameters (bench/validation.ts).
    this.doc = parseWithoutStackTraces(text);
    this.syntaxProblems = [
      ...this.doc.errors.map((e) => ({
        severity: 'error' as const,
        code: `yaml.${e.code}`,
        message: e.code === 'RESOURCE_EXHAUSTION' ? TOO_DEEP : excerpt(firstLine(e.message), 300),
        path: '',
        range: this.lines.rangeOf(e.pos[0], e.pos[1]),
      })),
      ...duplicateKeyProblems(this.doc.contents, this.lines),
      ...this.doc.warnings.map((e) => ({
        severity: 'warning' as const,
        code: `yaml.${e.code}`,
        message: excerpt(firstLine(e.message), 300),
        path: '',
        range: this.lines.rangeOf(e.pos[0], e.pos[1]),
      })),
    ];
  }

  get root(): YAMLMap | undefined {
    return isMap(this.doc.contents) ? this.doc.contents : undefined;
  }

  private dataRead: DocumentData | undefined;

  /** The document's plain value with its aliases and merge keys resolved, and what stood in the way (yamlData.ts). */
  get data(): DocumentData {
    this.dataRead ??= readDocumentData(this.doc, this.text, this.lines);
    return this.dataRead;
  }

  /**
   * The plain JavaScript value of the document (numbers lose the int/float distinction: see
   * training/pythonJson); undefined when `data.problems` say why it cannot be read.
   */
  toJS(): unknown {
    return this.data.value;
  }

  /** Each mapping's members by key, merged keys included (the last one written wins, as in the value). */
  private readonly members = new WeakMap<YAMLMap, Map<string, Pair>>();

  private membersOf(map: YAMLMap): Map<string, Pair> {
    let members = this.members.get(map);
    if (!members) {
      members = new Map();
      for (const pair of flattenedPairs(map, (n) => this.data.resolve(n))) {
        const key = scalarKeyText(this.data.resolve(pair.key));
        if (key !== undefined) members.set(key, pair);
      }
      this.members.set(map, members);
    }
    return members;
  }

  /** The pair whose value is at `path` (for map members), or undefined for list items and the root. */
  pairAt(path: JsonPath): Pair | undefined {
    if (path.length === 0) return undefined;
    const parent = this.nodeAt(path.slice(0, -1));
    if (!isMap(parent)) return undefined;
    return this.membersOf(parent).get(String(path[path.length - 1]));
  }

  /** The node whose value is at `path`, through aliases (an alias gives the node it repeats) and merge keys. */
  nodeAt(path: JsonPath): Node | undefined {
    const node = this.writtenNodeAt(path);
    return ((isAlias(node) ? this.data.resolve(node) : node) as Node | undefined) ?? undefined;
  }

  /** The node written at `path`: an alias stays itself, so that ranges point at `*name` where it is used. */
  private writtenNodeAt(path: JsonPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      const here = isAlias(node) ? this.data.resolve(node) : node;
      if (isMap(here)) {
        node = this.membersOf(here).get(String(seg))?.value ?? undefined;
      } else if (isSeq(here) && typeof seg === 'number') {
        node = here.items[seg];
      } else {
        return undefined;
      }
    }
    return (node as Node | null) ?? undefined;
  }

  /** Range of the key naming `path` (the last segment); for list items, the item itself. */
  keyRange(path: JsonPath): Range | undefined {
    const pair = this.pairAt(path);
    const key = pair?.key as Node | undefined;
    if (key?.range) return this.lines.rangeOf(key.range[0], key.range[1]);
    return this.valueRange(path);
  }

  /** Range of the value at `path`; falls back to its key when the value is empty (`key:` with nothing after). */
  valueRange(path: JsonPath): Range | undefined {
    const written = this.writtenNodeAt(path);
    const node = isAlias(written) ? written : this.nodeAt(path);
    if (node?.range) {
      // For block collections, point at the first line only: a squiggle over 40 lines helps nobody.
      if ((isMap(node) || isSeq(node)) && !node.flow) {
        const pair = this.pairAt(path);
        const key = pair?.key as Node | undefined;
        if (key?.range) return this.lines.rangeOf(key.range[0], key.range[1]);
        return this.lines.rangeOf(node.range[0], lineEnd(this.text, node.range[0]));
      }
      return this.lines.rangeOf(node.range[0], node.range[1]);
    }
    const pair = this.pairAt(path);
    const key = pair?.key as Node | undefined;
    if (key?.range) return this.lines.rangeOf(key.range[0], key.range[1]);
    return undefined;
  }

  /**
   * The scalar written at `path` (an alias or a collection is not one), with its exact source text
   * and range: what a quick fix may replace. `key`: the key naming `path` rather than its value.
   */
  writtenScalar(path: JsonPath, on: 'key' | 'value' = 'value'): WrittenScalar | undefined {
    const node = on === 'key' ? (this.pairAt(path)?.key as Node | null | undefined) : this.writtenNodeAt(path);
    if (!isScalar(node) || !node.range || node.tag) return undefined;
    return { source: this.text.slice(node.range[0], node.range[1]), range: this.lines.rangeOf(node.range[0], node.range[1]) };
  }

  /** The exact source text of a scalar, e.g. `1.10` where the parsed value is 1.1. */
  sourceOf(node: Node): string | undefined {
    return node.range ? this.text.slice(node.range[0], node.range[1]) : undefined;
  }

  /** A range for problems about the whole file: its first key (or first non-empty line), never a phantom position. */
  fileRange(): Range {
    const first = this.root?.items[0]?.key as Node | undefined;
    if (first?.range) return this.lines.rangeOf(first.range[0], first.range[1]);
    const m = /\S[^\r\n]*/.exec(this.text);
    return m ? this.lines.rangeOf(m.index, m.index + m[0].length) : this.lines.rangeOf(0, 0);
  }

  problem(severity: Problem['severity'], code: string, path: JsonPath, message: string, on: 'key' | 'value' = 'value', fixes?: readonly ProblemFix[]): Problem {
    const range = (on === 'key' ? this.keyRange(path) : this.valueRange(path)) ?? this.closestRange(path);
    return { severity, code, message, path: formatPath(path), range, ...(fixes?.length ? { fixes } : {}) };
  }

  /** The deepest existing ancestor's key range: a problem about a missing child points at its parent. */
  closestRange(path: JsonPath): Range {
    for (let n = path.length; n > 0; n--) {
      const r = this.keyRange(path.slice(0, n));
      if (r) return r;
    }
    return this.fileRange();
  }
}

/**
 * A key written twice in one mapping, at the second key: YAML forbids it and tools disagree on which
 * value wins (PyYAML keeps the last, others refuse the file). Keys are equal as yaml's own `uniqueKeys`
 * has them: scalars by resolved value (`1` and `0x1` collide, `1` and `"1"` do not), other nodes by
 * identity. One Set per mapping keeps this linear in the size of the file.
 */
function duplicateKeyProblems(root: unknown, lines: LineIndex): Problem[] {
  const problems: Problem[] = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    } else if (isMap(node)) {
      // Resolved key → offset of its first occurrence.
      const seen = new Map<unknown, number | undefined>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (isMergeKey(key)) {
          // Several `<<` keys in one mapping each merge, as PyYAML reads them.
          pending.push(pair.value);
          continue;
        }
        const identity = isScalar(key) ? key.value : key;
        if (!seen.has(identity)) {
          seen.set(identity, key?.range?.[0]);
        } else {
          const firstAt = seen.get(identity);
          const at = key?.range ?? (pair.value as Node | null)?.range;
          const where = firstAt === undefined ? '' : `: it is already set on line ${lines.positionAt(firstAt).line + 1}`;
          if (at) {
            problems.push({
              severity: 'error',
              code: 'yaml.DUPLICATE_KEY',
              message: `Duplicate key${isScalar(key) ? ` ${excerpt(JSON.stringify(String(identity)))}` : ''}${where}. A mapping holds each key once; remove one of them.`,
              path: '',
              range: lines.rangeOf(at[0], at[1]),
            });
          }
        }
        if (key && !isScalar(key)) pending.push(key);
        pending.push(pair.value);
      }
    }
  }
  return problems;
}

/**
 * yaml makes each of its errors an Error, and V8 records a stack trace for every one: most of the
 * time spent on a large broken file (one error per line, 100,000 of them) went into traces nobody
 * reads. The limit is restored before anything else can run.
 */
/**
 * Whether a job file is a hyperparameter tuning job: its top level has a `tuning:` key, as YAML reads
 * it (flow style, quoted keys and anchors included; a `tuning:` line inside a block scalar is not one).
 * `undefined` when the text is not valid YAML: then only validation can say what the file is.
 */
export function declaresTuning(text: string): boolean | undefined {
  const doc = parseWithoutStackTraces(text);
  if (doc.errors.length > 0) return undefined;
  return isMap(doc.contents) && doc.contents.has('tuning');
}

function parseWithoutStackTraces(text: string): Document.Parsed {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: true });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function firstLine(s: string): string {
  const end = s.indexOf('\n');
  return (end < 0 ? s : s.slice(0, end)).replace(/ at line \d+, column \d+:?$/, '');
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}
