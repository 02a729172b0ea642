/**
 * Push to Hub's side of the sha256 worker (fileHashWorker.ts): one worker thread per push, started on
 * the first file that needs hashing, hashing one file at a time while the pushing thread sends others.
 */

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileHashAnswer, FileHashStamp } from './fileHashProtocol';

/**
 * dist/fileHashWorker.js beside dist/extension.js and dist/cli.js (esbuild.mjs), out/src/hub/ for tsc's
 * output. A file rather than `eval: true` source, so the worker is bundled and type-checked like the rest.
 */
const WORKER_FILE = path.join(__dirname, 'fileHashWorker.js');

export interface FileDigest {
  sha256: string;
  bytes: number;
  /** The file's stamp before the first read and after the last. */
  before: FileHashStamp;
  after: FileHashStamp;
}

interface Pending {
  resolve: (digest: FileDigest) => void;
  reject: (err: unknown) => void;
  onProgress: ((bytes: number) => void) | undefined;
}

export class FileHasher {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  /** The file's sha256, computed in the worker; rejects with the signal's reason on abort (the worker is stopped). */
  hash(filePath: string, onProgress?: (bytes: number) => void, signal?: AbortSignal): Promise<FileDigest> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.closed) return Promise.reject(new Error('The hashing worker was already stopped.'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<FileDigest>((resolve, reject) => {
      const onAbort = () => {
        // A read in progress cannot be interrupted: stop the thread, and every hash waiting on it.
        this.failAll(abortReason(signal!));
        void this.close();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener('abort', onAbort);
          then(value);
        };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), onProgress });
      worker.postMessage({ id, filePath });
    });
  }

  /** Stops the worker; hashes still waiting reject. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('The hashing worker was stopped.'));
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_FILE);
    worker.on('message', (answer: FileHashAnswer) => {
      const pending = this.pending.get(answer.id);
      if (!pending) return;
      if (answer.type === 'progress') {
        pending.onProgress?.(answer.bytes);
        return;
      }
      this.pending.delete(answer.id);
      if (answer.type === 'done') pending.resolve({ sha256: answer.sha256, bytes: answer.bytes, before: answer.before, after: answer.after });
      else pending.reject(Object.assign(new Error(answer.message), { code: answer.code }));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`The hashing worker thread stopped unexpectedly (exit code ${code}); push again.`));
    });
    return worker;
  }

  private failAll(err: unknown): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
