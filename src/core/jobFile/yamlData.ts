import { isAlias, isMap, isNode, isScalar, isSeq, Scalar } from 'yaml';
import type { Alias, Document, Node, Pair, YAMLMap } from 'yaml';
import { closestMatch } from './didYouMean';
import { excerpt } from '../excerpt';
import { formatPath } from './problem';
import type { LineIndex, Problem, ProblemFix, Range } from './problem';
import { quoteAsWritten } from './quickFixes';

/**
 * The plain value of a parsed job file, read the way the SageMaker Python SDK's users read YAML
 * (PyYAML): aliases share their anchor's value and `<<` merge keys are merged. Everything a file may
 * do wrong on the way — an alias without its anchor, a value that contains itself, aliases that
 * multiply into millions of values, nesting no job file needs, a number JSON cannot carry — becomes
 * a problem at the characters it is about; nothing here throws on what a file contains.
 */

/** Values (nodes) that aliases may copy in one file, all aliases together: a job file needs tens. */
export const ALIAS_COPY_LIMIT = 10_000;
/** Levels of nesting, aliases expanded: a job file needs five or six. */
export const NESTING_LIMIT = 100;

/** `<<` written plainly as a key: PyYAML's merge key (a quoted "<<" is an ordinary key). */
export function isMergeKey(key: unknown): boolean {
  return (
    (key as { value?: unknown } | null)?.value === '<<' &&
    isScalar(key) &&
    (key.type === Scalar.PLAIN || key.type === undefined) &&
    (key.tag === undefined || key.tag === 'tag:yaml.org,2002:merge')
  );
}

/**
 * The pairs of a mapping with its merge keys flattened as PyYAML's `flatten_mapping` does: every
 * merged pair first (for a list of mappings, the last mapping's first, so that earlier ones win),
 * then the mapping's own pairs. Reading them in order with "a key keeps its first position and
 * takes its last value" gives the dict PyYAML builds: the mapping's own keys override merged ones,
 * and earlier merge sources override later ones. Merge sources that are not mappings are skipped
 * here (readDocumentData reports them).
 */
export function flattenedPairs(map: YAMLMap, resolve: (node: unknown) => unknown, depth = 0): Pair[] {
  if (!map.items.some((pair) => isMergeKey(pair.key))) return map.items as Pair[];
  let merged: Pair[] | undefined;
  const own: Pair[] = [];
  for (const pair of map.items) {
    if (!isMergeKey(pair.key) || depth > NESTING_LIMIT) {
      own.push(pair);
      continue;
    }
    merged ??= [];
    const source = resolve(pair.value);
    const sources = isMap(source)
      ? [source]
      : isSeq(source)
        ? source.items
            .map(resolve)
            .filter((s): s is YAMLMap => isMap(s))
            .reverse()
        : [];
    for (const s of sources) {
      for (const p of flattenedPairs(s, resolve, depth + 1)) merged.push(p);
    }
  }
  if (!merged) return own;
  for (const p of own) merged.push(p);
  return merged;
}

/** The text of a scalar key as a JavaScript object holds it (`yaml`'s toJS: null is '', others String()). */
export function scalarKeyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return '';
  if (!isScalar(key)) return undefined;
  return key.value === null || key.value === undefined ? '' : String(key.value);
}

export interface DocumentData {
  /** The plain value; undefined when reading stopped (aliases multiplying, nesting too deep). */
  value: unknown;
  problems: Problem[];
  /** Paths (formatted) whose value a problem here already explains. */
  explained: Set<string>;
  /** The node an alias stands for, or undefined when it has none (unresolved, or containing itself). */
  resolve(node: unknown): unknown;
}

/** Where a node stands, as a linked list from the node up (built per node, turned into an array only for a problem). */
type Path = { readonly up: Path; readonly seg: string | number } | null;

function segments(path: Path): Array<string | number> {
  const out: Array<string | number> = [];
  for (let p = path; p; p = p.up) out.push(p.seg);
  return out.reverse();
}

export function readDocumentData(doc: Document.Parsed, text: string, lines: LineIndex): DocumentData {
  const reader = new Reader(text, lines);
  const value = reader.read(doc.contents, null, 1);
  reader.finish(doc.contents);
  return { value: reader.stopped ? undefined : value, problems: reader.problems, explained: reader.explained, resolve: (node) => reader.resolve(node) };
}

