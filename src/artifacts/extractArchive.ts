import { createHash } from 'crypto';
import type { Hash } from 'crypto';
import { constants as fsConstants, promises as fs } from 'fs';
import type { Readable } from 'stream';
import * as path from 'path';
import * as zlib from 'zlib';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { ArchiveError, quoteEntry } from './archiveError';
import { formatBytes } from '../core/format';
import { ArchiveEntryGuard } from './archiveEntryGuard';
import type { AdmittedEntry } from './archiveEntryGuard';
import { HASH_RECORD_PATH, stampedEntries, writeHashRecord } from './hashRecord';

export interface ExtractProgress {
  /** Compressed bytes read from the source so far. */
  bytesIn: number;
  /** Uncompressed tar bytes so far (headers and padding included; this is what `maxBytes` caps). */
  bytesOut: number;
  /** Entries admitted so far. */
  entries: number;
  /** The entry being written, as its normalised relative path. */
  entry?: string;
}

export interface ExtractOptions {
  /** Cap on the uncompressed tar stream, against gzip bombs. Default 64 GiB. */
  maxBytes?: number;
  /** Cap on the number of entries. Default 100 000. */
  maxEntries?: number;
  /**
   * When `targetDir` exists and is not empty: false (default) refuses with `target-exists`; true
   * replaces its contents, but only once the new extraction is complete (the old folder is moved
   * aside, the new one renamed into place, then the old one deleted).
   */
  overwrite?: boolean;
  signal?: AbortSignal;
  /** Called when an entry starts and about every MiB of output; cheap enough to forward to a UI. */
  onProgress?: (progress: ExtractProgress) => void;
  /**
   * Hash every file on the stream that writes it and keep the digests in the folder's hash record
   * (hashRecord.ts), so that Push to Hub need not read the files once more before sending them.
   */
  recordHashes?: boolean;
}

export interface ExtractResult {
  targetDir: string;
  entries: number;
  files: number;
  bytesIn: number;
  bytesOut: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

// zlib's default 16 KiB output chunks cost a parse step and a write per 16 KiB; with 1 MiB chunks
// each file is written in a few large writev calls (docs/PERFORMANCE.md, "Model archive", compares
// the result with GNU `tar xzf`). Like GNU tar, nothing is fsynced: the rename at the end publishes
// the folder, durability is the OS's business.
const GUNZIP_CHUNK = 1024 * 1024;
// How much of one file may wait in memory for the disk before the parser is paused.
const WRITE_HIGH_WATER = 8 * 1024 * 1024;
const PROGRESS_STEP = 1024 * 1024;
const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
const CREATE_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | O_NOFOLLOW;

/** `extractTarGz` over a file on disk. */
export async function extractTarGzFile(archivePath: string, targetDir: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(archivePath, 'r');
  } catch (err) {
    throw new ArchiveError('io', `Cannot open the archive ${archivePath}: ${errnoText(err)}.`, undefined, { cause: err });
  }
  // 1 MiB reads instead of the 64 KiB default: fewer trips through the event loop.
  const source = handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false });
  try {
    return await extractTarGz(source, targetDir, opts);
  } finally {
    source.destroy();
    await handle.close().catch(() => undefined);
  }
}

/**
 * Streams a .tar.gz into `targetDir`: gunzip → tar parse → files, one entry at a time, nothing
 * buffered beyond a few MiB and no temporary copy of the archive.
 *
 * Hostile archives are refused as a whole (see ArchiveEntryGuard for the rules), never partially
 * extracted: everything goes into a private folder next to `targetDir` (same file system), which
 * is renamed into place only when the whole archive has been written, and deleted on any failure,
 * including an abort. File modes keep only the permission bits (no setuid/setgid/sticky, always
 * owner-readable and writable); owners are never changed, even as root; file mtimes are kept.
 *
 * The source is consumed; on failure it is destroyed. Errors are ArchiveError.
 */
