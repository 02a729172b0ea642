// Push to Hub's plain-LFS commit (src/hub/lfsCommit.ts) step by step against the Hub emulator, which
// decides LFS by .gitattributes, size and a binary sample as the Hub does, checks every stored
// object's sha256 and hands out multipart uploads above `multipartChunkSize`.
//
// Where a test needs a Hub or a storage that misbehaves (an LFS batch answering for an object it was
// not asked about, a part URL missing, a part answer without its ETag, S3's XML error on completion,
// an OAuth-style JSON error), the emulator's answer is rewritten on its way back, in `tamper` below:
// the emulator itself answers correctly, and no local server can be made to answer those otherwise.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRepo, HubApiError } from '@huggingface/hub';
import { stampOf } from '../../src/artifacts/hashRecord';
import { fileUploadFetch } from '../../src/hub/fileUploadFetch';
import { lfsCommit } from '../../src/hub/lfsCommit';
import type { LfsCommitEvent, LfsCommitFile, LfsCommitOptions, LfsCommitResult } from '../../src/hub/lfsCommit';
import { EMULATOR_USER, EMULATOR_WRITE_TOKEN, startHubEmulator } from '../emulators/hub/hubEmulator';
import type { HubEmulator } from '../emulators/hub/hubEmulator';
import { pseudoRandomBytes } from './pseudoRandomBytes';

/** Objects above 1 MiB go up in parts of 1 MiB. */
const PART = 1024 * 1024;
let hub: HubEmulator;
let workDir: string;
let repoCount = 0;

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lfs-commit-'));
  hub = await startHubEmulator({ maxLifetimeMs: 5 * 60_000, multipartChunkSize: PART });
});

after(async () => {
  await hub?.stop();
  await fs.rm(workDir, { recursive: true, force: true });
});

/** A new repository and a folder holding `files` (path → content), listed in the order given. */
async function setUp(files: Array<[string, Buffer | string]>): Promise<{ repo: string; files: LfsCommitFile[] }> {
  const name = `lfs-commit-${++repoCount}`;
  const repo = `${EMULATOR_USER}/${name}`;
  await createRepo({ repo: { type: 'model', name: repo }, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
  const dir = path.join(workDir, name);
  const listed: LfsCommitFile[] = [];
  for (const [rel, content] of files) {
    const abs = path.join(dir, rel);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, content);
    const stat = await fs.stat(abs, { bigint: true });
    listed.push({ path: rel, absolutePath: abs, size: Number(stat.size), stamp: stampOf(stat) });
  }
  return { repo, files: listed };
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A fetch through fileUploadFetch (as Push to Hub's) that records every request and lets `rewrite`
 * replace the emulator's answer to one.
 */
function tamper(
  rewrite: (sent: Sent, res: Response) => Promise<Response | undefined> | Response | undefined = () => undefined,
  instead: (sent: Sent, init: RequestInit | undefined) => Promise<Response> | undefined = () => undefined,
): { fetch: typeof fetch; sent: Sent[]; maxInFlight: (route: 'lfs-upload' | 'lfs-part') => number } {
  const base = fileUploadFetch({ retryDelaysMs: [] });
  const sent: Sent[] = [];
  /** PUTs under way and the most at once, by route: whole objects (/lfs-upload/) and parts (/lfs-part/). */
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    sent.push(request);
    const route = request.method === 'PUT' ? new URL(request.url).pathname.split('/')[1]! : undefined;
    if (route) {
      inFlight.set(route, (inFlight.get(route) ?? 0) + 1);
      most.set(route, Math.max(most.get(route) ?? 0, inFlight.get(route)!));
    }
    try {
      const res = await (instead(request, init) ?? base(input, init));
      return (await rewrite(request, res)) ?? res;
    } finally {
      if (route) inFlight.set(route, inFlight.get(route)! - 1);
    }
  };
  return { fetch: wrapped as typeof fetch, sent, maxInFlight: (route) => most.get(route) ?? 0 };
}

/** An answer that never comes: the request ends only when its signal aborts. */
const hangUntilAborted = (init: RequestInit | undefined): Promise<Response> =>
  new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));

