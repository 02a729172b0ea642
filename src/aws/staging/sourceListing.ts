/**
 * Which entries sourcedir.tar.gz holds, in order (the rules are in sourceArchive.ts's header).
 * Synchronous on purpose: it runs in the archive's worker thread, where a blocking `stat` costs
 * nothing but that thread's time, and one blocking call after another saves the round trip through
 * the thread pool that awaiting each `stat` costs, per entry, on trees of many small files.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { MAX_FOLDER_DEPTH, tooDeepText, unreadableText } from '../../core/folderWalk';
import { IGNORE_FILE_NAME, IgnoreFileError, IgnoreRules } from '../../core/sagemakerIgnore';
import type { ArchiveSource, SourceArchiveContents } from './sourceArchive';
import { SourceStagingError } from '../../source/stagingError';

/**
 * The source's entries; paths must already be absolute. Throws `SourceStagingError` for a missing
 * source or dependency, an unusable `.sagemakerignore` line, a folder or file that cannot be read,
 * and a tree more than MAX_FOLDER_DEPTH folders deep. With `maxVisits`, gives up (undefined) after
 * looking at that many paths.
 */
export function listSourceEntries(source: ArchiveSource): SourceArchiveContents;
export function listSourceEntries(source: ArchiveSource, maxVisits: number): SourceArchiveContents | undefined;
export function listSourceEntries(source: ArchiveSource, maxVisits = Number.POSITIVE_INFINITY): SourceArchiveContents | undefined {
  try {
    return listAll(source, maxVisits);
  } catch (err) {
    if (err === OVER_BUDGET) return undefined;
    throw err;
  }
}

const OVER_BUDGET = Symbol('over budget');

function listAll(source: ArchiveSource, maxVisits: number): SourceArchiveContents {
  const contents: SourceArchiveContents = { entries: [], ignored: [], skipped: [], externalLinks: [], files: 0, totalBytes: 0 };
  const rules = source.fromKind === 'directory' ? readIgnoreRules(source.from) : IgnoreRules.empty();
  const walker = new TreeWalker(rules, contents, maxVisits, source.from);

  const top = statFollowing(source.from);
  if (!top)
    throw new SourceStagingError('source.missing', `The source ${source.fromKind === 'directory' ? 'folder' : 'file'} ${source.from} does not exist.`, { path: source.from });
  if (source.fromKind === 'directory') {
    if (!top.isDirectory()) throw new SourceStagingError('source.missing', `source_dir ${source.from} is not a folder.`, { path: source.from });
    // The folder itself is not an entry: its content is the archive root (os.listdir in the SDK).
    const real = realPath(source.from);
    walker.root = { path: source.from, real };
    walker.children(source.from, '', new Set([real]), false, 1);
  } else {
    walker.root = undefined;
    walker.add(source.from, path.basename(source.from), top, new Set(), false, 1);
  }
  for (const dependency of source.dependencies) {
    const stat = statFollowing(dependency);
    if (!stat) throw new SourceStagingError('source.dependencyMissing', `The dependency ${dependency} does not exist; fix \`dependencies\` in the job file.`, { path: dependency });
    // A dependency is a folder of its own: its links may not leave it either.
    walker.root = stat.isDirectory() ? { path: dependency, real: realPath(dependency) } : undefined;
    walker.add(dependency, path.basename(path.resolve(dependency)), stat, new Set(), false, 1);
  }
  return contents;
}

class TreeWalker {
  /** The folder being walked (source_dir or a dependency folder) and its real path: links that leave it are reported. */
  root: { path: string; real: string } | undefined;

  constructor(
    private readonly rules: IgnoreRules,
    private readonly out: SourceArchiveContents,
    private visitsLeft: number,
    private readonly topFolder: string,
  ) {}