export async function extractTarGz(source: Readable, targetDir: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (opts.signal?.aborted) {
    source.destroy();
    throw abortedError(opts.signal);
  }
  const target = await prepareTarget(path.resolve(targetDir), opts.overwrite === true).catch((err: unknown) => {
    source.destroy();
    throw err;
  });
  const staging = await fs.mkdtemp(path.join(path.dirname(target.path), `.${path.basename(target.path)}.partial-`)).catch((err: unknown) => {
    source.destroy();
    throw new ArchiveError('io', `Cannot create a working folder next to ${target.path}: ${errnoText(err)}.`, undefined, { cause: err });
  });
  try {
    const hashes = opts.recordHashes ? new Map<string, string>() : undefined;
    const { rootMode, ...stats } = await new StreamingExtraction(source, staging, { maxBytes, maxEntries, signal: opts.signal, onProgress: opts.onProgress, hashes }).run();
    if (opts.signal?.aborted) throw abortedError(opts.signal);
    if (hashes) await recordHashes(staging, hashes);
    // mkdtemp made the working folder private (0700) so nothing can be slipped in while it fills;
    // the result gets the mode of the folder it replaces, else the archive's `./`, else 0755.
    await fs.chmod(staging, target.mode ?? rootMode ?? 0o755).catch((err: unknown) => {
      throw new ArchiveError('io', `Cannot set the permissions of ${staging}: ${errnoText(err)}.`, undefined, { cause: err });
    });
    await commit(staging, target);
    return { targetDir: target.path, ...stats };
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Writes the hash record of a finished extraction. Stamps are taken now, once every entry is written (a
 * hard link made after its target changes the target's ctime). A record the archive itself carried is
 * replaced, or removed when ours cannot be written: only digests of what was really written may stand.
 */
async function recordHashes(staging: string, hashes: Map<string, string>): Promise<void> {
  hashes.delete(HASH_RECORD_PATH);
  const written = await writeHashRecord(staging, await stampedEntries(staging, hashes), { merge: false });
  if (!written) await fs.rm(path.join(staging, ...HASH_RECORD_PATH.split('/')), { force: true }).catch(() => undefined);
}

interface Target {
  path: string;
  state: 'absent' | 'empty' | 'replace';
  /** Permission bits of the existing folder. */
  mode?: number;
}

async function prepareTarget(requested: string, overwrite: boolean): Promise<Target> {
  let real = requested;
  try {
    // A target that is a symbolic link to a folder means "extract there".
    real = await fs.realpath(requested);
  } catch {
    // Does not exist (yet): fine, its parent is created below.
  }
  let stat;
  try {
    stat = await fs.stat(real);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ArchiveError('io', `Cannot inspect ${requested}: ${errnoText(err)}.`, undefined, { cause: err });
  }
  if (!stat) {
    await fs.mkdir(path.dirname(real), { recursive: true }).catch((err: unknown) => {
      throw new ArchiveError('io', `Cannot create the folder ${path.dirname(real)}: ${errnoText(err)}.`, undefined, { cause: err });
    });
    return { path: real, state: 'absent' };
  }
  if (!stat.isDirectory()) throw new ArchiveError('target-exists', `${requested} exists and is not a folder. Choose another target folder.`);
  const children = await fs.readdir(real);
  const mode = stat.mode & 0o777;
  if (children.length === 0) return { path: real, state: 'empty', mode };
  if (!overwrite) throw new ArchiveError('target-exists', `${requested} is not empty. Choose an empty or new folder, or allow overwriting it.`);
  return { path: real, state: 'replace', mode };
}

async function commit(staging: string, target: Target): Promise<void> {
  try {
    if (target.state === 'absent') {
      await fs.rename(staging, target.path);
    } else if (target.state === 'empty') {
      await fs.rmdir(target.path);
      await fs.rename(staging, target.path);
    } else {
      const aside = `${staging}.previous`;
      await fs.rename(target.path, aside);
      try {
        await fs.rename(staging, target.path);
      } catch (err) {
        await fs.rename(aside, target.path).catch(() => undefined);
        throw err;
      }
      // The new contents are in place; failing to delete the old copy must not report failure.
      await fs.rm(aside, { recursive: true, force: true }).catch(() => undefined);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new ArchiveError('target-exists', `${target.path} was filled by something else during the extraction. Nothing was changed; try again.`, undefined, { cause: err });
    }
    throw new ArchiveError('io', `Cannot move the extracted files into ${target.path}: ${errnoText(err)}.`, undefined, { cause: err });
  }
}

interface RunOptions {
  maxBytes: number;
  maxEntries: number;
  signal: AbortSignal | undefined;
  onProgress: ((p: ExtractProgress) => void) | undefined;
  /** When set, each written file's sha256 by its relative path (hard links get their target's). */
  hashes: Map<string, string> | undefined;
}

/** One run of source → gunzip → tar.Parser → files, with its failure handling in one place. */
class StreamingExtraction {
  private readonly guard: ArchiveEntryGuard;
  private readonly gunzip = zlib.createGunzip({ chunkSize: GUNZIP_CHUNK });
  // The parser gets plain tar: it must not sniff for (and decompress) another layer by itself.
  private readonly parser = new Parser({ brotli: false, zstd: false });
  /** Fires on the first failure; entry writers listen to it to close their files and stop. */
  private readonly halt = new AbortController();
  private failure: ArchiveError | undefined;
  private chain: Promise<void> = Promise.resolve();
  private bytesIn = 0;
  private bytesOut = 0;
  private files = 0;
  private lastProgress = 0;
  private currentEntry: string | undefined;
  private firstChunk = true;
  /** The mode of the archive's own root entry (`./`), if it has one. */
  private rootMode: number | undefined;

  constructor(
    private readonly source: Readable,
    private readonly root: string,
    private readonly opts: RunOptions,
  ) {
    this.guard = new ArchiveEntryGuard({ maxBytes: opts.maxBytes, maxEntries: opts.maxEntries });
  }

  run(): Promise<{ entries: number; files: number; bytesIn: number; bytesOut: number; rootMode?: number }> {
    return new Promise((resolve, reject) => {
      const onAbort = () => this.fail(abortedError(this.opts.signal));
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        this.opts.signal?.removeEventListener('abort', onAbort);
        if (this.failure) reject(this.failure);
        else
          resolve({
            entries: this.guard.entryCount,
            files: this.files,
            bytesIn: this.bytesIn,
            bytesOut: this.bytesOut,
            ...(this.rootMode !== undefined ? { rootMode: this.rootMode } : {}),
          });
      };
      this.onFailure = () => void this.chain.then(settle);
      this.wire(() => {
        if (this.failure) return;
        if (this.bytesIn === 0) {
          this.fail(new ArchiveError('corrupt', 'The archive is empty.'));
          return;
        }
        void this.chain.then(() => {
          if (!this.failure) this.report(true);
          settle();
        });
      });
    });
  }

  private onFailure: () => void = () => undefined;

  private wire(onParsed: () => void): void {
    const { source, gunzip, parser } = this;
    source.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
    });
    source.on('error', (err) => this.fail(new ArchiveError('io', `Reading the archive failed: ${errnoText(err)}.`, undefined, { cause: err })));
    gunzip.on('error', (err) => this.fail(new ArchiveError('corrupt', this.bytesIn === 0 ? 'The archive is empty.' : gunzipMessage(err), this.currentEntry, { cause: err })));
    source.pipe(gunzip);

    gunzip.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      if (this.firstChunk) {
        this.firstChunk = false;
        if (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
          this.fail(new ArchiveError('corrupt', 'The archive is gzip inside gzip, not a tar archive.'));
          return;
        }
      }
      this.bytesOut += chunk.length;
      if (this.bytesOut > this.opts.maxBytes) {
        this.fail(
          new ArchiveError(
            'too-large',
            `The archive unpacks to more than ${formatBytes(this.opts.maxBytes)}${this.currentEntry !== undefined ? ` (at ${quoteEntry(this.currentEntry)})` : ''}. If it is genuine, raise the size limit.`,
            this.currentEntry,
          ),
        );
        return;
      }
      if (this.bytesOut - this.lastProgress >= PROGRESS_STEP) this.report();
      let more: boolean;
      try {
        more = parser.write(chunk);
      } catch (err) {
        // node-tar throws (rather than emits) on a few malformed inputs; inside this handler a
        // throw would take the whole process down.
        this.fail(new ArchiveError('corrupt', `The archive is damaged: ${(err as Error).message}.`, this.currentEntry, { cause: err }));
        return;
      }
      if (!more) gunzip.pause();
    });
    parser.on('drain', () => {
      if (!this.failure) gunzip.resume();
    });
    gunzip.on('end', () => {
      if (this.failure) return;
      try {
        parser.end();
      } catch (err) {
        this.fail(new ArchiveError('corrupt', `The archive is damaged: ${(err as Error).message}.`, this.currentEntry, { cause: err }));
      }
    });

    parser.on('entry', (entry: ReadEntry) => {
      this.chain = this.chain.then(() => (this.failure ? undefined : this.writeEntry(entry))).catch((err: unknown) => this.fail(asArchiveError(err, entry.path)));
    });
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      const why = entry.meta
        ? new ArchiveError('corrupt', `The archive has an extended header larger than tar allows (before ${quoteEntry(entry.path)}).`, entry.path)
        : new ArchiveError('special-file', `Entry ${quoteEntry(entry.path)} has a type this extractor does not write (${entry.type}).`, entry.path);
      this.fail(why);
    });
    parser.on('warn', (code: string, message: string) => this.fail(new ArchiveError('corrupt', `The archive is damaged: ${message} (${code}).`, this.currentEntry)));
    parser.on('error', (err: Error) => this.fail(new ArchiveError('corrupt', `The archive is damaged: ${err.message}.`, this.currentEntry, { cause: err })));
    parser.on('end', onParsed);
  }

  private fail(err: ArchiveError): void {
    if (this.failure) return;
    this.failure = err;
    this.halt.abort(err);
    this.source.unpipe(this.gunzip);
    this.source.destroy();
    this.gunzip.destroy();
    this.onFailure();
  }

  private report(force = false): void {
    if (!this.opts.onProgress) return;
    if (!force && this.bytesOut === this.lastProgress) return;
    this.lastProgress = this.bytesOut;
    try {
      this.opts.onProgress({
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        entries: this.guard.entryCount,
        ...(this.currentEntry !== undefined ? { entry: this.currentEntry } : {}),
      });
    } catch (err) {
      // A progress callback that throws is taken as the caller cancelling.
      this.fail(new ArchiveError('aborted', 'The extraction was cancelled; nothing was written.', this.currentEntry, { cause: err }));
    }
  }

  private async writeEntry(entry: ReadEntry): Promise<void> {
    const admitted = this.guard.admit({ path: entry.path, type: entry.type, linkpath: entry.linkpath, size: entry.size });
    this.currentEntry = admitted.path;
    this.report(true);
    for (const parent of admitted.parents) await this.makeFolder(parent, 0o755, entry.path);
    switch (admitted.kind) {
      case 'directory':
        if (admitted.path !== '') await this.makeFolder(admitted.path, folderMode(entry.mode), entry.path);
        else if (typeof entry.mode === 'number') this.rootMode = folderMode(entry.mode);
        return this.drain(entry);
      case 'symlink':
        await this.createLink(() => fs.symlink(admitted.linkTarget ?? '.', this.abs(admitted.path)), entry.path);
        return this.drain(entry);
      case 'hardlink': {
        await this.createLink(() => fs.link(this.abs(admitted.linkTarget ?? ''), this.abs(admitted.path)), entry.path);
        const sha256 = this.opts.hashes?.get(admitted.linkTarget ?? '');
        if (sha256) this.opts.hashes?.set(admitted.path, sha256);
        return this.drain(entry);
      }
      case 'file':
        this.files++;
        return this.writeFile(entry, admitted);
    }
  }

  private abs(relative: string): string {
    return path.join(this.root, ...relative.split('/'));
  }

  private async makeFolder(relative: string, mode: number, entryName: string): Promise<void> {
    const abs = this.abs(relative);
    try {
      await fs.mkdir(abs, mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(err, entryName);
      // Exists: acceptable only as a real folder (on a case-insensitive disk `A` and `a` meet here).
      const st = await fs.lstat(abs);
      if (!st.isDirectory())
        throw new ArchiveError('conflict', `Entry ${quoteEntry(entryName)} needs ${quoteEntry(relative)} to be a folder, but something else is there.`, entryName);
    }
  }

  private async createLink(create: () => Promise<void>, entryName: string): Promise<void> {
    try {
      await create();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ArchiveError('conflict', `Entry ${quoteEntry(entryName)} appears twice.`, entryName);
      throw fsError(err, entryName);
    }
  }

  /** Lets an entry without file data (or whose data is not wanted) run to its end. */
  private drain(entry: ReadEntry): Promise<void> {
    return new Promise((resolve) => {
      if (entry.emittedEnd || this.halt.signal.aborted) return resolve();
      // After a failure the parser stops feeding entries, so 'end' may never come.
      const done = () => {
        this.halt.signal.removeEventListener('abort', done);
        resolve();
      };
      this.halt.signal.addEventListener('abort', done, { once: true });
      entry.on('end', done);
      entry.resume();
    });
  }

  private async openNew(admitted: AdmittedEntry, mode: number, entryName: string): Promise<fs.FileHandle> {
    const abs = this.abs(admitted.path);
    try {
      return await fs.open(abs, CREATE_FLAGS, mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(err, entryName);
    }
    // The archive repeats a file: tar semantics say the later copy wins. Remove the earlier one
    // (never anything else) rather than truncating it, which would also change its hard links.
    const st = await fs.lstat(abs);
    if (!admitted.replaces || !st.isFile()) throw new ArchiveError('conflict', `Entry ${quoteEntry(entryName)} collides with another entry of the archive.`, entryName);
    await fs.unlink(abs);
    try {
      return await fs.open(abs, CREATE_FLAGS, mode);
    } catch (err) {
      throw fsError(err, entryName);
    }
  }

  private async writeFile(entry: ReadEntry, admitted: AdmittedEntry): Promise<void> {
    const handle = await this.openNew(admitted, fileMode(entry.mode), entry.path);
    try {
      if (this.failure) return;
      const hash = this.opts.hashes ? createHash('sha256') : undefined;
      // A repeated entry replaces the earlier file: its digest must not outlive it if this one fails.
      this.opts.hashes?.delete(admitted.path);
      await this.pumpInto(entry, handle, hash);
      if (hash) this.opts.hashes?.set(admitted.path, hash.digest('hex'));
      if (entry.mtime && !Number.isNaN(entry.mtime.getTime())) await handle.utimes(entry.mtime, entry.mtime);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * Copies an entry's data to the file, overlapping disk writes with decompression: chunks queue
   * while one writev is in flight, and the entry (hence the parser, hence gunzip) pauses only when
   * more than WRITE_HIGH_WATER bytes wait. `hash`, when given, sees every chunk on its way to the disk.
   */
  private pumpInto(entry: ReadEntry, handle: fs.FileHandle, hash?: Hash): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue: Buffer[] = [];
      let queued = 0;
      let writing = false;
      let ended = false;
      let settled = false;
      const onHalt = () => {
        if (!writing) finish(this.halt.signal.reason);
      };
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        this.halt.signal.removeEventListener('abort', onHalt);
        if (err) reject(err);
        else resolve();
      };
      const pump = () => {
        if (writing || settled) return;
        if (this.halt.signal.aborted) return finish(this.halt.signal.reason);
        if (queue.length === 0) {
          if (ended) finish();
          else if (!entry.flowing) entry.resume();
          return;
        }
        const batch = queue;
        queue = [];
        queued = 0;
        writing = true;
        writeAll(handle, batch).then(
          () => {
            writing = false;
            pump();
          },
          (err: unknown) => {
            writing = false;
            finish(fsError(err, entry.path));
          },
        );
      };
      this.halt.signal.addEventListener('abort', onHalt, { once: true });
      entry.on('data', (chunk: Buffer) => {
        hash?.update(chunk);
        queue.push(chunk);
        queued += chunk.length;
        if (queued >= WRITE_HIGH_WATER) entry.pause();
        pump();
      });
      entry.on('end', () => {
        ended = true;
        pump();
      });
      entry.resume();
    });
  }
}

