// Issue 21: each byte hashed once, where it first passes. Download Model's extractor records every file's
// sha256 as it writes it; Push to Hub sends with a recorded hash while the file's size, mtime and ctime
// hold, hashes the others in a worker while it sends, and asks the LFS batch first so it sends only what
// the Hub lacks. Everything runs for real: the local backend's model.tar.gz writer, the safe extractor,
// the push, and the Hub emulator (which checks the sha256 of every stored object). Counts are asserted
// (hash passes, PUTs), never times.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { extractTarGzFile } from '../../src/artifacts/extractArchive';
import { HASH_RECORD_PATH, readHashRecord, stampOf, writeHashRecord } from '../../src/artifacts/hashRecord';
import type { FileHashAnswer, FileHashRequest } from '../../src/hub/fileHashProtocol';
import { HubError } from '../../src/hub/hubErrors';
import { listModelFolder, pushModelFolder } from '../../src/hub/pushModelFolder';
import type { PushProgress, PushResult } from '../../src/hub/pushModelFolder';
import { packFolder } from '../../src/local/artifacts';
import { EMULATOR_USER, EMULATOR_WRITE_TOKEN, startHubEmulator } from '../emulators/hub/hubEmulator';
import type { HubEmulator } from '../emulators/hub/hubEmulator';
import { pseudoRandomBytes } from './pseudoRandomBytes';
import { REPO_ROOT } from './repoRoot';

const WEIGHTS = 'model.safetensors';
/** Above the Hub's 10 MiB line, so the weights go through LFS by size as well as by name. */
const WEIGHTS_SIZE = 10 * 1024 * 1024 + 4096;

let hub: HubEmulator;
let workDir: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A trained model's folder as a job leaves it. */
async function trainedModel(name: string, seed: number): Promise<string> {
  const dir = path.join(workDir, name);
  await fs.mkdir(path.join(dir, 'tokenizer'), { recursive: true });
  await fs.writeFile(path.join(dir, 'config.json'), '{"model_type": "bart"}\n');
  await fs.writeFile(path.join(dir, 'tokenizer', 'vocab.txt'), 'hello\nworld\n');
  await fs.writeFile(path.join(dir, WEIGHTS), pseudoRandomBytes(seed, WEIGHTS_SIZE));
  return dir;
}

/** The model as Download Model leaves it: packed as the local backend packs model.tar.gz, then extracted. */
async function downloadedModel(name: string, seed: number): Promise<string> {
  const trained = await trainedModel(`${name}-trained`, seed);
  const archive = path.join(workDir, `${name}.tar.gz`);
  await packFolder(trained, archive);
  const target = path.join(workDir, name);
  await extractTarGzFile(archive, target, { recordHashes: true });
  return target;
}

function push(folder: string, repo: string, events: PushProgress[] = [], hubUrl = hub.url): Promise<PushResult> {
  return pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl, onProgress: (e) => events.push(e) });
}

const largeFilePuts = (h: HubEmulator = hub) => h.state.requests.filter((r) => r.method === 'PUT' && (r.path.startsWith('/lfs-upload/') || r.path.startsWith('/lfs-part/'))).length;
/** Files of the push read and hashed by it: one pass each. */
const hashed = (result: PushResult) =>
  result.files
    .filter((f) => f.hashed)
    .map((f) => f.path)
    .sort();
const hashingDone = (events: PushProgress[]) => events.filter((e) => e.kind === 'file' && e.state === 'hashing' && e.progress === 1).map((e) => (e.kind === 'file' ? e.path : ''));

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-hashes-'));
  hub = await startHubEmulator({ maxLifetimeMs: 5 * 60_000 });
});

after(async () => {
  await hub?.stop();
  await fs.rm(workDir, { recursive: true, force: true });
});

