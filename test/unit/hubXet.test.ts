// A push to a Xet-backed repository: the Hub's default storage for new accounts since May 2025, so the path
// most real pushes take. The emulator answers the LFS batch with `transfer: "xet"`; the real hub client then
// chunks each large file, uploads xorbs and a shard to the emulator's CAS (test/emulators/hub/xetCas.ts),
// which rebuilds every file from them and checks its sha256 before the commit may point at it. Nothing here
// is mocked: our LocalFileBlob and fileUploadFetch under the client's Xet code, and the bundled CLI.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadFile } from '@huggingface/hub';
import type { HubError } from '../../src/hub/hubErrors';
import { pushModelFolder } from '../../src/hub/pushModelFolder';
import type { PushProgress } from '../../src/hub/pushModelFolder';
import { EMULATOR_USER, EMULATOR_WRITE_TOKEN, startHubEmulator } from '../emulators/hub/hubEmulator';
import type { HubEmulator } from '../emulators/hub/hubEmulator';
import { pseudoRandomBytes } from './pseudoRandomBytes';
import { REPO_ROOT } from './repoRoot';

const FIXTURE_MODEL = path.join(REPO_ROOT, 'test/emulators/hub/fixtures/trainedModel');
const MiB = 1024 * 1024;

let hub: HubEmulator;
let workDir: string;

/** float32 weights of small magnitude: their byte groups compress, as real checkpoints' do (LZ4 and byte-grouped LZ4). */
function floats(seed: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i + 4 <= size; i += 4) {
    x = (x * 1103515245 + 12345) >>> 0;
    buf.writeFloatLE(((x >>> 16) - 32768) / 4e6, i);
  }
  return buf;
}

/** The fixture model with weights large enough for two xorbs (a xorb holds at most 64 MiB). */
async function modelFolder(name: string, seed: number): Promise<string> {
  const dir = path.join(workDir, name);
  await fs.cp(FIXTURE_MODEL, dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.safetensors'), Buffer.concat([floats(seed, 8 * MiB), pseudoRandomBytes(seed, 60 * MiB), Buffer.alloc(2 * MiB)]));
  await fs.writeFile(path.join(dir, 'training_args.bin'), floats(seed + 1, 3 * MiB + 17));
  return dir;
}

async function readBack(repo: string, file: string): Promise<Buffer> {
  const blob = await downloadFile({ repo: { type: 'model', name: repo }, path: file, hubUrl: hub.url, accessToken: EMULATOR_WRITE_TOKEN, xet: false });
  assert.ok(blob, `${file} should exist in ${repo}`);
  return Buffer.from(await blob.arrayBuffer());
}

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-xet-test-'));
  hub = await startHubEmulator({ xet: true, maxLifetimeMs: 5 * 60_000 });
});

after(async () => {
  await hub?.stop();
  await fs.rm(workDir, { recursive: true, force: true });
});