function commit(repo: string, files: LfsCommitFile[], more: Partial<LfsCommitOptions> = {}, events: LfsCommitEvent[] = []): Promise<LfsCommitResult> {
  return lfsCommit({
    repo,
    accessToken: EMULATOR_WRITE_TOKEN,
    hubUrl: hub.url,
    title: 'Upload model',
    files,
    fetch: tamper().fetch,
    onEvent: (e) => events.push(e),
    ...more,
  });
}

const isBatch = (s: Sent) => s.url.endsWith('.git/info/lfs/objects/batch');
const isPreupload = (s: Sent) => /\/preupload\/main$/.test(s.url);
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
/** Bytes with a NUL at `at`: the Hub takes a file as binary when its sample (its first 512 bytes) holds one. */
const textWithNulAt = (at: number, size: number) => {
  const bytes = Buffer.alloc(size, 'a');
  bytes[at] = 0;
  return bytes;
};

describe('lfsCommit: what goes through LFS', () => {
  it("sends the folder's own .gitattributes to preupload, so a file it marks goes through LFS", async () => {
    // .gitattributes last: the file is found by its name, wherever the listing has it.
    const { repo, files } = await setUp([
      ['config.json', '{"model_type": "bart"}\n'],
      ['notes.txt', 'trained on samsum\n'],
      ['.gitattributes', '*.txt filter=lfs diff=lfs merge=lfs -text\n'],
    ]);
    const result = await commit(repo, files);
    assert.deepEqual(
      result.lfs.map((f) => f.path),
      ['notes.txt'],
    );
    const stored = await hub.readFile(repo, 'notes.txt');
    assert.equal(stored?.toString(), 'trained on samsum\n');
    assert.ok(hub.state.lfsObjects.has(sha256('trained on samsum\n')), 'notes.txt is not an LFS object');
  });

  it('sends each file’s first 512 bytes as its sample, as the client does (the Hub judges binary files by it)', async () => {
    const long = Buffer.from('x'.repeat(2000) + '\n');
    const { repo, files } = await setUp([
      ['long.txt', long],
      ['short.txt', 'hi\n'],
      ['early-nul.dat', textWithNulAt(100, 700)],
    ]);
    const { fetch, sent } = tamper();
    const result = await commit(repo, files, { fetch });
    const samples = sent.filter(isPreupload).flatMap((s) => (JSON.parse(s.body!) as { files: Array<{ path: string; sample: string }> }).files);
    assert.deepEqual(
      samples.map((f) => [f.path, Buffer.from(f.sample, 'base64').toString('latin1')]),
      [
        ['long.txt', long.subarray(0, 512).toString('latin1')],
        ['short.txt', 'hi\n'],
        ['early-nul.dat', textWithNulAt(100, 512).toString('latin1')],
      ],
    );
    assert.deepEqual(
      result.lfs.map((f) => f.path),
      ['early-nul.dat'],
    );
  });

  it('asks preupload about 100 files at a time, each file once, with JSON', async () => {
    const { repo, files } = await setUp(Array.from({ length: 200 }, (_, i): [string, string] => [`tokens/part-${String(i).padStart(3, '0')}.txt`, `${i}\n`]));
    const { fetch, sent } = tamper();
    const result = await commit(repo, files, { fetch });
    const preuploads = sent.filter(isPreupload);
    assert.deepEqual(
      preuploads.map((s) => (JSON.parse(s.body!) as { files: unknown[] }).files.length),
      [100, 100],
    );
    const asked = preuploads.flatMap((s) => (JSON.parse(s.body!) as { files: Array<{ path: string }> }).files.map((f) => f.path));
    assert.deepEqual(
      asked,
      files.map((f) => f.path),
    );
    assert.ok(preuploads.every((s) => s.headers['content-type'] === 'application/json'));
    assert.equal(result.lfs.length, 0);
    assert.equal((await hub.readFile(repo, 'tokens/part-199.txt'))?.toString(), '199\n');
  });

  it('asks the LFS batch in the git-lfs media type, as the Git LFS API and the hub client do', async () => {
    const { repo, files } = await setUp([['weights.bin', pseudoRandomBytes(3, 4096)]]);
    const { fetch, sent } = tamper();
    await commit(repo, files, { fetch });
    const batch = sent.filter(isBatch);
    assert.equal(batch.length, 1);
    assert.equal(batch[0]!.headers['accept'], 'application/vnd.git-lfs+json');
    assert.equal(batch[0]!.headers['content-type'], 'application/vnd.git-lfs+json');
    assert.deepEqual(JSON.parse(batch[0]!.body!), {
      operation: 'upload',
      transfers: ['basic', 'multipart'],
      hash_algo: 'sha_256',
      ref: { name: 'main' },
      objects: [{ oid: sha256(await fs.readFile(files[0]!.absolutePath)), size: 4096 }],
    });
    // The upload carries the batch answer's request id, as the client sends it.
    const put = sent.find((s) => s.method === 'PUT')!;
    assert.match(put.headers['x-request-id'] ?? '', /^Root=1-emulator-\d+$/);
  });

  it('asks the LFS batch about 100 objects at a time', { timeout: 60_000 }, async () => {
    const contents = Array.from({ length: 101 }, (_, i) => pseudoRandomBytes(100 + i, 600));
    const { repo, files } = await setUp(contents.map((c, i): [string, Buffer] => [`blobs/${String(i).padStart(3, '0')}.bin`, c]));
    const { fetch, sent } = tamper();
    const known = files.map((f, i) => ({ ...f, knownSha256: sha256(contents[i]!) }));
    const result = await commit(repo, known, { fetch });
    assert.deepEqual(
      sent.filter(isBatch).map((s) => (JSON.parse(s.body!) as { objects: unknown[] }).objects.length),
      [100, 1],
    );
    assert.equal(result.lfs.filter((f) => f.uploaded).length, 101);
  });
});

