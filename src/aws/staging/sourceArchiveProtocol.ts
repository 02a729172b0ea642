/**
 * What the source archive's two threads say to each other (sourceArchive.ts starts the worker,
 * sourceArchiveWorker.ts is it). Messages carry results; a shared Int32Array carries the two things
 * the worker must wait for without an event loop of its own: the go-ahead to pack, and room for
 * another block (backpressure).
 */
import type { ArchiveSource, SourceArchiveContents } from './sourceArchive';
import { SourceStagingError } from '../../source/stagingError';
import type { SourceStagingErrorCode } from '../../source/stagingError';
import type { TarEntrySource } from './tarWriter';

export type ArchiveTask =
  /** List the source; then, once told to, pack what was listed. */
  | { kind: 'list'; source: ArchiveSource; thenPack: boolean; mtimeSeconds: number; control: Int32Array }
  /** Pack these entries at once. */
  | { kind: 'pack'; entries: readonly TarEntrySource[]; mtimeSeconds: number; control: Int32Array };

/** Slots of `control`. */
export const BLOCKS_IN_FLIGHT = 0;
export const STATE = 1;
export const CONTROL_SLOTS = 2;

/** Values of `control[STATE]`. */
export const STATE_WAITING = 0;
export const STATE_PACK = 1;
export const STATE_STOP = 2;

/**
 * Blocks the worker may have handed over before the main thread has compressed them: 8 × 1 MiB,
 * enough to keep gzip busy while the worker reads, small enough that a slow upload holds little.
 */
export const MAX_BLOCKS_IN_FLIGHT = 8;

export type ArchiveMessage =
  | { type: 'contents'; contents: SourceArchiveContents }
  | { type: 'block'; bytes: Uint8Array }
  /** The worker's work is done (the archive's last block, if it packed, came before). */
  | { type: 'end' }
  | { type: 'error'; error: ThreadError };

/** An error as it can cross threads (structured cloning keeps neither class nor extra fields). */
export type ThreadError =
  | { kind: 'staging'; code: SourceStagingErrorCode; message: string; context: Record<string, string | number | undefined> }
  | { kind: 'system'; message: string; name?: string; code?: string; errno?: number; syscall?: string; path?: string };

export function toThreadError(err: unknown): ThreadError {
  if (err instanceof SourceStagingError) return { kind: 'staging', code: err.code, message: err.message, context: { ...err.context } };
  const e: NodeJS.ErrnoException = err instanceof Error ? err : new Error(String(err));
  return { kind: 'system', message: e.message, name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path };
}

/** The error again, on this side: a SourceStagingError, or an Error with the file system's fields. */
export function fromThreadError(e: ThreadError): Error {
  if (e.kind === 'staging') return new SourceStagingError(e.code, e.message, e.context);
  const err = new Error(e.message) as NodeJS.ErrnoException;
  if (e.name && e.name !== 'Error') err.name = e.name;
  for (const key of ['code', 'errno', 'syscall', 'path'] as const) {
    if (e[key] !== undefined) Object.assign(err, { [key]: e[key] });
  }
  return err;
}
