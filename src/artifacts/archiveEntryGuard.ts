import { formatBytes } from '../core/format';
import { ArchiveError, quoteEntry } from './archiveError';

/** What the extractor writes for an admitted entry. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink';

/** The parts of a tar header the guard judges. */
export interface ArchiveEntryHeader {
  path: string;
  /** node-tar's type name: 'File', 'Directory', 'SymbolicLink', 'Link', 'FIFO', … */
  type: string;
  linkpath?: string;
  size: number;
}

export interface AdmittedEntry {
  kind: EntryKind;
  /** '/'-separated, relative, normalised (no '.', '..' or empty segments); '' for the root itself. */
  path: string;
  /** Folders to create first, outermost first, each relative like `path`. */
  parents: string[];
  /** symlink: the target to write (relative, validated); hardlink: the earlier file, relative to the root. */
  linkTarget?: string;
  /** True when the entry repeats an earlier regular file, which it replaces (tar's last-one-wins). */
  replaces: boolean;
}

type NodeKind = EntryKind | 'implicit-directory';

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const DIRECTORY_TYPES = new Set(['Directory', 'GNUDumpDir']);
const SPECIAL_TYPES: Record<string, string> = {
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO (named pipe)',
};

/** Linux's PATH_MAX; Windows' long-path limit is larger, but no model folder comes near either. */
const MAX_PATH_LENGTH = 4096;
const MAX_DEPTH = 256;

/** `/x`, `\x`, `C:x`, `//server/share`: anything that is not relative on some platform. */
const ABSOLUTE = /^(?:[\\/]|[a-zA-Z]:)/;

/**
 * Decides, entry by entry and before anything touches the disk, whether an archive may be
 * extracted, keeping a model of every path the archive has created so far. Extraction goes into a
 * fresh private folder, so this model is the whole truth about what is on disk there: which paths
 * are symbolic links, which are files, which are folders.
 *
 * The rules are deliberately stricter than GNU tar's: a model archive has no business containing
 * devices, absolute paths or links that leave it, and refusing the whole archive is safer than
 * skipping entries and handing the user a silently incomplete model.
 *
 * Names are compared case- and Unicode-insensitively (NFC, lower case) for the security checks,
 * because on macOS and Windows `Link/x` and `link/x` are the same file: a symbolic link `link`
 * must not be written through as `LINK/x`. The cost is that an archive holding both a folder
 * `Data` and a file `data` is refused everywhere.
 */
export class ArchiveEntryGuard {
  private readonly nodes = new Map<string, NodeKind>();
  private entries = 0;
  private announcedBytes = 0;

  constructor(private readonly limits: { maxEntries: number; maxBytes: number }) {}

  get entryCount(): number {
    return this.entries;
  }

  admit(header: ArchiveEntryHeader): AdmittedEntry {
    const raw = header.path;
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError(
        'too-many-entries',
        `The archive has more than ${this.limits.maxEntries} entries (at ${quoteEntry(raw)}). If it is genuine, raise the entry limit.`,
        raw,
      );
    }
    const kind = entryKind(header);
    const parts = relativeParts(raw, 'path-traversal', raw);
    if (parts.length === 0) {
      if (kind === 'directory') return { kind, path: '', parents: [], replaces: false };
      throw new ArchiveError('path-traversal', `Entry ${quoteEntry(raw)} would replace the extraction folder itself.`, raw);
    }
    const path = parts.join('/');
    if (path.length > MAX_PATH_LENGTH || parts.length > MAX_DEPTH) {
      throw new ArchiveError('corrupt', `Entry ${quoteEntry(raw)} has a path longer or deeper than file systems allow.`, raw);
    }

    const parents: string[] = [];
    let prefix = '';
    for (let i = 0; i < parts.length - 1; i++) {
      prefix = i === 0 ? parts[0]! : `${prefix}/${parts[i]!}`;
      const existing = this.nodes.get(fold(prefix));
      if (existing === 'symlink') {
        throw new ArchiveError('link-escape', `Entry ${quoteEntry(raw)} would be written through the symbolic link ${quoteEntry(prefix)} created earlier in the archive.`, raw);
      }
      if (existing === 'file' || existing === 'hardlink') {
        throw new ArchiveError('conflict', `Entry ${quoteEntry(raw)} needs ${quoteEntry(prefix)} to be a folder, but the archive made it a file.`, raw);
      }
      if (existing === undefined) parents.push(prefix);
    }

    const key = fold(path);
    const existing = this.nodes.get(key);
    let replaces = false;
    if (existing !== undefined) {
      const sameFolder = kind === 'directory' && (existing === 'directory' || existing === 'implicit-directory');
      replaces = kind === 'file' && existing === 'file';
      if (!sameFolder && !replaces) {
        throw new ArchiveError(
          'conflict',
          `Entry ${quoteEntry(raw)} appears twice, first as ${describe(existing)} and then as ${describe(kind)}; only a regular file may replace a regular file.`,
          raw,
        );
      }
    }

    let linkTarget: string | undefined;
    if (kind === 'symlink') linkTarget = symlinkTarget(raw, header.linkpath, parts.length - 1);
    if (kind === 'hardlink') linkTarget = this.hardlinkTarget(raw, header.linkpath);