describe('lfsCommit: sending', () => {
  it('sends seven known objects five at a time, and a seven-part object five parts at a time; all arrive whole', { timeout: 60_000 }, async () => {
    const contents = Array.from({ length: 7 }, (_, i) => pseudoRandomBytes(10 + i, 64 * 1024));
    const big = pseudoRandomBytes(20, 7 * PART - 100);
    const { repo, files } = await setUp([...contents.map((c, i): [string, Buffer] => [`shard-${i}.bin`, c]), ['big.bin', big]]);
    // Known hashes (as from the hash record): every object is asked for at once, so the sixth waits for a slot.
    const known = files.map((f, i) => ({ ...f, knownSha256: sha256(i < 7 ? contents[i]! : big) }));
    const { fetch, maxInFlight } = tamper();
    const result = await commit(repo, known, { fetch });
    assert.deepEqual(
      result.lfs.map((f) => [f.path, f.hashed, f.uploaded]),
      known.map((f) => [f.path, false, true]),
    );
    assert.equal(maxInFlight('lfs-upload'), 5, 'not five uploads at a time');
    assert.equal(maxInFlight('lfs-part'), 5, 'not five parts of a file at a time');
    for (const [i, c] of contents.entries()) assert.ok((await hub.readFile(repo, `shard-${i}.bin`))?.equals(c), `shard-${i}.bin differs`);
    assert.ok((await hub.readFile(repo, 'big.bin'))?.equals(big), 'big.bin differs');
  });

  it('sends eight files one after another, each upload giving its slot back', { timeout: 60_000 }, async () => {
    const contents = Array.from({ length: 8 }, (_, i) => pseudoRandomBytes(60 + i, 8192));
    const { repo, files } = await setUp(contents.map((c, i): [string, Buffer] => [`part-${i}.bin`, c]));
    // Each file is asked about only once the upload before it has ended, so every upload starts with
    // all slots free and ends with none waiting: the slot count must come back down each time.
    let uploadsDone = 0;
    let batches = 0;
    const { fetch, maxInFlight } = tamper(
      (s) => {
        if (s.method === 'PUT') uploadsDone++;
        return undefined;
      },
      (s, init) => {
        if (!isBatch(s)) return undefined;
        const before = batches++;
        return (async () => {
          while (uploadsDone < before) await new Promise((resolve) => setTimeout(resolve, 5));
          return globalThis.fetch(s.url, init);
        })();
      },
    );
    const result = await commit(repo, files, { fetch });
    assert.equal(maxInFlight('lfs-upload'), 1);
    assert.deepEqual(
      result.lfs.map((f) => [f.path, f.sha256, f.hashed, f.uploaded]),
      files.map((f, i) => [f.path, sha256(contents[i]!), true, true]),
    );
  });

  it('reports hashing progress of a file it hashes: 0, each 32 MiB as a fraction, then 1', { timeout: 60_000 }, async () => {
    const size = 40 * 1024 * 1024;
    const { repo, files } = await setUp([['model.safetensors', pseudoRandomBytes(5, size)]]);
    const events: LfsCommitEvent[] = [];
    const result = await commit(repo, files, {}, events);
    assert.deepEqual(
      result.lfs.map((f) => [f.path, f.hashed, f.uploaded]),
      [['model.safetensors', true, true]],
    );
    const hashing = events.flatMap((e) => (e.event === 'fileProgress' && e.path === 'model.safetensors' && e.state === 'hashing' ? [e.progress] : []));
    assert.deepEqual(hashing, [0, (32 * 1024 * 1024) / size, 1]);
    const uploading = events.flatMap((e) => (e.event === 'fileProgress' && e.path === 'model.safetensors' && e.state === 'uploading' ? [e.progress] : []));
    assert.equal(uploading[0], 0);
    assert.equal(uploading.at(-1), 1);
  });

  it('asks once for content it already asked about or the Hub holds, and reports those files sent', async () => {
    const same = pseudoRandomBytes(30, 4096);
    const { repo, files } = await setUp([
      ['a.bin', same],
      ['b.bin', same],
    ]);
    const sentFiles = (events: LfsCommitEvent[]) => events.flatMap((e) => (e.event === 'fileProgress' && e.state === 'uploading' && e.progress === 1 ? [e.path] : [])).sort();
    // Never hashed: each is asked about as soon as it is hashed; the second is the object the first asked for.
    const first = tamper();
    const events: LfsCommitEvent[] = [];
    await commit(repo, files, { fetch: first.fetch }, events);
    assert.equal(first.sent.filter(isBatch).length, 1);
    assert.equal(first.sent.filter((s) => s.method === 'PUT').length, 1);
    assert.deepEqual(sentFiles(events), ['a.bin', 'b.bin']);
    // Again: the Hub holds the object, so nothing is sent, and both files are done.
    const again = tamper();
    const second: LfsCommitEvent[] = [];
    await commit(repo, files, { fetch: again.fetch }, second);
    assert.equal(again.sent.filter((s) => s.method === 'PUT').length, 0);
    assert.deepEqual(sentFiles(second), ['a.bin', 'b.bin']);
  });

  it('refuses a file whose stamp or size moved since it was listed, or that changed while it was hashed', { timeout: 60_000 }, async () => {
    const { repo, files } = await setUp([['weights.bin', pseudoRandomBytes(31, 4096)]]);
    const listed = files[0]!;
    const changed = { name: 'FileChangedError', message: `${listed.absolutePath} changed while it was being read: do not change the model folder while it is pushed.` };
    for (const stamp of [
      { ...listed.stamp, size: listed.stamp.size + 1 },
      { ...listed.stamp, mtimeNs: '1' },
      { ...listed.stamp, ctimeNs: '1' },
    ]) {
      await assert.rejects(commit(repo, [{ ...listed, stamp }]), changed, JSON.stringify(stamp));
    }
    await assert.rejects(commit(repo, [{ ...listed, size: listed.size + 1 }]), changed);
    // Touched while the worker reads it: the stamp before the first read is the listed one, the one after is not.
    const big = await setUp([['model.safetensors', pseudoRandomBytes(32, 96 * 1024 * 1024)]]);
    const file = big.files[0]!;
    let touched = false;
    const touch = (e: LfsCommitEvent) => {
      if (!touched && e.event === 'fileProgress' && e.state === 'hashing' && e.progress > 0 && e.progress < 1) {
        touched = true;
        utimesSync(file.absolutePath, new Date(), new Date(2020, 0, 1));
      }
    };
    await assert.rejects(commit(big.repo, big.files, { onEvent: touch }), { name: 'FileChangedError', message: changed.message.replace(listed.absolutePath, file.absolutePath) });
    assert.ok(touched);
  });
});