describe("Download Model's extractor records hashes", () => {
  it('records the sha256 and stamp of every file it writes, in .cache/ (which a push leaves out)', async () => {
    const folder = await downloadedModel('recorded', 1);
    const record = await readHashRecord(folder);
    assert.deepEqual([...record.keys()].sort(), ['config.json', WEIGHTS, 'tokenizer/vocab.txt']);
    for (const [file, entry] of record) {
      const abs = path.join(folder, file);
      assert.equal(entry.sha256, sha256(await fs.readFile(abs)), file);
      assert.deepEqual({ size: entry.size, mtimeNs: entry.mtimeNs, ctimeNs: entry.ctimeNs }, stampOf(await fs.stat(abs, { bigint: true })), file);
    }
    const listing = await listModelFolder(folder);
    assert.ok(!listing.files.some((f) => f.path.startsWith('.cache/')), 'the record would be pushed');
    assert.deepEqual(listing.skipped, ['.cache/']);
  });

  it('writes no record unless asked (sagemaker-hf extract), and replaces one the archive carried with its own', async () => {
    const trained = await trainedModel('planted-trained', 2);
    // An archive that brings its own "record", claiming another hash for the weights.
    await fs.mkdir(path.join(trained, '.cache', 'sagemaker-hf'), { recursive: true });
    const planted = { version: 1, files: { [WEIGHTS]: { size: WEIGHTS_SIZE, mtimeNs: '1', ctimeNs: '1', sha256: 'a'.repeat(64) } } };
    await fs.writeFile(path.join(trained, ...HASH_RECORD_PATH.split('/')), JSON.stringify(planted));
    const archive = path.join(workDir, 'planted.tar.gz');
    await packFolder(trained, archive);

    const plain = path.join(workDir, 'planted-plain');
    await extractTarGzFile(archive, plain);
    assert.equal((await readHashRecord(plain)).get(WEIGHTS)?.sha256, 'a'.repeat(64), 'without recordHashes the archive is extracted as it is');

    const hashedFolder = path.join(workDir, 'planted-hashed');
    await extractTarGzFile(archive, hashedFolder, { recordHashes: true });
    const record = await readHashRecord(hashedFolder);
    assert.equal(record.get(WEIGHTS)?.sha256, sha256(await fs.readFile(path.join(hashedFolder, WEIGHTS))));
    assert.ok(!record.has(HASH_RECORD_PATH));
  });
});

