// The pieces under pushModelFolder's large-file path: LocalFileBlob (a file range the hub client hashes and
// uploads) and fileUploadFetch (sends it through node:http). Uploads go to the Hub emulator's pre-signed
// storage URL and are checked against what it stored; multipart parts, which the emulator does not hand
// out, go to a small recording server standing in for S3's part URLs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRepo } from '@huggingface/hub';
import { fileUploadFetch } from '../../src/hub/fileUploadFetch';
import type { UploadRetry } from '../../src/hub/fileUploadFetch';
import { networkFailureCode, toHubError } from '../../src/hub/hubErrors';
import { FILE_READ_CHUNK, FileChangedError, LocalFileBlob } from '../../src/hub/localFileBlob';
import { EMULATOR_WRITE_TOKEN, startHubEmulator } from '../emulators/hub/hubEmulator';
import type { HubEmulator } from '../emulators/hub/hubEmulator';

let workDir: string;
let hub: HubEmulator;

/** Bytes that differ at every position (so a misplaced range shows), `size` long. */
function patterned(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

async function fileOf(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(workDir, name);
  await fs.writeFile(file, bytes);
  return file;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return chunks;
}

/** A pre-signed upload URL from the emulator's LFS batch API, as the hub client would get it. */
async function uploadUrl(repo: string, bytes: Buffer): Promise<{ href: string; oid: string }> {
  const oid = createHash('sha256').update(bytes).digest('hex');
  await createRepo({ repo: { type: 'model', name: repo }, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
  const res = await fetch(`${hub.url}/${repo}.git/info/lfs/objects/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${EMULATOR_WRITE_TOKEN}`, 'Content-Type': 'application/vnd.git-lfs+json' },
    body: JSON.stringify({ operation: 'upload', transfers: ['basic'], hash_algo: 'sha_256', objects: [{ oid, size: bytes.length }] }),
  });
  const body = (await res.json()) as { objects: Array<{ actions?: { upload?: { href: string } } }> };
  const href = body.objects[0]?.actions?.upload?.href;
  assert.ok(href, `the batch API gave no upload URL: ${JSON.stringify(body)}`);
  return { href, oid };
}

/** Records each request's method, headers and body; answers with `answer` (default 200 with an ETag). */
async function recordingServer(answer?: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer; complete: boolean }> = [];
  const server = http.createServer((req, res) => {
    if (answer) return answer(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), complete: req.complete });
      res.writeHead(200, { ETag: `"etag-${req.url}"` });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())), server };
}

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-upload-test-'));
  hub = await startHubEmulator({ maxLifetimeMs: 5 * 60_000 });
});

after(async () => {
  await hub?.stop();
  await fs.rm(workDir, { recursive: true, force: true });
});

