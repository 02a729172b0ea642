// Push to Hub's sha256 worker seen from the pushing thread (src/hub/fileHasher.ts): the real worker
// thread (out/src/hub/fileHashWorker.js), real files. What lfsCommit relies on: a digest with the
// file's stamps, progress for large files, a clear error for a file it cannot read, and cancellation
// that stops the thread at once, fails every hash still waiting and leaves later hashes refused.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileHasher } from '../../src/hub/fileHasher';
import { pseudoRandomBytes } from './pseudoRandomBytes';

let dir: string;
/** 80 MiB: the worker reports progress every 32 MiB, so this file gets two reports. */
const LARGE = 80 * 1024 * 1024;
let large: string;
let small: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** The worker the hasher started, or undefined (private; read to see whether it runs). */
const workerOf = (hasher: FileHasher) => (hasher as unknown as { worker: { terminate(): Promise<number> } | undefined }).worker;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-hasher-'));
  large = path.join(dir, 'large.bin');
  small = path.join(dir, 'small.txt');
  await fs.writeFile(large, pseudoRandomBytes(7, LARGE));
  await fs.writeFile(small, 'hello\n');
});

after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('FileHasher', () => {
  it("hashes files in its worker: the sha256, the bytes read and the file's stamp before and after", async () => {
    const hasher = new FileHasher();
    try {
      const stat = await fs.stat(small, { bigint: true });
      const digest = await hasher.hash(small);
      assert.equal(digest.sha256, sha256(Buffer.from('hello\n')));
      assert.equal(digest.bytes, 6);
      const stamp = { size: 6, mtimeNs: stat.mtimeNs.toString(), ctimeNs: stat.ctimeNs.toString() };
      assert.deepEqual(digest.before, stamp);
      assert.deepEqual(digest.after, stamp);
    } finally {
      await hasher.close();
    }
  });

  it('reports progress on a large file, and answers each of several hashes asked at once with its own file', async () => {
    const hasher = new FileHasher();
    try {
      const progress: number[] = [];
      const [a, b, c] = await Promise.all([hasher.hash(large, (bytes) => progress.push(bytes)), hasher.hash(small), hasher.hash(large)]);
      const expected = sha256(await fs.readFile(large));
      assert.equal(a.sha256, expected);
      assert.equal(a.bytes, LARGE);
      assert.equal(b.sha256, sha256(Buffer.from('hello\n')));
      assert.equal(c.sha256, expected);
      assert.deepEqual(progress, [32 * 1024 * 1024, 64 * 1024 * 1024]);
    } finally {
      await hasher.close();
    }
  });

  it("rejects a file it cannot open with the system's code and message, and goes on hashing", async () => {
    const hasher = new FileHasher();
    try {
      const missing = path.join(dir, 'no-such-file');
      await assert.rejects(hasher.hash(missing), (err: NodeJS.ErrnoException) => err.code === 'ENOENT' && err.message.includes(missing));
      assert.equal((await hasher.hash(small)).bytes, 6);
    } finally {
      await hasher.close();
    }
  });

  it('refuses at once, starting no worker, when the signal is already aborted', async () => {
    const hasher = new FileHasher();
    try {
      const reason = new Error('the user cancelled');
      await assert.rejects(hasher.hash(small, undefined, AbortSignal.abort(reason)), (err) => err === reason);
      assert.equal(workerOf(hasher), undefined, 'a worker was started for a cancelled hash');
    } finally {
      await hasher.close();
    }
  });

  it('on abort mid-hash: rejects with the reason, stops the worker, fails the hashes still waiting, and refuses new ones', async () => {
    const hasher = new FileHasher();
    try {
      const controller = new AbortController();
      const reason = new Error('the push was cancelled');
      const first = hasher.hash(large, () => controller.abort(reason), controller.signal);
      // Waiting behind the first, without a signal of its own: it fails with the first one's reason.
      const second = hasher.hash(large);
      await assert.rejects(first, (err) => err === reason);
      await assert.rejects(second, (err) => err === reason);
      assert.equal(workerOf(hasher), undefined, 'the worker thread still runs after the abort');
      await assert.rejects(hasher.hash(small), /The hashing worker was already stopped\./);
    } finally {
      await hasher.close();
    }
  });

  it('forgets a finished hash’s signal: aborting it later stops nothing', async () => {
    const hasher = new FileHasher();
    try {
      const controller = new AbortController();
      await hasher.hash(small, undefined, controller.signal);
      controller.abort(new Error('too late'));
      assert.equal((await hasher.hash(small)).bytes, 6, 'a finished hash’s signal still stopped the worker');
    } finally {
      await hasher.close();
    }
  });

  it('fails the hashes waiting on a worker thread that dies, saying so, instead of waiting forever', async () => {
    const hasher = new FileHasher();
    try {
      const waiting = hasher.hash(large);
      // The thread dies under the hasher (as it would on an out-of-memory kill): terminate it from outside.
      await workerOf(hasher)!.terminate();
      await assert.rejects(waiting, /The hashing worker thread stopped unexpectedly \(exit code \d+\); push again\./);
    } finally {
      await hasher.close();
    }
  });

  it('after close, hashes still waiting fail and new ones are refused', async () => {
    const hasher = new FileHasher();
    try {
      const waiting = assert.rejects(hasher.hash(large), /The hashing worker was stopped\./);
      await hasher.close();
      await waiting;
      await assert.rejects(hasher.hash(small), /already stopped/);
    } finally {
      await hasher.close();
    }
  });
});