async function writeAll(handle: fs.FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const total = pending.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await handle.writev(pending);
    if (bytesWritten >= total) return;
    // A short write (rare, e.g. near a quota): continue after the bytes that made it.
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of pending) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    pending = rest;
  }
}

/** Permission bits only, and always readable and writable by the owner (we must be able to delete it). */
function fileMode(mode: number | undefined): number {
  return typeof mode === 'number' ? (mode & 0o777) | 0o600 : 0o644;
}

/** Folders must stay traversable and writable by the owner, or later entries cannot be created. */
function folderMode(mode: number | undefined): number {
  return typeof mode === 'number' ? (mode & 0o777) | 0o700 : 0o755;
}

function asArchiveError(err: unknown, entry: string): ArchiveError {
  return err instanceof ArchiveError ? err : fsError(err, entry);
}

function fsError(err: unknown, entry: string): ArchiveError {
  if (err instanceof ArchiveError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'ENOTDIR') {
    return new ArchiveError('conflict', `Entry ${quoteEntry(entry)} collides with a link or file the archive created (${code}).`, entry, { cause: err });
  }
  const hint =
    code === 'ENOSPC'
      ? ' The disk is full; free space or choose another target folder.'
      : code === 'EACCES' || code === 'EPERM'
        ? ' Check the permissions of the target folder.'
        : '';
  return new ArchiveError('io', `Writing ${quoteEntry(entry)} failed: ${errnoText(err)}.${hint}`, entry, { cause: err });
}

function gunzipMessage(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_DATA_ERROR' && /header/i.test(err.message)) return 'The archive is not gzip-compressed (expected a .tar.gz).';
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) return 'The archive is truncated (the gzip stream ends early); download it again.';
  return `The archive is damaged: ${err.message}.`;
}

function abortedError(signal: AbortSignal | undefined): ArchiveError {
  const reason: unknown = signal?.reason;
  return new ArchiveError('aborted', 'The extraction was cancelled; nothing was written.', undefined, reason !== undefined ? { cause: reason } : undefined);
}

function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(err));
}