describe('pushModelFolder to a Xet-backed repository', () => {
  const repo = `${EMULATOR_USER}/bart-xet`;
  let folder: string;

  before(async () => {
    folder = await modelFolder('model-xet', 3);
  });

  it('uploads the weights as xorbs and a shard, and the Hub rebuilds them byte for byte', async () => {
    const events: PushProgress[] = [];
    const result = await pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, transfer: 'xet', onProgress: (e) => events.push(e) });
    assert.deepEqual(
      result.files
        .filter((f) => f.lfs)
        .map((f) => f.path)
        .sort(),
      ['model.safetensors', 'training_args.bin'],
    );
    assert.ok(hub.state.lfsBatchTransfers[0]?.includes('xet'), 'the client offered xet');
    assert.ok(hub.state.xet.xorbs >= 2, `70 MiB of weights need two xorbs at least (got ${hub.state.xet.xorbs})`);
    assert.ok(hub.state.xet.shards >= 1);
    assert.equal(hub.state.xet.files, 2, 'the CAS rebuilt both large files and their sha256 matched');
    const [stored, lz4, grouped] = hub.state.xet.chunkSchemes;
    assert.ok(stored! > 0 && lz4! > 0 && grouped! > 0, `chunks of every kind were rebuilt (stored ${stored}, LZ4 ${lz4}, byte-grouped ${grouped})`);
    assert.equal(hub.state.requests.filter((r) => r.path.startsWith('/lfs-upload/')).length, 0, 'no plain LFS PUT');

    const commit = hub.state.repos.get(repo)?.commits.at(-1);
    assert.equal(commit?.oid, result.commitOid);
    assert.deepEqual(
      commit?.changes
        .filter((c) => c.op === 'lfsFile')
        .map((c) => c.path)
        .sort(),
      ['model.safetensors', 'training_args.bin'],
    );
    for (const file of ['model.safetensors', 'training_args.bin', 'config.json']) {
      assert.ok((await readBack(repo, file)).equals(await fs.readFile(path.join(folder, file))), `${file} differs`);
    }

    const uploads = events.filter((e): e is Extract<PushProgress, { kind: 'file' }> => e.kind === 'file' && e.path === 'model.safetensors' && e.state === 'uploading');
    assert.ok(
      uploads.some((e) => e.progress > 0 && e.progress < 1),
      'progress on the way',
    );
    assert.equal(uploads.at(-1)?.progress, 1);
  });

  it('uploads nothing again for weights the Hub already holds', async () => {
    const xorbs = hub.state.xet.xorbs;
    await fs.writeFile(path.join(folder, 'all_results.json'), '{"epoch": 4.0}\n');
    const result = await pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, transfer: 'xet' });
    assert.equal(result.created, false);
    assert.equal(hub.state.xet.xorbs, xorbs);
    assert.equal((await readBack(repo, 'all_results.json')).toString(), '{"epoch": 4.0}\n');
  });

  it('sends plain LFS by default, which a Xet-backed repository accepts too', async () => {
    const dir = await modelFolder('model-lfs', 5);
    const xorbs = hub.state.xet.xorbs;
    const puts = hub.state.requests.filter((r) => r.path.startsWith('/lfs-upload/')).length;
    await pushModelFolder({ folder: dir, repo: `${EMULATOR_USER}/bart-lfs-bridge`, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
    assert.ok(!hub.state.lfsBatchTransfers.at(-1)?.includes('xet'), 'xet not offered');
    assert.equal(hub.state.xet.xorbs, xorbs);
    assert.equal(hub.state.requests.filter((r) => r.path.startsWith('/lfs-upload/')).length, puts + 2, 'one PUT per large file');
    assert.ok((await readBack(`${EMULATOR_USER}/bart-lfs-bridge`, 'model.safetensors')).equals(await fs.readFile(path.join(dir, 'model.safetensors'))));
  });

  it('stops when cancelled mid-upload: the push rejects as cancelled and nothing is committed, even later', async () => {
    const cancelled = `${EMULATOR_USER}/xet-cancelled`;
    const dir = await modelFolder('model-xet-cancel', 8);
    const controller = new AbortController();
    let err: unknown;
    const started = Date.now();
    try {
      await pushModelFolder({
        folder: dir,
        repo: cancelled,
        accessToken: EMULATOR_WRITE_TOKEN,
        hubUrl: hub.url,
        transfer: 'xet',
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === 'file' && e.state === 'uploading' && e.progress > 0 && e.progress < 1) controller.abort();
        },
      });
    } catch (e) {
      err = e;
    }
    assert.equal((err as HubError | undefined)?.code, 'cancelled', `rejected with ${String(err)}`);
    const took = Date.now() - started;
    // Whatever the client still had in flight must not end in a commit.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(hub.state.repos.get(cancelled)?.commits.length, 1, `only the initial commit (the push took ${took} ms to stop)`);
    assert.ok(!hub.state.requests.some((r) => r.path === `/api/models/${cancelled}/commit/main`));
  });

  it('refuses a malformed xorb with a 400 naming the fault', async () => {
    const tokenRes = await fetch(`${hub.url}/api/models/${repo}/xet-write-token/main`, { headers: { Authorization: `Bearer ${EMULATOR_WRITE_TOKEN}` } });
    assert.equal(tokenRes.status, 200);
    const { accessToken, casUrl } = (await tokenRes.json()) as { accessToken: string; casUrl: string };
    const res = await fetch(`${casUrl}/v1/xorbs/default/${'ab'.repeat(32)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}` },
      body: new Uint8Array([0, 200, 0, 0, 7, 1, 0, 0]),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /compression scheme 7/);
    const unauthorized = await fetch(`${casUrl}/v1/shards`, { method: 'POST', headers: { Authorization: `Bearer ${EMULATOR_WRITE_TOKEN}` }, body: 'x' });
    assert.equal(unauthorized.status, 401, 'a Hub token is not a CAS token');
  });
});

describe('sagemaker-hf push (the bundled CLI) to a Xet-backed repository', () => {
  it('pushes through the bundle, whose vendor code carries the Xet chunker', async () => {
    const cli = path.join(REPO_ROOT, 'dist/cli.js');
    if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
    const folder = await modelFolder('model-cli', 11);
    const repo = `${EMULATOR_USER}/bart-xet-cli`;
    const filesBefore = hub.state.xet.files;
    const child = spawn(process.execPath, [cli, 'push', folder, '--repo', repo, '--hub-url', hub.url, '--transfer', 'xet'], {
      env: { PATH: process.env.PATH ?? '', HOME: workDir, HF_TOKEN: EMULATOR_WRITE_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    assert.equal(out, `${hub.url}/${repo}\n`);
    assert.equal(hub.state.xet.files - filesBefore, 2);
    assert.ok((await readBack(repo, 'model.safetensors')).equals(await fs.readFile(path.join(folder, 'model.safetensors'))));
    assert.ok(!`${out}${err}`.includes(EMULATOR_WRITE_TOKEN));
  });
});