describe('LocalFileBlob', () => {
  it('reads a byte range of the file as Blob.slice would, negative positions included', async () => {
    const bytes = patterned(1000);
    const blob = LocalFileBlob.ofFile(await fileOf('range.bin', bytes), bytes.length);
    assert.equal(blob.size, 1000);
    assert.ok(blob instanceof Blob);
    assert.deepEqual(Buffer.from(await blob.arrayBuffer()), bytes);
    assert.deepEqual(Buffer.from(await blob.slice(10, 20).arrayBuffer()), bytes.subarray(10, 20));
    assert.deepEqual(Buffer.from(await blob.slice(-5).arrayBuffer()), bytes.subarray(995));
    assert.deepEqual(Buffer.from(await blob.slice(100, 200).slice(-10, -5).arrayBuffer()), bytes.subarray(190, 195));
    assert.equal(blob.slice(20, 10).size, 0);
    assert.equal(blob.slice(900, 5000).size, 100);
    assert.equal((await blob.slice(0, 512).arrayBuffer()).byteLength, 512, 'the buffer is exactly the range, not a pooled slab');
  });

  it('reads text as UTF-8', async () => {
    const text = 'pytorch_model.bin filter=lfs diff=lfs merge=lfs -text\n# é\n';
    const blob = LocalFileBlob.ofFile(await fileOf('.gitattributes', Buffer.from(text)), Buffer.byteLength(text));
    assert.equal(await blob.text(), text);
  });

  it('streams exactly the range, in chunks of at most FILE_READ_CHUNK', async () => {
    const bytes = patterned(2 * FILE_READ_CHUNK + 3, 5);
    const blob = LocalFileBlob.ofFile(await fileOf('stream.bin', bytes), bytes.length);
    const chunks = await collect(blob.stream());
    assert.equal(chunks.length, 3);
    assert.ok(chunks.every((c) => c.length <= FILE_READ_CHUNK));
    assert.deepEqual(Buffer.concat(chunks), bytes);
    const part = blob.slice(FILE_READ_CHUNK - 7, FILE_READ_CHUNK + 9);
    assert.deepEqual(Buffer.concat(await collect(part.stream())), bytes.subarray(FILE_READ_CHUNK - 7, FILE_READ_CHUNK + 9));
    assert.deepEqual(await collect(blob.slice(5, 5).stream()), []);
  });

  it('fails, naming the file, when the file became shorter than listed', async () => {
    const file = await fileOf('shrunk.bin', patterned(100));
    const blob = LocalFileBlob.ofFile(file, 200);
    await assert.rejects(blob.arrayBuffer(), (err: unknown) => err instanceof FileChangedError && err.filePath === file);
    const err = await blob.text().then(
      () => assert.fail('expected a FileChangedError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof FileChangedError);
    assert.equal(err.name, 'FileChangedError');
    assert.equal(err.code, 'FILE_CHANGED');
    assert.match(err.message, /shrunk\.bin became shorter while it was being read: do not change the model folder/);
    await assert.rejects(collect(blob.stream()), FileChangedError);
  });
});

describe('fileUploadFetch', () => {
  it('uploads a file to the storage URL, which stores exactly its bytes, reporting progress below 1 on the way', async () => {
    const bytes = patterned(2 * FILE_READ_CHUNK + 1000, 9);
    const { href, oid } = await uploadUrl('alice/upload-fetch', bytes);
    const progress: number[] = [];
    const res = await fileUploadFetch()(href, {
      method: 'PUT',
      body: LocalFileBlob.ofFile(await fileOf('upload.bin', bytes), bytes.length),
      ...{ progressHint: { progressCallback: (p: number) => progress.push(p) } },
    });
    assert.equal(res.status, 200);
    assert.equal(res.url, href);
    assert.ok(res.headers.get('etag'));
    const stored = hub.state.lfsObjects.get(oid);
    assert.ok(stored, 'the emulator stored the object (it checks size and sha256)');
    assert.deepEqual(await fs.readFile(stored.file), bytes);
    assert.ok(progress.length >= 3, `progress reported as bytes went out, got ${progress.join(', ')}`);
    assert.ok(progress.some((p) => p > 0 && p < 0.9));
    assert.ok(progress.every((p, i) => p < 1 && (i === 0 || p >= progress[i - 1]!)));
  });

  it('answers with what the storage said when it refuses the upload', async () => {
    const bytes = patterned(5000, 11);
    const { href } = await uploadUrl('alice/upload-refused', bytes);
    const res = await fileUploadFetch()(href.replace(/sig=[0-9a-f]+/, 'sig=forged'), {
      method: 'PUT',
      body: LocalFileBlob.ofFile(await fileOf('refused.bin', bytes), bytes.length),
    });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(hub.state.requests.filter((r) => r.path === new URL(href).pathname).length, 1, 'a refusal is not retried');
  });

  it('sends the file again after a 503, from its first byte, and says why before it does', async () => {
    let calls = 0;
    const bodies: Buffer[] = [];
    const server = await recordingServer((req, res) => {
      calls += 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(calls === 1 ? 503 : 200, { ETag: '"ok"' });
        res.end(calls === 1 ? '<Error><Code>SlowDown</Code></Error>' : '');
      });
    });
    try {
      const bytes = patterned(3 * FILE_READ_CHUNK + 7, 17);
      const retries: UploadRetry[] = [];
      const progress: number[] = [];
      const file = await fileOf('retried.bin', bytes);
      const res = await fileUploadFetch({ retryDelaysMs: [20, 20], onRetry: (r) => retries.push(r) })(`${server.url}/put`, {
        method: 'PUT',
        body: LocalFileBlob.ofFile(file, bytes.length),
        ...{ progressHint: { progressCallback: (p: number) => progress.push(p) } },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(retries, [{ filePath: file, attempt: 2, attempts: 3, reason: 'HTTP 503', delayMs: 20 }]);
      assert.equal(bodies.length, 2);
      assert.ok(bodies[1]!.equals(bytes), 'the second attempt carried the whole file');
      assert.ok(progress.includes(0) && progress.indexOf(0) > 0, 'progress went back to 0 for the new attempt');
    } finally {
      await server.close();
    }
  });

  it('stops waiting to retry as soon as the upload is cancelled', async () => {
    let requests = 0;
    const server = await recordingServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(500);
        res.end();
      });
    });
    try {
      const bytes = patterned(1000, 19);
      const controller = new AbortController();
      // The cancel comes 50 ms into a 60 s pause (not before it starts): only a pause that listens ends in time.
      let cancelledAt = 0;
      const upload = fileUploadFetch({
        retryDelaysMs: [60_000],
        onRetry: () =>
          void setTimeout(() => {
            cancelledAt = performance.now();
            controller.abort();
          }, 50),
      })(`${server.url}/put`, {
        method: 'PUT',
        body: LocalFileBlob.ofFile(await fileOf('cancel-retry.bin', bytes), bytes.length),
        signal: controller.signal,
      });
      let timer: NodeJS.Timeout | undefined;
      const tooLate = new Promise<'too late'>((resolve) => (timer = setTimeout(() => resolve('too late'), 5_000)));
      const outcome = await Promise.race([
        upload.then(
          () => 'resolved',
          (err: unknown) => err,
        ),
        tooLate,
      ]);
      clearTimeout(timer);
      assert.notEqual(outcome, 'too late', 'still pausing 5 s after the cancel (the pause ignores cancellation)');
      assert.ok(outcome instanceof DOMException && outcome.name === 'AbortError', String(outcome));
      assert.ok(cancelledAt > 0 && performance.now() - cancelledAt < 5_000);
      assert.equal(requests, 1, 'sent again after the cancel');
    } finally {
      await server.close();
    }
  });

  it('answers with the storage’s last failure once every retry is spent, and tries no more', async () => {
    let calls = 0;
    const server = await recordingServer((req, res) => {
      calls += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(502);
        res.end('bad gateway');
      });
    });
    try {
      const bytes = patterned(2000, 23);
      const retries: UploadRetry[] = [];
      const res = await fileUploadFetch({ retryDelaysMs: [5, 5], onRetry: (r) => retries.push(r) })(`${server.url}/put`, {
        method: 'PUT',
        body: LocalFileBlob.ofFile(await fileOf('always-502.bin', bytes), bytes.length),
      });
      assert.equal(res.status, 502);
      assert.equal(await res.text(), 'bad gateway');
      assert.equal(calls, 3, 'the first attempt and two retries');
      assert.deepEqual(
        retries.map((r) => `${r.attempt}/${r.attempts} ${r.reason} ${r.delayMs}`),
        ['2/3 HTTP 502 5', '3/3 HTTP 502 5'],
      );
    } finally {
      await server.close();
    }
  });

  it('fails an upload whose socket stays idle past the idle timeout as ETIMEDOUT, and retries it', async () => {
    // A storage that takes the body and never answers.
    const server = await recordingServer((req) => req.resume());
    try {
      const bytes = patterned(500, 29);
      const retries: UploadRetry[] = [];
      const err = await fileUploadFetch({ idleTimeoutMs: 600, retryDelaysMs: [5], onRetry: (r) => retries.push(r) })(`${server.url}/idle`, {
        method: 'PUT',
        body: LocalFileBlob.ofFile(await fileOf('idle.bin', bytes), bytes.length),
      }).then(
        () => assert.fail('expected the idle upload to fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TypeError);
      assert.equal(networkFailureCode(err), 'ETIMEDOUT');
      assert.match(String((err.cause as Error).message), /no progress for 1 s/);
      assert.deepEqual(
        retries.map((r) => r.reason),
        ['ETIMEDOUT'],
      );
    } finally {
      server.server.closeAllConnections();
      await server.close();
    }
  });

  it('gives a 204 answer a null body, as fetch does, and keeps the storage’s headers', async () => {
    const server = await recordingServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(204, { ETag: '"no-content"', 'X-Amz-Request-Id': 'r1' });
        res.end();
      });
    });
    try {
      const bytes = patterned(300, 31);
      const notUsed = (() => Promise.reject(new Error('the wrapped fetch was used'))) as typeof fetch;
      // A lower-case method is still an upload (fetch upper-cases it too).
      const res = await fileUploadFetch({ fallback: notUsed })(`${server.url}/empty-answer`, {
        method: 'post',
        body: LocalFileBlob.ofFile(await fileOf('no-content.bin', bytes), bytes.length),
      });
      assert.equal(res.status, 204);
      assert.equal(res.statusText, 'No Content');
      assert.equal(res.body, null);
      assert.equal(res.headers.get('etag'), '"no-content"');
      assert.equal(res.headers.get('x-amz-request-id'), 'r1');
      assert.equal(res.url, `${server.url}/empty-answer`);
    } finally {
      await server.close();
    }
  });

  it('stops waiting to retry when the upload is cancelled during the pause, not only before it', async () => {
    const server = await recordingServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(503);
        res.end();
      });
    });
    try {
      const bytes = patterned(1000, 37);
      const controller = new AbortController();
      const started = Date.now();
      const upload = fileUploadFetch({ retryDelaysMs: [60_000], onRetry: () => setTimeout(() => controller.abort(), 50) })(`${server.url}/put`, {
        method: 'PUT',
        body: LocalFileBlob.ofFile(await fileOf('cancel-in-pause.bin', bytes), bytes.length),
        signal: controller.signal,
      });
      await assert.rejects(upload, (err: unknown) => err instanceof DOMException && err.name === 'AbortError');
      assert.ok(Date.now() - started < 30_000, 'rejected long before the 60 s pause would have ended');
    } finally {
      await server.close();
    }
  });

  it('sends multipart parts as slices of the file and sums their progress for the file', async () => {
    const server = await recordingServer();
    try {
      const bytes = patterned(3 * FILE_READ_CHUNK, 13);
      const blob = LocalFileBlob.ofFile(await fileOf('parts.bin', bytes), bytes.length);
      const partSize = 1.5 * FILE_READ_CHUNK;
      const progress: number[] = [];
      const progressCallback = (p: number) => progress.push(p);
      const upload = fileUploadFetch();
      const answers = await Promise.all(
        [0, 1].map((index) =>
          upload(`${server.url}/part-${index + 1}`, {
            method: 'PUT',
            body: blob.slice(index * partSize, (index + 1) * partSize),
            ...{ progressHint: { progressCallback, part: index, numParts: 2 } },
          }),
        ),
      );
      assert.deepEqual(
        answers.map((r) => r.headers.get('etag')),
        ['"etag-/part-1"', '"etag-/part-2"'],
      );
      const byUrl = new Map(server.received.map((r) => [r.url, r]));
      assert.deepEqual(byUrl.get('/part-1')?.body, bytes.subarray(0, partSize));
      assert.deepEqual(byUrl.get('/part-2')?.body, bytes.subarray(partSize));
      assert.equal(byUrl.get('/part-2')?.headers['content-length'], String(partSize));
      assert.ok(
        progress.some((p) => p > 0.5 && p < 1),
        'the parts add up past one part’s share',
      );
      assert.ok(progress.every((p) => p < 1));
    } finally {
      await server.close();
    }
  });

  it('fails the upload, naming the file, when the file became shorter than listed', async () => {
    const server = await recordingServer((req) => req.resume());
    try {
      const file = await fileOf('shrunk-upload.bin', patterned(FILE_READ_CHUNK + 10));
      const err = await fileUploadFetch()(`${server.url}/x`, { method: 'PUT', body: LocalFileBlob.ofFile(file, 3 * FILE_READ_CHUNK) }).then(
        () => assert.fail('expected the upload to fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof FileChangedError);
      assert.equal(err.filePath, file);
    } finally {
      server.server.closeAllConnections();
      await server.close();
    }
  });

  it('passes every request without a file body to the fetch it wraps, untouched', async () => {
    const seen: Array<{ input: unknown; init: RequestInit | undefined }> = [];
    const fallback = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push({ input, init });
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const upload = fileUploadFetch({ fallback });
    const json = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"files":[]}' };
    await upload('https://hub.example/api/models/a/b/preupload/main', json);
    await upload('https://hub.example/api/whoami-v2');
    const memoryBlob = { method: 'PUT', body: new Blob(['in memory']) };
    await upload('https://storage.example/x', memoryBlob);
    // A file body, but not an upload (GET), or to a URL node:http cannot reach: left to the wrapped fetch too.
    const file = LocalFileBlob.ofFile(await fileOf('fallback.bin', patterned(10)), 10);
    const getWithFile = { method: 'GET', body: file };
    await upload('https://storage.example/y', getWithFile);
    const otherScheme = { method: 'PUT', body: file };
    await upload('ftp://storage.example/z', otherScheme);
    assert.deepEqual(
      seen.map((s) => s.init),
      [json, undefined, memoryBlob, getWithFile, otherScheme],
    );
  });

  it('fails a refused connection the way node fetch does, so the Hub errors name the cause', async () => {
    const server = await recordingServer();
    const url = server.url;
    await server.close();
    const bytes = patterned(100);
    const retries: UploadRetry[] = [];
    const err = await fileUploadFetch({ retryDelaysMs: [5, 5], onRetry: (r) => retries.push(r) })(`${url}/x`, {
      method: 'PUT',
      body: LocalFileBlob.ofFile(await fileOf('refused-conn.bin', bytes), bytes.length),
    }).then(
      () => assert.fail('expected a network failure'),
      (e: unknown) => e,
    );
    assert.deepEqual(
      retries.map((r) => `${r.attempt}/${r.attempts} ${r.reason}`),
      ['2/3 ECONNREFUSED', '3/3 ECONNREFUSED'],
      'tried three times in all',
    );
    assert.ok(err instanceof TypeError);
    assert.equal(networkFailureCode(err), 'ECONNREFUSED');
    assert.equal(toHubError(err, { action: 'upload to alice/m', hubUrl: 'https://huggingface.co' }).code, 'hub.network');
  });

  it('stops sending when aborted mid-upload and rejects with an AbortError', async () => {
    const controller = new AbortController();
    let closedEarly: Promise<boolean> | undefined;
    // A storage that never answers, as a stalled upload looks; the user cancels once its first bytes arrived.
    const server = await recordingServer((req) => {
      closedEarly = new Promise((resolve) => req.on('close', () => resolve(!req.complete)));
      req.once('data', () => controller.abort());
      req.resume();
    });
    try {
      const bytes = patterned(3 * FILE_READ_CHUNK, 17);
      const pending = fileUploadFetch()(`${server.url}/stalled`, {
        method: 'PUT',
        body: LocalFileBlob.ofFile(await fileOf('aborted.bin', bytes), bytes.length),
        signal: controller.signal,
      });
      await assert.rejects(pending, (err: unknown) => err instanceof Error && err.name === 'AbortError');
      assert.equal(await closedEarly, true, 'the connection closed before the whole body arrived');
    } finally {
      server.server.closeAllConnections();
      await server.close();
    }
  });
});