/** What an anchor gives each of its aliases: its value, and its size and depth with every alias in it expanded. */
interface Anchored {
  value: unknown;
  size: number;
  depth: number;
}

/**
 * One pass in document order, as `yaml` and PyYAML resolve aliases (an anchor is set where its node
 * starts, so an alias inside that node is inside its own value): the plain value, the nodes each
 * anchor stands for, and the problems on the way.
 */
class Reader {
  readonly problems: Problem[] = [];
  readonly explained = new Set<string>();
  stopped = false;
  /** The latest node carrying each anchor (an alias means the last one above it). */
  private readonly anchors = new Map<string, Node>();
  /** Aliases with no anchor above them, explained once the whole file is read. */
  private readonly unresolved: Array<{ alias: Alias; path: Path }> = [];
  /** Anchored nodes still being read: an alias to one of them is inside its own value. */
  private readonly open = new Set<Node>();
  private readonly closed = new Map<Node, Anchored>();
  private readonly targets = new Map<Alias, Node>();
  /** Nodes read so far, aliases expanded; and of them, those that aliases copied. */
  private count = 0;
  private copied = 0;
  /** The deepest level reached since the innermost open anchor started (aliases expanded). */
  private deepest = 0;

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  resolve(node: unknown): unknown {
    return isAlias(node) ? this.targets.get(node) : node;
  }

  /** The plain value of `node` at nesting `level`: null for what cannot be read (reported). */
  read(node: unknown, path: Path, level: number): unknown {
    if (this.stopped) return null;
    if (isAlias(node)) return this.alias(node, path, level);
    this.count += 1;
    if (level > this.deepest) this.deepest = level;
    if (!isNode(node)) return null; // an empty value (`key:`)
    if (level > NESTING_LIMIT) {
      this.stop(
        node,
        path,
        'yaml.tooDeep',
        `This value nests more than ${NESTING_LIMIT} levels deep; a job file needs a few. Flatten it, or pass the structure as a file in source_dir.`,
      );
      return null;
    }
    const anchor = node.anchor;
    const countBefore = this.count - 1;
    const deepestBefore = this.deepest;
    if (anchor) {
      this.anchors.set(anchor, node);
      this.open.add(node);
      this.deepest = level;
    }
    let value: unknown = null;
    if (isScalar(node)) {
      value = node.value ?? null;
      if (typeof value === 'number' && !Number.isFinite(value)) this.checkNumber(node, path);
    } else if (isMap(node)) {
      value = this.readMap(node, path, level);
    } else if (isSeq(node)) {
      const items = node.items;
      const array: unknown[] = [];
      for (let i = 0; i < items.length && !this.stopped; i++) array.push(this.read(items[i], { up: path, seg: i }, level + 1));
      value = array;
    }
    if (anchor) {
      this.open.delete(node);
      this.closed.set(node, { value, size: this.count - countBefore, depth: this.deepest - level + 1 });
      this.deepest = Math.max(deepestBefore, this.deepest);
    }
    return value;
  }

  /**
   * A mapping as an object. With `<<` merge keys, as PyYAML builds the dict: the merged mappings'
   * entries first (of a list of them, the last one's first, so that earlier ones win), then the
   * mapping's own, each key keeping its first place and its last value (see flattenedPairs).
   */
  private readMap(map: YAMLMap, path: Path, level: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const merging = map.items.some((pair) => isMergeKey(pair.key));
    const sources: unknown[] = [];
    const own: Array<[string, unknown]> = [];
    for (const pair of map.items) {
      if (merging && isMergeKey(pair.key)) {
        this.count += 1;
        const merged = this.read(pair.value, path, level + 1);
        if (this.stopped) break;
        this.checkPair(pair, path);
        const source = this.resolve(pair.value);
        if (isMap(source)) {
          sources.push(merged);
        } else if (isSeq(source) && Array.isArray(merged)) {
          for (let i = source.items.length - 1; i >= 0; i--) if (isMap(this.resolve(source.items[i]))) sources.push(merged[i]);
        }
        continue;
      }
      this.read(pair.key, path, level + 1);
      const key = scalarKeyText(this.resolve(pair.key));
      const value = this.read(pair.value, key === undefined ? path : { up: path, seg: key }, level + 1);
      if (this.stopped) break;
      if (key === undefined) {
        this.checkPair(pair, path); // a list or mapping as key
      } else if (merging) {
        own.push([key, value]);
      } else {
        assign(object, key, value);
      }
    }
    if (merging) {
      for (const source of sources) {
        if (typeof source === 'object' && source !== null) for (const [k, v] of Object.entries(source)) assign(object, k, v);
      }
      for (const [k, v] of own) assign(object, k, v);
    }
    return object;
  }