  /**
   * Adds `absolute` as `name` (`depth` folders below the top folder), and what is under it when it is
   * a folder. `outside`: a link above it already left the root (and was reported). `linkTarget`: where
   * `absolute` leads, when it is a link.
   */
  add(absolute: string, name: string, stat: Stats, ancestors: ReadonlySet<string>, outside: boolean, depth: number, linkTarget?: string): void {
    this.visitsLeft -= 1;
    if (this.visitsLeft < 0) throw OVER_BUDGET;
    const isDirectory = stat.isDirectory();
    if (this.rules.ignores(name, isDirectory)) {
      this.out.ignored.push(name);
      return;
    }
    let leaves = outside;
    if (!outside && linkTarget !== undefined && this.root && !isInside(linkTarget, this.root.real)) {
      this.out.externalLinks.push({ name, path: absolute, root: this.root.path, target: linkTarget });
      leaves = true;
    }
    if (isDirectory) {
      const real = linkTarget ?? realPath(absolute);
      if (ancestors.has(real)) {
        this.out.skipped.push({ name, reason: 'linkLoop' });
        return;
      }
      if (depth > MAX_FOLDER_DEPTH) {
        throw new SourceStagingError(
          'source.tooDeep',
          `${tooDeepText(absolute, this.topFolder)}. Leave the folder out with a line in ${IGNORE_FILE_NAME}, or move the code to a shallower folder.`,
          { path: absolute, depth, limit: MAX_FOLDER_DEPTH },
        );
      }
      this.out.entries.push({ name, absolutePath: absolute, kind: 'directory', size: 0 });
      this.children(absolute, name, new Set([...ancestors, real]), leaves, depth + 1);
    } else if (stat.isFile()) {
      this.out.entries.push({ name, absolutePath: absolute, kind: 'file', size: stat.size });
      this.out.files += 1;
      this.out.totalBytes += stat.size;
    } else {
      this.out.skipped.push({ name, reason: 'notFileOrFolder' });
    }
  }

  children(folder: string, prefix: string, ancestors: ReadonlySet<string>, outside: boolean, depth: number): void {
    let dirents;
    try {
      dirents = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      throw unreadable('folder', folder, err);
    }
    // Code-unit order, the same on every machine (readdir's order is the file system's).
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const absolute = path.join(folder, dirent.name);
      const name = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
      const stat = statFollowing(absolute);
      if (!stat) {
        // A plain file that vanished between readdir and stat is an error; a link to nothing is not.
        if (!dirent.isSymbolicLink())
          throw new SourceStagingError('source.missing', `${absolute} disappeared while the source archive was being listed; try again.`, { path: absolute });
        this.out.skipped.push({ name, reason: 'danglingLink' });
        continue;
      }
      this.add(absolute, name, stat, ancestors, outside, depth, dirent.isSymbolicLink() ? realPath(absolute) : undefined);
    }
  }
}

/** Whether `p` is `root` or under it (both real paths). */
function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function statFollowing(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw unreadable('path', p, err);
  }
}

function realPath(p: string): string {
  try {
    return realpathSync.native(p);
  } catch (err) {
    throw unreadable('folder', p, err);
  }
}

/** A file system refusal as a SourceStagingError naming the path (root can read anything; others meet EACCES here). */
function unreadable(kind: 'folder' | 'file' | 'path', p: string, err: unknown): SourceStagingError {
  const code = (err as NodeJS.ErrnoException).code;
  return new SourceStagingError(
    'source.unreadable',
    `${unreadableText(kind, p, code)}, so the source archive cannot be packed. Make it readable, or leave it out with a line in ${IGNORE_FILE_NAME}.`,
    { path: p, errno: code },
    { cause: err },
  );
}

function readIgnoreRules(folder: string): IgnoreRules {
  const file = path.join(folder, IGNORE_FILE_NAME);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // ENOTDIR: source_dir is a file, which the caller reports as such.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return IgnoreRules.empty();
    throw unreadable('file', file, err);
  }
  try {
    return IgnoreRules.parse(text, file);
  } catch (err) {
    if (!(err instanceof IgnoreFileError)) throw err;
    throw new SourceStagingError('source.ignoreFileInvalid', err.message, { path: file, line: err.problems[0]?.line });
  }
}