describe('lfsCommit: a Hub or a storage that refuses or misbehaves', () => {
  it("names the file of an object the batch refuses, with the Hub's words, its status and request id", async () => {
    const { repo, files } = await setUp([['weights.bin', pseudoRandomBytes(4, 4096)]]);
    // A hash record gone bad: not a sha256 at all. The Hub refuses the object in its batch answer.
    const bad = files.map((f) => ({ ...f, knownSha256: 'not-a-sha256' }));
    await assert.rejects(commit(repo, bad), (err: unknown) => {
      assert.ok(err instanceof HubApiError, String(err));
      assert.equal(err.statusCode, 422);
      assert.match(err.requestId ?? '', /^Root=1-emulator-\d+$/);
      assert.equal(
        err.message,
        `Error while doing LFS batch call for weights.bin: Invalid object: oid must be a sha256 and size a non-negative integer - Request ID: ${err.requestId}`,
      );
      return true;
    });
  });

  it('leaves the request id out of a batch refusal that came without one', async () => {
    const { repo, files } = await setUp([['weights.bin', pseudoRandomBytes(5, 4096)]]);
    const bad = files.map((f) => ({ ...f, knownSha256: 'not-a-sha256' }));
    // The same refusal, its X-Request-Id header dropped on the way.
    const { fetch } = tamper(async (s, res) => (isBatch(s) ? json(res.status, await res.json()) : undefined));
    await assert.rejects(commit(repo, bad, { fetch }), {
      message: 'Error while doing LFS batch call for weights.bin: Invalid object: oid must be a sha256 and size a non-negative integer',
    });
  });

  it("reports the storage's refusal of an upload, not the cancel of the others it stops", { timeout: 60_000 }, async () => {
    const { repo, files } = await setUp([
      ['a.bin', pseudoRandomBytes(40, 4096)],
      ['b.bin', pseudoRandomBytes(41, 4096)],
    ]);
    const known = files.map((f) => ({ ...f, knownSha256: sha256(readFileSync(f.absolutePath)) }));
    let batchRequestId: string | null = null;
    const puts: string[] = [];
    const { fetch } = tamper(
      (s, res) => {
        if (isBatch(s)) batchRequestId = res.headers.get('X-Request-Id');
        return undefined;
      },
      (s, init) => {
        if (s.method !== 'PUT') return undefined;
        puts.push(s.url);
        // b.bin's upload hangs until it is stopped; a.bin's is refused once both are under way.
        if (s.url.includes(known[1]!.knownSha256)) return hangUntilAborted(init);
        return (async () => {
          while (puts.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
          return new Response(new TextEncoder().encode('<Error><Code>InternalError</Code></Error>'), { status: 500 });
        })();
      },
    );
    await assert.rejects(commit(repo, known, { fetch }), (err: unknown) => {
      assert.ok(err instanceof HubApiError, String(err));
      assert.equal(err.statusCode, 500);
      assert.equal(err.message, `Api error with status 500. Error while uploading a.bin to LFS storage. URL: . Request ID: ${batchRequestId}`);
      return true;
    });
  });

  it('names the part and the file of a part the storage refuses', { timeout: 60_000 }, async () => {
    const { repo, files } = await setUp([['big.bin', pseudoRandomBytes(42, 2 * PART)]]);
    const { fetch } = tamper(undefined, (s) =>
      s.method === 'PUT' && /\/lfs-part\/[0-9a-f]+\/2\?/.test(s.url) ? Promise.resolve(new Response(new TextEncoder().encode('SlowDown'), { status: 503 })) : undefined,
    );
    await assert.rejects(commit(repo, files, { fetch }), (err: unknown) => {
      assert.ok(err instanceof HubApiError, String(err));
      assert.match(err.message, /^Api error with status 503\. Error while uploading part 2 of big\.bin to LFS storage\. URL: \. Request ID: Root=1-emulator-\d+$/);
      return true;
    });
  });

  it('refuses a batch answer for an object it did not ask about', async () => {
    const { repo, files } = await setUp([['weights.bin', pseudoRandomBytes(6, 4096)]]);
    const stranger = 'f'.repeat(64);
    const { fetch } = tamper(async (s, res) => {
      if (!isBatch(s)) return undefined;
      const answer = (await res.json()) as { objects: unknown[] };
      answer.objects.push({ oid: stranger, size: 1 });
      return json(200, answer);
    });
    await assert.rejects(commit(repo, files, { fetch }), { message: `The Hub's LFS batch answered for an object it was not asked about (${stranger}).` });
  });

  it('refuses a multipart answer whose part URLs do not match the size, sending nothing', async () => {
    const { repo, files } = await setUp([['big.bin', pseudoRandomBytes(7, 3 * PART)]]);
    const { fetch, sent } = tamper(async (s, res) => {
      if (!isBatch(s)) return undefined;
      const answer = (await res.json()) as { objects: Array<{ actions: { upload: { header: Record<string, string> } } }> };
      delete answer.objects[0]!.actions.upload.header['3'];
      return json(200, answer);
    });
    await assert.rejects(commit(repo, files, { fetch }), { message: 'Invalid server response to upload large LFS file, wrong number of parts' });
    assert.equal(sent.filter((s) => s.method === 'PUT').length, 0);
  });

  it('fails when the storage answers a part without its ETag', async () => {
    const { repo, files } = await setUp([['big.bin', pseudoRandomBytes(8, 2 * PART)]]);
    const { fetch } = tamper((s) => (s.method === 'PUT' && s.url.includes('/lfs-part/') ? new Response(null, { status: 200 }) : undefined));
    await assert.rejects(commit(repo, files, { fetch }), { message: 'Cannot get ETag of part during multipart upload' });
  });

  it("completes a multipart upload with every part's ETag in order; S3's XML refusal names the file and the batch's request id", async () => {
    const { repo, files } = await setUp([['big.bin', pseudoRandomBytes(9, 2 * PART + 5)]]);
    let batchRequestId: string | null = null;
    const { fetch, sent } = tamper((s, res) => {
      if (isBatch(s)) batchRequestId = res.headers.get('X-Request-Id');
      if (!s.url.includes('/lfs-complete/')) return undefined;
      // S3's answer to a completion naming a part it does not hold: XML, no request id of the Hub's.
      return new Response(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidPart</Code><Message>One or more of the specified parts could not be found.</Message></Error>',
        {
          status: 400,
          headers: { 'Content-Type': 'application/xml' },
        },
      );
    });
    await assert.rejects(commit(repo, files, { fetch }), (err: unknown) => {
      assert.ok(err instanceof HubApiError, String(err));
      assert.equal(err.statusCode, 400);
      assert.ok(batchRequestId);
      assert.equal(err.requestId, batchRequestId);
      assert.equal(err.message, `Api error with status 400. Error completing multipart upload of big.bin to LFS storage. URL: . Request ID: ${batchRequestId}`);
      assert.match(String((err.data as { message: string }).message), /<Code>InvalidPart<\/Code>/);
      return true;
    });
    const completion = JSON.parse(sent.find((s) => s.url.includes('/lfs-complete/'))!.body!) as { oid: string; parts: Array<{ partNumber: number; etag: string }> };
    assert.equal(completion.oid, files[0]!.knownSha256 ?? sha256(await fs.readFile(files[0]!.absolutePath)));
    assert.deepEqual(
      completion.parts.map((p) => p.partNumber),
      [1, 2, 3],
    );
    assert.ok(
      completion.parts.every((p) => /^"[0-9a-f]{32}"$/.test(p.etag)),
      JSON.stringify(completion.parts),
    );
    const completionHeaders = sent.find((s) => s.url.includes('/lfs-complete/'))!.headers;
    assert.equal(completionHeaders['accept'], 'application/vnd.git-lfs+json');
    assert.equal(completionHeaders['content-type'], 'application/vnd.git-lfs+json');
  });

  it('reads a JSON error as the hub client does: `error`, else `message`, with an OAuth-style `error_description` after it', async () => {
    const cases: Array<[unknown, string]> = [
      [{ error: 'invalid_token', error_description: 'The access token expired' }, 'invalid_token: The access token expired'],
      [{ error: 'Repository is disabled' }, 'Repository is disabled'],
      [{ message: 'Rate limit reached' }, 'Rate limit reached'],
      [{}, 'Api error with status 401'],
    ];
    for (const [body, message] of cases) {
      const { repo, files } = await setUp([['config.json', '{}\n']]);
      const { fetch } = tamper((s) => (isPreupload(s) ? json(401, body, { 'X-Request-Id': 'Root=1-test' }) : undefined));
      await assert.rejects(commit(repo, files, { fetch }), (err: unknown) => {
        assert.ok(err instanceof HubApiError, String(err));
        assert.equal(err.message, `${message}. URL: . Request ID: Root=1-test`);
        assert.deepEqual(err.data, body);
        return true;
      });
    }
  });

  it('reads JSON by its media type whatever its parameters, takes any other body as text, and says no request id when there is none', async () => {
    const answers: Array<[Response, string, unknown]> = [
      [json(403, { error: 'Forbidden' }, { 'Content-Type': 'application/json; charset=utf-8' }), 'Forbidden. URL: ', { error: 'Forbidden' }],
      [new Response(new TextEncoder().encode('Bad Gateway'), { status: 502 }), 'Api error with status 502. URL: ', { message: 'Bad Gateway' }],
    ];
    for (const [answer, message, data] of answers) {
      const { repo, files } = await setUp([['config.json', '{}\n']]);
      const { fetch } = tamper((s) => (isPreupload(s) ? answer : undefined));
      await assert.rejects(commit(repo, files, { fetch }), (err: unknown) => {
        assert.ok(err instanceof HubApiError, String(err));
        assert.equal(err.message, message);
        assert.deepEqual(err.data, data);
        return true;
      });
    }
  });
});

describe('lfsCommit: cancelling', () => {
  for (const [step, route] of [
    ['preupload', /preupload/],
    ['commit', /\/commit\/main$/],
  ] as const) {
    it(`stops waiting for the ${step} answer as soon as it is cancelled`, { timeout: 30_000 }, async (t) => {
      const { repo, files } = await setUp([['config.json', '{}\n']]);
      // The Hub takes ten minutes to answer that step: only the cancel can end the commit in time.
      hub.setFaults({ delayMs: 10 * 60_000, delayOn: route });
      t.after(() => hub.setFaults({}));
      const controller = new AbortController();
      const { fetch, sent } = tamper();
      const committing = commit(repo, files, { fetch, signal: controller.signal });
      while (!sent.some((s) => route.test(new URL(s.url).pathname))) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      await assert.rejects(committing, { name: 'AbortError' });
    });
  }
});
