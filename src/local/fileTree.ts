/**
 * Copying folders into a host's `opt/ml`. Copies, not links: SageMaker's File mode gives every
 * instance its own copy, and a script that writes into its input or code folder must not change
 * the user's files. `COPYFILE_FICLONE` makes the copy a reflink where the file system can
 * (btrfs, XFS, APFS), so big data sets cost no time or space there; elsewhere it is a plain copy.
 * Symbolic links are followed, as the SDK's `tarfile.add(dereference=True)` does.
 */

import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

import { MAX_FOLDER_DEPTH, tooDeepText, unreadableText } from '../core/folderWalk';
import { IGNORE_FILE_NAME } from '../core/sagemakerIgnore';
import type { IgnoreRules } from '../core/sagemakerIgnore';
import { LocalJobError } from './localJobError';

export interface CopyTreeOptions {
  ignore?: IgnoreRules;
  /** Absolute paths never copied (e.g. the local jobs folder when it sits inside source_dir). */
  exclude?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Copies the content of `source` into `destination` (created if missing). Returns the number of
 * files. A folder that cannot be read, or one more than MAX_FOLDER_DEPTH below `source`, fails
 * the copy with a `LocalJobError` naming it.
 */
export async function copyTree(source: string, destination: string, options: CopyTreeOptions = {}): Promise<number> {
  const visited = new Set<string>();
  const excluded = new Set((options.exclude ?? []).map((p) => path.resolve(p)));
  let count = 0;
  const walk = async (from: string, to: string, relative: string, depth: number): Promise<void> => {
    if (depth > MAX_FOLDER_DEPTH) throw tooDeep(from, source);
    const real = await fs.realpath(from).catch((err: unknown) => {
      throw unreadable('folder', from, err);
    });
    if (visited.has(real)) return; // a link cycle
    visited.add(real);
    await fs.mkdir(to, { recursive: true });
    const entries = await fs.readdir(from, { withFileTypes: true }).catch((err: unknown) => {
      throw unreadable('folder', from, err);
    });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      const sourcePath = path.join(from, entry.name);
      if (excluded.has(path.resolve(sourcePath))) continue;
      const stat = entry.isSymbolicLink() ? await fs.stat(sourcePath).catch(() => undefined) : undefined;
      if (entry.isSymbolicLink() && !stat) continue; // dangling link
      const isDirectory = stat ? stat.isDirectory() : entry.isDirectory();
      const relativePath = relative ? `${relative}/${entry.name}` : entry.name;
      if (options.ignore?.ignores(relativePath, isDirectory)) continue;
      const targetPath = path.join(to, entry.name);
      if (isDirectory) {
        await walk(sourcePath, targetPath, relativePath, depth + 1);
      } else if (stat ? stat.isFile() : entry.isFile()) {
        await copyOne(sourcePath, targetPath);
        count++;
      }
    }
  };
  await walk(source, destination, '', 0);
  return count;
}

/** Every regular file below `root`, as sorted `/`-separated relative paths (links followed). */
export async function listFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string, relative: string, depth: number): Promise<void> => {
    if (depth > MAX_FOLDER_DEPTH) throw tooDeep(dir, root);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      throw unreadable('folder', dir, err);
    });
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const stat = entry.isSymbolicLink() ? await fs.stat(full).catch(() => undefined) : undefined;
      if (stat ? stat.isDirectory() : entry.isDirectory()) await walk(full, rel, depth + 1);
      else if (stat ? stat.isFile() : entry.isFile()) files.push(rel);
    }
  };
  await walk(root, '', 0);
  return files.sort();
}

/** A reflink where the file system can, else a copy; a refusal names the file. */
async function copyOne(from: string, to: string): Promise<void> {
  try {
    await fs.copyFile(from, to, constants.COPYFILE_FICLONE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      // Which side refused: reading the source, or writing the copy.
      const readable = await fs.access(from, constants.R_OK).then(
        () => true,
        () => false,
      );
      if (!readable) throw unreadable('file', from, err);
    }
    throw err;
  }
}

function unreadable(kind: 'folder' | 'file', p: string, err: unknown): LocalJobError {
  const code = (err as NodeJS.ErrnoException).code;
  return new LocalJobError('PathUnreadable', `${unreadableText(kind, p, code)}. Make it readable, or leave it out (a line in ${IGNORE_FILE_NAME} for source_dir).`, {
    path: p,
    errno: code,
  });
}

function tooDeep(p: string, root: string): LocalJobError {
  return new LocalJobError('FolderTooDeep', `${tooDeepText(p, root)}. Leave the folder out (a line in ${IGNORE_FILE_NAME} for source_dir), or use a shallower layout.`, {
    path: p,
    limit: MAX_FOLDER_DEPTH,
  });
}

/**
 * `ShardedByS3Key`: SageMaker gives each instance a share of the objects under the prefix
 * (its exact split is not published). Here files are dealt out in sorted order, one per host in
 * turn, so every host gets a disjoint, near-equal share and together they hold everything.
 */
export async function copyShard(source: string, destination: string, hostIndex: number, hostCount: number, signal?: AbortSignal): Promise<number> {
  const files = await listFiles(source);
  let count = 0;
  await fs.mkdir(destination, { recursive: true });
  for (let i = hostIndex; i < files.length; i += hostCount) {
    signal?.throwIfAborted();
    const relative = files[i]!;
    const target = path.join(destination, ...relative.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await copyOne(path.join(source, ...relative.split('/')), target);
    count++;
  }
  return count;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
