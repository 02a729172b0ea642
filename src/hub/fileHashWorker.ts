/**
 * The sha256 worker of Push to Hub: hashes the files it is sent, one after another, off the pushing
 * thread (the extension host's), so a push hashes file i+1 while file i is being sent. Its own bundle
 * (dist/fileHashWorker.js, beside dist/extension.js and dist/cli.js; tsc puts it beside
 * pushModelFolder.js in out/): node builtins only.
 *
 * Each answer carries the file's stamp (size, mtime, ctime) taken before the first read and after the
 * last, so the caller can tell a digest of a file that changed while it was read.
 */

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { FileHashAnswer, FileHashRequest, FileHashStamp } from './fileHashProtocol';

/** 4 MiB per read: OpenSSL hashes a large buffer at full speed, and fewer reads cost less. */
const READ_SIZE = 4 * 1024 * 1024;
/** Progress every 32 MiB: a few dozen messages for a GiB. */
const PROGRESS_STEP = 32 * 1024 * 1024;

const buffer = Buffer.allocUnsafeSlow(READ_SIZE);

function stamp(fd: number): FileHashStamp {
  const s = fstatSync(fd, { bigint: true });
  return { size: Number(s.size), mtimeNs: s.mtimeNs.toString(), ctimeNs: s.ctimeNs.toString() };
}

function hashFile(request: FileHashRequest): FileHashAnswer {
  let fd: number;
  try {
    fd = openSync(request.filePath, 'r');
  } catch (err) {
    return { type: 'error', id: request.id, code: (err as NodeJS.ErrnoException).code ?? 'EIO', message: (err as Error).message };
  }
  try {
    const before = stamp(fd);
    const hash = createHash('sha256');
    let done = 0;
    let reported = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, READ_SIZE, done);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      done += n;
      if (done - reported >= PROGRESS_STEP) {
        reported = done;
        parentPort!.postMessage({ type: 'progress', id: request.id, bytes: done } satisfies FileHashAnswer);
      }
    }
    const after = stamp(fd);
    return { type: 'done', id: request.id, sha256: hash.digest('hex'), bytes: done, before, after };
  } catch (err) {
    return { type: 'error', id: request.id, code: (err as NodeJS.ErrnoException).code ?? 'EIO', message: (err as Error).message };
  } finally {
    closeSync(fd);
  }
}

parentPort?.on('message', (request: FileHashRequest) => {
  parentPort!.postMessage(hashFile(request));
});