describe('Push to Hub with the hash record', () => {
  it('pushes a downloaded model without hashing it, and an unchanged re-push sends no large file', async () => {
    const folder = await downloadedModel('pushed', 3);
    const repo = `${EMULATOR_USER}/hashed-once`;
    const events: PushProgress[] = [];
    const putsBefore = largeFilePuts();
    const first = await push(folder, repo, events);
    assert.deepEqual(hashed(first), [], 'a recorded file was read for hashing');
    assert.deepEqual(hashingDone(events), []);
    assert.deepEqual(
      first.files.filter((f) => f.lfs).map((f) => [f.path, f.uploaded]),
      [[WEIGHTS, true]],
    );
    assert.equal(largeFilePuts() - putsBefore, 1);
    assert.ok((await hub.readFile(repo, WEIGHTS))?.equals(await fs.readFile(path.join(folder, WEIGHTS))), 'the Hub holds the file byte for byte');

    const again = await push(folder, repo);
    assert.equal(largeFilePuts() - putsBefore, 1, 'the unchanged re-push sent the weights again');
    assert.deepEqual(hashed(again), []);
    assert.equal(again.files.find((f) => f.path === WEIGHTS)?.uploaded, false);
    assert.equal(hub.state.repos.get(repo)?.commits.at(-1)?.oid, again.commitOid);
  });

  it('hashes again a file edited in place with the same size (mtime moved), and one whose mtime was set back (ctime moved)', async () => {
    const folder = await downloadedModel('edited', 4);
    const repo = `${EMULATOR_USER}/edited-in-place`;
    const file = path.join(folder, WEIGHTS);
    await push(folder, repo);

    const original = await fs.stat(file);
    const handle = await fs.open(file, 'r+');
    await handle.write(Buffer.from('edited'), 0, 6, 1000);
    await handle.close();
    assert.equal((await fs.stat(file)).size, original.size);
    const edited = await push(folder, repo);
    assert.deepEqual(hashed(edited), [WEIGHTS]);
    assert.equal(edited.files.find((f) => f.path === WEIGHTS)?.sha256, sha256(await fs.readFile(file)));
    assert.ok((await hub.readFile(repo, WEIGHTS))?.equals(await fs.readFile(file)), 'the Hub holds the edited file');

    // The push recorded what it hashed: nothing to hash now.
    assert.deepEqual(hashed(await push(folder, repo)), []);

    // Edited again, then its mtime put back as it was: only ctime tells. (Whole seconds, which utimes sets exactly.)
    const T = 1_700_000_000;
    await fs.utimes(file, T, T);
    assert.deepEqual(hashed(await push(folder, repo)), [WEIGHTS], 'a new mtime alone is a change');
    const again = await fs.open(file, 'r+');
    await again.write(Buffer.from('twice!'), 0, 6, 2000);
    await again.close();
    await fs.utimes(file, T, T);
    const now = stampOf(await fs.stat(file, { bigint: true }));
    const entry = (await readHashRecord(folder)).get(WEIGHTS);
    assert.equal(now.mtimeNs, entry?.mtimeNs, 'the mtime is the recorded one again');
    assert.equal(now.size, entry?.size);
    const restored = await push(folder, repo);
    assert.deepEqual(hashed(restored), [WEIGHTS]);
    assert.ok((await hub.readFile(repo, WEIGHTS))?.equals(await fs.readFile(file)));
  });

  it("catches a tampered recorded hash with the Hub's own sha256 check: a clear error, nothing committed, the entry dropped", async () => {
    const folder = await downloadedModel('tampered', 5);
    const repo = `${EMULATOR_USER}/tampered`;
    const record = await readHashRecord(folder);
    const wrong = sha256(Buffer.from('not these weights'));
    await writeHashRecord(folder, [[WEIGHTS, { ...record.get(WEIGHTS)!, sha256: wrong }]]);
    const commitsBefore = hub.state.repos.get(repo)?.commits.length ?? 1;

    const err = await push(folder, repo).then(
      () => assert.fail('the push went through with a wrong hash'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HubError, String(err));
    assert.equal(err.code, 'hub.uploadFailed');
    assert.equal(err.context.file, WEIGHTS);
    assert.equal(err.context.status, 400);
    assert.match(err.message, /Uploading model\.safetensors to .*tampered failed \(HTTP 400: BadDigest/);
    assert.match(err.message, /Nothing was committed/);
    assert.match(err.message, /came from the model folder's hash record \(\.cache\/sagemaker-hf\/sha256\.json\).*does not match.*pushing again hashes the file/);
    assert.equal(hub.state.repos.get(repo)?.commits.length, commitsBefore, 'something was committed');
    assert.equal(hub.state.lfsObjects.has(wrong), false, 'the Hub stored bytes under the wrong hash');
    assert.equal((await readHashRecord(folder)).has(WEIGHTS), false, 'the wrong entry is still recorded');
    assert.equal((await readHashRecord(folder)).get('config.json')?.sha256, record.get('config.json')?.sha256, 'the other entries were lost');

    const retried = await push(folder, repo);
    assert.deepEqual(hashed(retried), [WEIGHTS]);
    assert.ok((await hub.readFile(repo, WEIGHTS))?.equals(await fs.readFile(path.join(folder, WEIGHTS))));
  });

  it('keeps a recorded hash when its upload fails for a passing reason (HTTP 500): the storage did not refuse the content', async () => {
    const folder = await downloadedModel('storage-down', 6);
    const repo = `${EMULATOR_USER}/storage-down`;
    const recorded = (await readHashRecord(folder)).get(WEIGHTS);
    assert.ok(recorded);
    hub.setFaults({ failUploadPut: 1, failUploadPuts: Infinity });
    let err: unknown;
    try {
      err = await pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, uploadRetryDelaysMs: [] }).then(
        () => assert.fail('the push went through a failing storage'),
        (e: unknown) => e,
      );
    } finally {
      hub.setFaults({});
    }
    assert.ok(err instanceof HubError, String(err));
    assert.equal(err.code, 'hub.uploadFailed');
    assert.equal(err.context.status, 500);
    assert.equal(err.context.file, WEIGHTS);
    assert.doesNotMatch(err.message, /hash record/);
    assert.deepEqual((await readHashRecord(folder)).get(WEIGHTS), recorded, 'the entry was dropped or changed');
  });

  it('fails, naming the file, when a file changes between listing and hashing, and records no hash for it', async () => {
    const folder = await trainedModel('changing', 7);
    const repo = `${EMULATOR_USER}/changing`;
    const file = path.join(folder, WEIGHTS);
    const commitsBefore = hub.state.repos.get(repo)?.commits.length ?? 1;
    const err = await pushModelFolder({
      folder,
      repo,
      accessToken: EMULATOR_WRITE_TOKEN,
      hubUrl: hub.url,
      onProgress: (e) => {
        // Listed already; not hashed yet. Same size, new bytes.
        if (e.kind === 'phase' && e.phase === 'preuploading') writeFileSync(file, pseudoRandomBytes(77, WEIGHTS_SIZE));
      },
    }).then(
      () => assert.fail('the push went through although the file changed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HubError, String(err));
    assert.match(err.message, /model\.safetensors changed while it was being read: do not change the model folder while it is pushed/);
    assert.equal(hub.state.repos.get(repo)?.commits.length ?? 1, commitsBefore, 'something was committed');
    assert.equal((await readHashRecord(folder)).has(WEIGHTS), false);
  });

  it('never reads or writes a record through a .cache that is a link (it could lead out of the folder)', async () => {
    const folder = await trainedModel('linked-cache', 6);
    const outside = path.join(workDir, 'outside-cache');
    await fs.mkdir(path.join(outside, 'sagemaker-hf'), { recursive: true });
    const stamp = stampOf(await fs.stat(path.join(folder, WEIGHTS), { bigint: true }));
    const lure = JSON.stringify({ version: 1, files: { [WEIGHTS]: { ...stamp, sha256: 'b'.repeat(64) } } });
    await fs.writeFile(path.join(outside, 'sagemaker-hf', 'sha256.json'), lure);
    await fs.symlink(outside, path.join(folder, '.cache'));
    const result = await push(folder, `${EMULATOR_USER}/linked-cache`);
    assert.deepEqual(hashed(result), [WEIGHTS], 'the record behind the link was used');
    assert.equal(await fs.readFile(path.join(outside, 'sagemaker-hf', 'sha256.json'), 'utf8'), lure, 'the push wrote through the link');
    assert.deepEqual(await fs.readdir(path.join(outside, 'sagemaker-hf')), ['sha256.json']);
  });
});

describe('Push to Hub of several large files never hashed before', () => {
  const SHARDS = ['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors'];

  it('hashes each shard once, in the worker, sending one while it hashes the next; then records them all', async () => {
    const folder = path.join(workDir, 'sharded');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'config.json'), '{}\n');
    // The last shard is the largest: its hash takes many times a batch round trip on this machine's loopback.
    const sizes = [2 * 1024 * 1024, 2 * 1024 * 1024, 32 * 1024 * 1024];
    for (const [i, shard] of SHARDS.entries()) await fs.writeFile(path.join(folder, shard), pseudoRandomBytes(100 + i, sizes[i]!));
    const repo = `${EMULATOR_USER}/sharded`;
    const events: PushProgress[] = [];
    const putsBefore = largeFilePuts();
    // Each upload takes at least 400 ms at the storage: long enough for the next shard's hash to end first.
    hub.setFaults({ delayMs: 400, delayOn: /^PUT \/lfs-upload\// });
    let result: PushResult;
    try {
      result = await push(folder, repo, events);
    } finally {
      hub.setFaults({});
    }
    assert.deepEqual(hashed(result), [...SHARDS].sort());
    assert.deepEqual(hashingDone(events), SHARDS, 'each shard hashed exactly once, in order');
    assert.equal(largeFilePuts() - putsBefore, SHARDS.length);
    const at = (path: string, state: 'hashing' | 'uploading', progress: number) =>
      events.findIndex((e) => e.kind === 'file' && e.path === path && e.state === state && e.progress === progress);
    const [first, , last] = SHARDS as [string, string, string];
    assert.ok(at(first, 'uploading', 0) >= 0 && at(first, 'uploading', 0) < at(last, 'hashing', 1), 'the first shard was sent only once every shard was hashed');
    for (let i = 0; i + 1 < SHARDS.length; i++) {
      assert.ok(at(SHARDS[i + 1]!, 'hashing', 1) < at(SHARDS[i]!, 'uploading', 1), `${SHARDS[i + 1]} was hashed only after ${SHARDS[i]} was sent`);
    }
    for (const shard of SHARDS) assert.ok((await hub.readFile(repo, shard))?.equals(await fs.readFile(path.join(folder, shard))), shard);

    const record = await readHashRecord(folder);
    for (const shard of SHARDS) assert.equal(record.get(shard)?.sha256, sha256(await fs.readFile(path.join(folder, shard))), shard);
    const again = await push(folder, repo);
    assert.deepEqual(hashed(again), [], 'what the first push hashed was hashed again');
    assert.equal(largeFilePuts() - putsBefore, SHARDS.length, 'the unchanged re-push sent a shard');
  });
});

describe('Push to Hub of files with the same content', () => {
  it('never hashed before, each hashed and asked for on its own: the object is still sent once', async () => {
    const folder = path.join(workDir, 'twins-unhashed');
    await fs.mkdir(folder);
    const bytes = pseudoRandomBytes(301, 1024 * 1024);
    for (const f of ['a.safetensors', 'b.safetensors', 'c.safetensors']) await fs.writeFile(path.join(folder, f), bytes);
    const putsBefore = largeFilePuts();
    const pushed = await push(folder, `${EMULATOR_USER}/twins-unhashed`);
    assert.equal(largeFilePuts() - putsBefore, 1, 'the same object was sent more than once');
    assert.deepEqual(
      pushed.files.map((f) => [f.path, f.uploaded]),
      [
        ['a.safetensors', true],
        ['b.safetensors', false],
        ['c.safetensors', false],
      ],
    );
    for (const f of ['a.safetensors', 'b.safetensors', 'c.safetensors']) assert.ok((await hub.readFile(`${EMULATOR_USER}/twins-unhashed`, f))?.equals(bytes), f);
  });

  it('asks for their object once and sends it once', async () => {
    const folder = path.join(workDir, 'twins');
    await fs.mkdir(folder);
    const bytes = pseudoRandomBytes(300, 1024 * 1024);
    await fs.writeFile(path.join(folder, 'a.safetensors'), bytes);
    await fs.writeFile(path.join(folder, 'b.safetensors'), bytes);
    const repo = `${EMULATOR_USER}/twins`;
    await push(folder, repo);
    const putsBefore = largeFilePuts();
    // Both recorded now: the second push offers both at once, in one batch; clear the Hub's copy first.
    const oid = sha256(bytes);
    hub.state.lfsObjects.delete(oid);
    const again = await push(folder, repo);
    assert.equal(largeFilePuts() - putsBefore, 1, 'the same object was sent twice');
    assert.deepEqual(
      again.files.map((f) => [f.path, f.sha256, f.uploaded]),
      [
        ['a.safetensors', oid, true],
        ['b.safetensors', oid, false],
      ],
    );
    for (const f of ['a.safetensors', 'b.safetensors']) assert.ok((await hub.readFile(repo, f))?.equals(bytes), f);
  });
});

describe('the bundled sha256 worker the extension and the CLI ship', () => {
  it('needs nothing but node: copied alone into an empty folder, it hashes a file', async () => {
    const bundle = path.join(REPO_ROOT, 'dist', 'fileHashWorker.js');
    if (!existsSync(bundle)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
    const alone = path.join(workDir, 'bundle-alone');
    await fs.mkdir(alone);
    await fs.copyFile(bundle, path.join(alone, 'fileHashWorker.js'));
    const file = path.join(alone, 'weights.bin');
    const bytes = pseudoRandomBytes(400, 3 * 1024 * 1024 + 17);
    await fs.writeFile(file, bytes);
    const worker = new Worker(path.join(alone, 'fileHashWorker.js'));
    try {
      const answer = await new Promise<FileHashAnswer>((resolve, reject) => {
        worker.on('message', (m: FileHashAnswer) => m.type !== 'progress' && resolve(m));
        worker.on('error', reject);
        worker.postMessage({ id: 1, filePath: file } satisfies FileHashRequest);
      });
      assert.equal(answer.type, 'done');
      assert.equal(answer.type === 'done' && answer.sha256, sha256(bytes));
      assert.equal(answer.type === 'done' && answer.bytes, bytes.length);
    } finally {
      await worker.terminate();
    }
    // package.json `files` is what the .vsix holds (scripts/package.mjs).
    const shipped: string[] = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).files;
    assert.ok(shipped.includes('dist/fileHashWorker.js'), 'package.json `files` leaves dist/fileHashWorker.js out of the package');
  });
});
