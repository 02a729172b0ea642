/**
 * The sha256 of each file of a model folder, kept inside it where the bytes first passed: Download
 * Model's extractor hashes every file on the stream that writes it, and Push to Hub records what it
 * hashed and uploaded. A push then sends a file's bytes without a hash pass of its own (an LFS client
 * must know the sha256 before it may send a byte).
 *
 * The record is `.cache/sagemaker-hf/sha256.json` in the model folder: `.cache/` is never pushed (Push
 * to Hub skips it, as it holds huggingface_hub's own local-folder metadata) and never read by the
 * model card. An entry holds the file's size, mtime and ctime (nanoseconds) as they were when it was
 * hashed, and counts only while all three are unchanged: an edit in place that keeps the size still
 * moves mtime, and ctime moves with every write, chmod or link and cannot be set back by any tool.
 * A stale or unreadable record is never an error: the file is hashed again.
 */

import { constants as fsConstants, promises as fs } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isRecord } from '../core/isRecord';

/** The record's place inside the model folder, `/`-separated. */
export const HASH_RECORD_PATH = '.cache/sagemaker-hf/sha256.json';
const RECORD_VERSION = 1;
/** A record larger than this is not ours (a 100,000-file model folder needs about 20 MB). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const DIGITS = /^\d+$/;

/** What makes an entry stand: the file's size, mtime and ctime when it was hashed. */
export interface FileStamp {
  size: number;
  /** Nanoseconds since the epoch, as a decimal string (beyond a double's precision). */
  mtimeNs: string;
  ctimeNs: string;
}

export interface HashEntry extends FileStamp {
  sha256: string;
}

/** Relative, `/`-separated path → entry. */
export type HashRecord = Map<string, HashEntry>;

export function stampOf(stat: BigIntStats): FileStamp {
  return { size: Number(stat.size), mtimeNs: stat.mtimeNs.toString(), ctimeNs: stat.ctimeNs.toString() };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The recorded sha256 of `relativePath`, only while the file's stamp is the recorded one. */
export function recordedSha256(record: HashRecord, relativePath: string, stamp: FileStamp): string | undefined {
  const entry = record.get(relativePath);
  return entry && sameStamp(entry, stamp) ? entry.sha256 : undefined;
}

/** The folder's record; empty when there is none, or it cannot be read, or it is not one of ours. Never throws. */
export async function readHashRecord(folder: string): Promise<HashRecord> {
  const record: HashRecord = new Map();
  if (!(await recordFolderIsReal(folder))) return record;
  let text: string;
  try {
    const file = path.join(folder, ...HASH_RECORD_PATH.split('/'));
    const stat = await fs.lstat(file);
    if (!stat.isFile() || stat.size > MAX_RECORD_BYTES) return record;
    text = await fs.readFile(file, 'utf8');
  } catch {
    return record;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return record;
  }
  if (!isRecord(data) || data.version !== RECORD_VERSION || !isRecord(data.files)) return record;
  for (const [file, value] of Object.entries(data.files)) {
    if (!isRecord(value)) continue;
    const { size, mtimeNs, ctimeNs, sha256 } = value;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) continue;
    if (typeof mtimeNs !== 'string' || !DIGITS.test(mtimeNs) || typeof ctimeNs !== 'string' || !DIGITS.test(ctimeNs)) continue;
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) continue;
    record.set(file, { size, mtimeNs, ctimeNs, sha256 });
  }
  return record;
}

export interface WriteHashRecordOptions {
  /** Keep the entries already recorded for other files (default true); false writes exactly `entries`. */
  merge?: boolean;
  /** Paths whose entries are dropped (a recorded hash the Hub found wrong). */
  forget?: Iterable<string>;
}

/**
 * Writes the record into `folder` (atomically: a new file renamed over the old one). Entries for
 * files that are gone are left out. Returns false, writing nothing, when the record's folder cannot be
 * made, is not a plain folder inside `folder` (a link there could lead anywhere), or the disk refuses:
 * the record is a cache, and a push or download does not fail for it.
 */
export async function writeHashRecord(folder: string, entries: Iterable<[string, HashEntry]>, opts: WriteHashRecordOptions = {}): Promise<boolean> {
  const merged: HashRecord = opts.merge === false ? new Map() : await readHashRecord(folder);
  for (const [file, entry] of entries) merged.set(file, entry);
  for (const file of opts.forget ?? []) merged.delete(file);
  const recordDir = path.join(folder, ...path.posix.dirname(HASH_RECORD_PATH).split('/'));
  try {
    await mkdirPlain(folder, path.posix.dirname(HASH_RECORD_PATH).split('/'));
  } catch {
    return false;
  }
  const files: Record<string, HashEntry> = {};
  for (const [file, entry] of [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) files[file] = entry;
  const text = `${JSON.stringify({ version: RECORD_VERSION, files }, null, 1)}\n`;
  const temp = path.join(recordDir, `.sha256.json.${randomBytes(6).toString('hex')}`);
  try {
    const handle = await fs.open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | (fsConstants.O_NOFOLLOW ?? 0), 0o644);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path.join(recordDir, path.posix.basename(HASH_RECORD_PATH)));
    return true;
  } catch {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    return false;
  }
}

/** Creates `parts` below `root` one level at a time, refusing anything on the way that is not a plain folder. */
async function mkdirPlain(root: string, parts: string[]): Promise<void> {
  let dir = root;
  for (const part of parts) {
    dir = path.join(dir, part);
    try {
      await fs.mkdir(dir, 0o755);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stat = await fs.lstat(dir);
    if (!stat.isDirectory()) throw new Error(`${dir} is not a folder`);
  }
}

async function recordFolderIsReal(folder: string): Promise<boolean> {
  let dir = folder;
  for (const part of path.posix.dirname(HASH_RECORD_PATH).split('/')) {
    dir = path.join(dir, part);
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) return false;
  }
  return true;
}

/**
 * Stamps of the files `hashes` names, taken now, as record entries (files no longer regular files are
 * left out). For a writer that hashed each file as it wrote it and stamps them all once everything is
 * written: a hard link made later changes its target's ctime.
 */
export async function stampedEntries(folder: string, hashes: ReadonlyMap<string, string>): Promise<Array<[string, HashEntry]>> {
  const entries: Array<[string, HashEntry]> = [];
  for (const [file, sha256] of hashes) {
    const stat = await fs.lstat(path.join(folder, ...file.split('/')), { bigint: true }).catch(() => undefined);
    if (stat?.isFile()) entries.push([file, { ...stampOf(stat), sha256 }]);
  }
  return entries;
}