  private alias(alias: Alias, path: Path, level: number): unknown {
    const target = this.anchors.get(alias.source);
    if (!target) {
      this.count += 1;
      this.unresolved.push({ alias, path });
      return null;
    }
    if (this.open.has(target)) {
      this.count += 1;
      this.report(
        alias,
        path,
        'yaml.recursiveAlias',
        `\`*${excerpt(alias.source)}\` is inside the value of its own anchor \`&${excerpt(alias.source)}\` (line ${this.lineOf(target)}): that value would contain itself without end, which no job file value (and no JSON) can be. Write the inner value out.`,
      );
      return null;
    }
    this.targets.set(alias, target);
    const anchored = this.closed.get(target) ?? { value: null, size: 1, depth: 1 };
    this.count += anchored.size;
    this.copied += anchored.size;
    this.deepest = Math.max(this.deepest, level - 1 + anchored.depth);
    if (this.copied > ALIAS_COPY_LIMIT) {
      this.stop(
        alias,
        path,
        'yaml.aliasExpansion',
        `The aliases in this file copy more than ${ALIAS_COPY_LIMIT.toLocaleString('en-US')} values (this \`*${excerpt(alias.source)}\` alone repeats ${anchored.size.toLocaleString('en-US')}): far more than a job file needs, and the way a file is built to exhaust memory. Write the values out, or alias smaller parts.`,
      );
    } else if (level - 1 + anchored.depth > NESTING_LIMIT) {
      this.stop(
        alias,
        path,
        'yaml.tooDeep',
        `With \`*${excerpt(alias.source)}\` expanded, this value nests more than ${NESTING_LIMIT} levels deep; a job file needs a few. Write the value out flatter.`,
      );
    }
    return anchored.value;
  }

  /** Merge keys with something to merge, and keys that are plain values. */
  private checkPair(pair: Pair, path: Path): void {
    const key = this.resolve(pair.key);
    if (isMergeKey(pair.key)) {
      const source = this.resolve(pair.value);
      if (isAlias(pair.value) && source === undefined) return; // the alias is reported
      // A list item that is an unresolved alias is reported as such; any other non-mapping is wrong here.
      const notMap = (n: unknown) => (isAlias(n) ? this.resolve(n) !== undefined && !isMap(this.resolve(n)) : !isMap(n));
      const wrong: unknown = isSeq(source) ? source.items.find(notMap) : isMap(source) ? undefined : (pair.value ?? null);
      if (wrong !== undefined) {
        const what = describe(isSeq(source) ? this.resolve(wrong) : source);
        const at = (isNode(wrong) ? wrong : isNode(pair.value) ? pair.value : pair.key) as Node;
        this.report(
          at,
          path,
          'yaml.mergeSource',
          `\`<<\` merges a mapping, or a list of mappings, into this one (as PyYAML does); ${isSeq(source) ? 'this list holds' : 'this is'} ${what}. Give it an alias to a mapping, e.g. \`<<: *defaults\`.`,
          false,
        );
      }
    } else if (isMap(key) || isSeq(key)) {
      this.report(
        pair.key as Node,
        path,
        'yaml.complexKey',
        `A key must be text or a number, not ${describe(key)}: Python's YAML loader refuses it (an unhashable key) and JSON keys are text.`,
        false,
      );
    }
  }