    if (kind === 'file') {
      this.announcedBytes += Math.max(0, header.size);
      if (this.announcedBytes > this.limits.maxBytes) {
        throw new ArchiveError(
          'too-large',
          `The archive's files add up to more than ${formatBytes(this.limits.maxBytes)} (at ${quoteEntry(raw)}). If it is genuine, raise the size limit.`,
          raw,
        );
      }
    }

    for (const p of parents) this.nodes.set(fold(p), 'implicit-directory');
    if (existing === undefined || replaces) this.nodes.set(key, kind);
    return { kind, path, parents, ...(linkTarget !== undefined ? { linkTarget } : {}), replaces };
  }

  private hardlinkTarget(raw: string, linkpath: string | undefined): string {
    if (!linkpath) throw new ArchiveError('corrupt', `Hard link ${quoteEntry(raw)} has no target.`, raw);
    const parts = relativeParts(linkpath, 'link-escape', raw);
    const target = parts.join('/');
    const kind = this.nodes.get(fold(target));
    // A hard link to a symbolic link would copy the link, whose relative target then means
    // something else at the new place; to a folder it is impossible. Only files remain.
    if (kind !== 'file' && kind !== 'hardlink') {
      throw new ArchiveError(
        'link-escape',
        `Hard link ${quoteEntry(raw)} points to ${quoteEntry(linkpath)}, which is not a regular file extracted earlier from this archive.`,
        raw,
      );
    }
    return target;
  }
}

function entryKind(header: ArchiveEntryHeader): EntryKind {
  if (FILE_TYPES.has(header.type)) return 'file';
  if (DIRECTORY_TYPES.has(header.type)) return 'directory';
  if (header.type === 'SymbolicLink') return 'symlink';
  if (header.type === 'Link') return 'hardlink';
  const special = SPECIAL_TYPES[header.type];
  throw new ArchiveError(
    'special-file',
    special
      ? `Entry ${quoteEntry(header.path)} is ${special}; a model archive has no reason to contain one.`
      : `Entry ${quoteEntry(header.path)} has a type this extractor does not write (${header.type}).`,
    header.path,
  );
}

/** Splits a path into segments, refusing absolute paths, `..` and NUL. Both slashes separate. */
function relativeParts(path: string, code: 'path-traversal' | 'link-escape', entry: string): string[] {
  if (path.includes('\0')) throw new ArchiveError(code, `Entry ${quoteEntry(entry)} has a NUL character in ${path === entry ? 'its path' : 'its link target'}.`, entry);
  if (ABSOLUTE.test(path)) {
    throw new ArchiveError(
      code,
      path === entry ? `Entry ${quoteEntry(entry)} has an absolute path.` : `Link ${quoteEntry(entry)} points to the absolute path ${quoteEntry(path)}.`,
      entry,
    );
  }
  const parts = path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) {
    throw new ArchiveError(
      code,
      path === entry ? `Entry ${quoteEntry(entry)} climbs out with '..'.` : `Link ${quoteEntry(entry)} points to ${quoteEntry(path)}, which climbs out with '..'.`,
      entry,
    );
  }
  return parts;
}

/**
 * A symbolic link's target may only have the shape `../../a/b`: some steps up, then only down,
 * and never more steps up than the link is deep. Steps up then happen in real folders (the guard
 * never lets an entry sit under a link), so they are exact; and each step down lands in a folder
 * or in another link that obeys the same rule, so no chain of links can leave the root. A `..`
 * after a name (`a/../..`) is refused because `a` may be, or later become, a link, which would make
 * the lexical reading wrong.
 */
function symlinkTarget(raw: string, linkpath: string | undefined, depth: number): string {
  if (!linkpath) throw new ArchiveError('corrupt', `Symbolic link ${quoteEntry(raw)} has no target.`, raw);
  if (linkpath.includes('\0')) throw new ArchiveError('link-escape', `Symbolic link ${quoteEntry(raw)} has a NUL character in its target.`, raw);
  if (ABSOLUTE.test(linkpath)) {
    throw new ArchiveError('link-escape', `Symbolic link ${quoteEntry(raw)} points to the absolute path ${quoteEntry(linkpath)}.`, raw);
  }
  const parts = linkpath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  let ups = 0;
  while (ups < parts.length && parts[ups] === '..') ups++;
  if (parts.slice(ups).includes('..')) {
    throw new ArchiveError(
      'link-escape',
      `Symbolic link ${quoteEntry(raw)} points to ${quoteEntry(linkpath)}, which goes up again after going down; only targets like ../../a/b are accepted.`,
      raw,
    );
  }
  if (ups > depth) {
    throw new ArchiveError('link-escape', `Symbolic link ${quoteEntry(raw)} points to ${quoteEntry(linkpath)}, outside the extraction folder.`, raw);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

function fold(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

function describe(kind: NodeKind): string {
  switch (kind) {
    case 'file':
      return 'a file';
    case 'directory':
    case 'implicit-directory':
      return 'a folder';
    case 'symlink':
      return 'a symbolic link';
    case 'hardlink':
      return 'a hard link';
  }
}