  /**
   * `.inf`, `.nan` and numbers beyond a double (`1e400` reads as infinity) have no JSON form. A
   * hyperparameter still travels (the SDK's json.dumps writes Infinity or NaN, and the training
   * toolkit's json.loads reads them back), so there it is a warning; in a request field it is an
   * error, since the request has no way to carry it.
   */
  private checkNumber(node: Scalar, path: Path): void {
    const v = node.value as number;
    const written = node.range ? this.text.slice(node.range[0], node.range[1]) : String(v);
    const shown = excerpt(written);
    const where = segments(path);
    const inScript = where[0] === 'hyperparameters' || formatPath(where).startsWith('distribution.smdistributed.modelparallel.parameters');
    const word = Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
    const dumped = Number.isNaN(v) ? 'NaN' : v < 0 ? '-Infinity' : 'Infinity';
    const spelled = /^[-+]?\.(inf|nan)$/i.test(written.trim());
    const what = spelled
      ? `\`${shown}\` is ${Number.isNaN(v) ? 'NaN (not a number)' : `${v < 0 ? 'minus ' : ''}infinity`} in YAML`
      : `\`${shown}\` is beyond the largest number a float holds (about 1.8e308), so it reads as ${v < 0 ? 'minus ' : ''}infinity`;
    if (inScript) {
      const fix = spelled
        ? `Quote it, \`"${word}"\`: the script receives the same ${word} as text (Python's float() reads it)${Number.isNaN(v) ? '' : ', or write a finite number'}.`
        : `Write a number within range, or quote it (\`"${shown}"\`) to pass the text as written.`;
      this.report(
        node,
        path,
        'number.notFinite',
        `${what}${spelled ? '' : `: the script receives ${word}`}. JSON has no such number: the SDK sends ${dumped}, which SageMaker's training toolkit reads back but other JSON readers refuse. ${fix}`,
        true,
        'warning',
        node.tag
          ? []
          : spelled
            ? [{ title: `Quote it: "${word}"`, range: this.rangeOf(node), newText: `"${word}"` }]
            : quoteAsWritten({ source: written, range: this.rangeOf(node) }),
      );
    } else {
      this.report(node, path, 'number.notFinite', `${what}, and JSON, the form of the request, has no such number. Write a finite number.`);
    }
  }

  /** Aliases whose anchor is set only below them, or nowhere. */
  finish(contents: unknown): void {
    if (this.unresolved.length === 0) return;
    const anchored = anchoredNodes(contents);
    for (const { alias, path } of this.unresolved) {
      const at = alias.range?.[0] ?? 0;
      const below = anchored.find((n) => n.anchor === alias.source && (n.range?.[0] ?? 0) > at);
      if (below) {
        this.report(
          alias,
          path,
          'yaml.aliasBeforeAnchor',
          `\`*${excerpt(alias.source)}\` comes before its anchor \`&${excerpt(alias.source)}\` (line ${this.lineOf(below)}): YAML reads from the top, so an alias can only repeat a value set above it. Move the anchor up, or write the value here.`,
        );
        continue;
      }
      const above = anchored.filter((n) => (n.range?.[0] ?? 0) < at).map((n) => n.anchor!);
      const guess = closestMatch(alias.source, new Set(above));
      this.report(
        alias,
        path,
        'yaml.unresolvedAlias',
        `\`*${excerpt(alias.source)}\` repeats the value of an anchor \`&${excerpt(alias.source)}\`, but no such anchor is set above it.${guess ? ` Did you mean \`*${guess}\`? Anchor names are case-sensitive.` : ' Set one on the value to repeat (key: &name value), or write the value here.'}`,
        true,
        'error',
        guess ? [{ title: `Change to *${guess}`, range: this.rangeOf(alias), newText: `*${guess}` }] : [],
      );
    }
  }

  private stop(node: Node, path: Path, code: string, message: string): void {
    this.report(node, path, code, message);
    this.stopped = true;
  }

  /** `explains`: the problem is about the value at `path` (not the mapping holding it), and says all there is to say about it. */
  private report(node: Node, path: Path, code: string, message: string, explains = true, severity: Problem['severity'] = 'error', fixes: readonly ProblemFix[] = []): void {
    const formatted = formatPath(segments(path));
    if (explains) this.explained.add(formatted);
    this.problems.push({ severity, code, message, path: formatted, range: this.rangeOf(node), ...(fixes.length ? { fixes } : {}) });
  }

  private rangeOf(node: Node): Range {
    const at = node.range ?? [0, 0];
    return this.lines.rangeOf(at[0], at[1]);
  }

  private lineOf(node: Node): number {
    return this.lines.positionAt(node.range?.[0] ?? 0).line + 1;
  }
}

/** Every node that carries an anchor, in document order. */
function anchoredNodes(contents: unknown): Node[] {
  const found: Node[] = [];
  const stack: unknown[] = [contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isNode(node) || isAlias(node)) continue;
    if (node.anchor) found.push(node);
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]!.value, node.items[i]!.key);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
  return found;
}

/** Sets a key as yaml's toJS does: `__proto__`, `constructor` and the like become own keys. */
function assign(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key in object) Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'an empty value' : typeof node.value === 'string' ? 'text' : `the ${typeof node.value} ${String(node.value)}`;
  return 'an empty value';
}
