// The Hub adapters against the local Hub emulator, through the real @huggingface/hub and @huggingface/inference
// clients: every assertion is on what the emulated Hub recorded or served back, not on mocks of our code.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HubApiError, downloadFile } from '@huggingface/hub';
import { inferCommand } from '../../src/cli/inferCommand';
import { pushCommand } from '../../src/cli/pushCommand';
import { UsageError } from '../../src/cli/cliError';
import type { CliIo } from '../../src/cli/cliError';
import { hubWhoAmI } from '../../src/hub/hubAccount';
import { HubError, NOT_DEPLOYED_ALTERNATIVES, NotDeployedError, hubApiFailure, isAbort, networkFailureCode, toHubError } from '../../src/hub/hubErrors';
import { redactHubTokens, resolveHubToken } from '../../src/hub/hubToken';
import { describeModelFolderLinks, listModelFolder, pushModelFolder } from '../../src/hub/pushModelFolder';
import type { PushProgress } from '../../src/hub/pushModelFolder';
import { runSummarization } from '../../src/hub/runSummarization';
import { extractiveSummary } from '../emulators/hub/extractiveSummary';
import { EMULATOR_ORG, EMULATOR_READONLY_ORG, EMULATOR_READ_TOKEN, EMULATOR_USER, EMULATOR_WRITE_TOKEN, startHubEmulator } from '../emulators/hub/hubEmulator';
import type { HubEmulator } from '../emulators/hub/hubEmulator';
import { pseudoRandomBytes } from './pseudoRandomBytes';
import { REPO_ROOT } from './repoRoot';
import { MAX_FOLDER_DEPTH } from '../../src/core/folderWalk';

const FIXTURE_MODEL = path.join(REPO_ROOT, 'test/emulators/hub/fixtures/trainedModel');
const BIG_FILE = 'pytorch_model.bin';
/** Above the Hub's 10 MiB line, so the weights take the LFS path by size as well as by name. */
const BIG_FILE_SIZE = 10 * 1024 * 1024 + 512 * 1024;
const BAD_TOKEN = 'hf_thisTokenIsNotKnownToTheHub0123456';
/** Served by the emulated provider, whose mapping says "staging": the inference client warns about it. */
const STAGING_MODEL = 'facebook/bart-staging';

const DIALOGUE = [
  'Amanda: I baked cookies. Do you want some?',
  'Jerry: Sure! What kind of cookies?',
  'Amanda: Chocolate cookies, the ones you liked last time.',
  'Jerry: Great, bring the cookies tomorrow please.',
  'Amanda: OK :-)',
].join('\n');

let hub: HubEmulator;
let workDir: string;

/** Weights stand-in: deterministic pseudo-random bytes, different per seed. */
function weights(seed: number, size = BIG_FILE_SIZE): Buffer {
  return pseudoRandomBytes(seed, size);
}

/** The fixture model plus generated weights and the junk a training output folder carries. */
async function modelFolder(name: string, seed: number): Promise<string> {
  const dir = path.join(workDir, name);
  await fs.cp(FIXTURE_MODEL, dir, { recursive: true });
  await fs.writeFile(path.join(dir, BIG_FILE), weights(seed));
  await fs.mkdir(path.join(dir, 'checkpoint-500'));
  await fs.writeFile(path.join(dir, 'checkpoint-500', 'optimizer.pt'), weights(seed + 1, 4096));
  await fs.mkdir(path.join(dir, '__pycache__'));
  await fs.writeFile(path.join(dir, '__pycache__', 'train.cpython-311.pyc'), 'x');
  await fs.mkdir(path.join(dir, '.git'));
  await fs.writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  return dir;
}

async function readBack(repo: string, file: string): Promise<Buffer> {
  const blob = await downloadFile({ repo: { type: 'model', name: repo }, path: file, hubUrl: hub.url, accessToken: EMULATOR_WRITE_TOKEN, xet: false });
  assert.ok(blob, `${file} should exist in ${repo}`);
  return Buffer.from(await blob.arrayBuffer());
}

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HubError, `expected a HubError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

function captureIo(env: NodeJS.ProcessEnv): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: workDir,
    env,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

before(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hub-test-'));
  hub = await startHubEmulator({ deployedModels: ['facebook/bart-large-cnn', STAGING_MODEL], stagingModels: [STAGING_MODEL], maxLifetimeMs: 5 * 60_000 });
});

after(async () => {
  await hub?.stop();
  await fs.rm(workDir, { recursive: true, force: true });
});

describe('hubWhoAmI', () => {
  it('returns the token owner and the organisations', async () => {
    const me = await hubWhoAmI({ hubUrl: hub.url, accessToken: EMULATOR_WRITE_TOKEN });
    assert.deepEqual(me, { name: EMULATOR_USER, type: 'user', orgs: [EMULATOR_ORG, EMULATOR_READONLY_ORG], tokenRole: 'write' });
  });

  it('reports a rejected token as such, with the way to fix it and without the token', async () => {
    const err = await rejection(hubWhoAmI({ hubUrl: hub.url, accessToken: BAD_TOKEN }));
    assert.equal(err.code, 'hub.tokenRejected');
    assert.equal(err.context.status, 401);
    assert.match(err.message, /SageMaker HF: Set Hugging Face Token/);
    assert.ok(!`${err.message} ${err.stack} ${JSON.stringify(err.context)}`.includes(BAD_TOKEN));
  });

  it('refuses an empty token before asking the Hub', async () => {
    const before = hub.state.requests.length;
    const err = await rejection(hubWhoAmI({ hubUrl: hub.url, accessToken: '' }));
    assert.equal(err.code, 'hub.tokenMissing');
    assert.equal(err.context.hubUrl, hub.url);
    assert.match(err.message, /Set Hugging Face Token/);
    assert.equal(hub.state.requests.length, before, 'nothing was sent');
  });

  it('uses the signal it is given: a cancelled call rejects as cancelled without asking the Hub', async () => {
    const before = hub.state.requests.length;
    const controller = new AbortController();
    controller.abort();
    const err = await rejection(hubWhoAmI({ hubUrl: hub.url, accessToken: EMULATOR_WRITE_TOKEN, signal: controller.signal }));
    assert.equal(err.code, 'cancelled');
    assert.equal(err.message, 'Cancelled while trying to identify the token owner.');
    assert.deepEqual(err.context, { hubUrl: hub.url });
    assert.equal(hub.state.requests.length, before, 'nothing was sent');
  });

  it('reports an unreachable Hub as a network failure', async () => {
    const err = await rejection(hubWhoAmI({ hubUrl: 'http://127.0.0.1:9', accessToken: EMULATOR_WRITE_TOKEN }));
    assert.equal(err.code, 'hub.network');
    assert.match(err.message, /127\.0\.0\.1:9/);
  });
});

describe('Hub failures, as the user reads them', () => {
  it('says the Hub may be busy or down when it answers 5xx, with its status and words', async () => {
    const dir = await modelFolder('model-hub-down', 51);
    hub.setFaults({ unavailable: /^POST \/api\/repos\/create$/ });
    try {
      const err = await rejection(pushModelFolder({ folder: dir, repo: `${EMULATOR_USER}/hub-down`, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
      assert.equal(err.code, 'hub.requestFailed');
      assert.deepEqual(err.context, { hubUrl: hub.url, repo: `${EMULATOR_USER}/hub-down`, namespace: EMULATOR_USER, status: 503 });
      assert.equal(
        err.message,
        `The Hugging Face Hub could not create the repository ${EMULATOR_USER}/hub-down (HTTP 503: Service Unavailable). It may be busy or down; try again later.`,
      );
    } finally {
      hub.setFaults({});
    }
  });

  it('says the Hub found nothing when a hub URL leads to no Hub API (404)', async () => {
    const err = await rejection(hubWhoAmI({ hubUrl: `${hub.url}/not-the-hub`, accessToken: EMULATOR_WRITE_TOKEN }));
    assert.equal(err.code, 'hub.notFound');
    assert.deepEqual(err.context, { hubUrl: `${hub.url}/not-the-hub`, status: 404 });
    assert.equal(
      err.message,
      'The Hugging Face Hub found nothing to identify the token owner (Not Found). Check the repository name, and that the token can see it if it is private.',
    );
  });

  it('quotes what a refusing server said: JSON error or message, the code and message of an XML error, never the URL, at most 500 characters, no token', async () => {
    const long = 'x'.repeat(600);
    const answers: Array<{ status: number; type: string; body: string }> = [
      { status: 429, type: 'application/json', body: JSON.stringify({ error: 'Rate limit reached' }) },
      { status: 400, type: 'application/json', body: JSON.stringify({ message: 'Bad request shape' }) },
      { status: 418, type: 'application/json', body: JSON.stringify({ other: 1 }) },
      { status: 502, type: 'application/xml', body: '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>' },
      { status: 500, type: 'application/xml', body: '<Error></Error>' },
      { status: 403, type: 'application/json', body: JSON.stringify({ error: `Forbidden for ${EMULATOR_WRITE_TOKEN}` }) },
      { status: 422, type: 'application/json', body: JSON.stringify({ error: long }) },
    ];
    const server = http.createServer((req, res) => {
      req.resume();
      const answer = answers.shift()!;
      res.writeHead(answer.status, { 'Content-Type': answer.type }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hubUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const ask = () => rejection(hubWhoAmI({ hubUrl, accessToken: EMULATOR_WRITE_TOKEN }));
    try {
      const refused = (status: number, words: string) => `The Hugging Face Hub refused to identify the token owner (HTTP ${status}): ${words}`;
      const rateLimited = await ask();
      assert.equal(rateLimited.code, 'hub.requestFailed');
      assert.deepEqual(rateLimited.context, { hubUrl, status: 429 });
      assert.equal(rateLimited.message, refused(429, 'Rate limit reached'));
      assert.equal((await ask()).message, refused(400, 'Bad request shape'));
      assert.equal((await ask()).message, refused(418, 'Api error with status 418'), 'the client’s own words, without its URL trailer');
      assert.equal(
        (await ask()).message,
        'The Hugging Face Hub could not identify the token owner (HTTP 502: SlowDown: Please reduce your request rate.). It may be busy or down; try again later.',
      );
      assert.match((await ask()).message, /\(HTTP 500: storage error\)/);
      const forbidden = await ask();
      assert.equal(forbidden.code, 'hub.forbidden');
      assert.match(forbidden.message, /^No write access on the Hugging Face Hub \(Forbidden for \*\*\*\)\. Use a token with the "write" role/);
      assert.equal((await ask()).message, refused(422, 'x'.repeat(500)));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says a token that does not start with hf_ is not an access token, before asking the Hub', async () => {
    const before = hub.state.requests.length;
    const err = await rejection(hubWhoAmI({ hubUrl: hub.url, accessToken: 'my-password' }));
    assert.equal(err.code, 'hub.tokenMalformed');
    assert.deepEqual(err.context, { hubUrl: hub.url });
    assert.equal(
      err.message,
      `The Hugging Face token does not look like an access token (they start with "hf_"): set it again with 'SageMaker HF: Set Hugging Face Token' (the CLI reads HF_TOKEN).`,
    );
    assert.equal(hub.state.requests.length, before);
  });

  it('names the network cause under a fetch failure, and tells cancellation from other errors', () => {
    assert.equal(networkFailureCode(new TypeError('fetch failed', { cause: Object.assign(new Error('read'), { code: 'ECONNRESET' }) })), 'ECONNRESET');
    assert.equal(networkFailureCode(new TypeError('fetch failed')), 'network error');
    assert.equal(networkFailureCode(new TypeError('other side closed the socket')), 'network error');
    assert.equal(networkFailureCode(new TypeError('Cannot read properties of undefined')), undefined);
    assert.equal(networkFailureCode(new Error('fetch failed')), undefined, 'only a TypeError is fetch’s network failure');
    assert.equal(networkFailureCode('fetch failed'), undefined);
    assert.equal(networkFailureCode(undefined), undefined);
    assert.equal(networkFailureCode({ name: 'TypeError', message: 'fetch failed' }), undefined, 'not an Error');
    assert.equal(isAbort(new DOMException('stopped', 'AbortError')), true);
    assert.equal(isAbort(Object.assign(new Error('stopped'), { code: 'ABORT_ERR' })), true);
    assert.equal(isAbort(new Error('stopped')), false);
    assert.equal(isAbort({ name: 'AbortError' }), false, 'not an Error');
    assert.equal(isAbort(new Error('anything'), AbortSignal.abort()), true);
    assert.equal(isAbort(new Error('anything'), new AbortController().signal), false);
  });

  it('reads status, URL and the server’s words from the hub client’s HubApiError, and nothing from what is not an Error', () => {
    // The client's own error class, as it throws it for a batch object the Hub refused (no `data`, the words in the message).
    const batch = new HubApiError('https://hub.example/alice/m.git/info/lfs/objects/batch', 422, undefined, 'Error while doing LFS batch call for w.bin: too large');
    assert.deepEqual(hubApiFailure(batch), {
      status: 422,
      url: 'https://hub.example/alice/m.git/info/lfs/objects/batch',
      serverMessage: 'Error while doing LFS batch call for w.bin: too large',
    });
    const xml = new HubApiError('https://storage.example/o', 503, undefined, 'Api error with status 503');
    xml.data = { message: '\n  <?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Reduce your rate.</Message></Error>' };
    assert.equal(hubApiFailure(xml)?.serverMessage, 'SlowDown: Reduce your rate.', 'an XML body after blank lines is still XML');
    assert.deepEqual(hubApiFailure(Object.assign(new Error('odd'), { statusCode: 500 })), { status: 500, url: '', serverMessage: 'odd' });
    assert.equal(hubApiFailure({ statusCode: 500, url: 'https://hub.example', message: 'not an Error' }), undefined);
    assert.equal(hubApiFailure(new Error('no status')), undefined);
  });

  it('keeps a HubError as it is, and says what it could not do for anything else', () => {
    const own = new HubError('hub.folderEmpty', 'empty');
    assert.equal(own.name, 'HubError');
    assert.deepEqual(own.context, {});
    assert.equal(toHubError(own, { action: 'push', hubUrl: hub.url }), own);
    const odd = toHubError(new Error(`odd failure with ${EMULATOR_WRITE_TOKEN}`), { action: 'commit to alice/m', hubUrl: hub.url, repo: 'alice/m', token: EMULATOR_WRITE_TOKEN });
    assert.equal(odd.code, 'hub.requestFailed');
    assert.equal(odd.message, 'Could not commit to alice/m: odd failure with ***');
    assert.deepEqual(odd.context, { hubUrl: hub.url, repo: 'alice/m' });
    assert.equal(toHubError('thrown text', { action: 'push', hubUrl: hub.url }).message, 'Could not push: thrown text');
    const network = toHubError(new TypeError('fetch failed'), { action: 'push', hubUrl: 'https://hub.example:8443/base', namespace: 'alice' });
    assert.equal(
      network.message,
      'Cannot reach the Hugging Face Hub at hub.example:8443 (network error) while trying to push. Check the network connection, proxy settings and hub URL.',
    );
    assert.deepEqual(network.context, { hubUrl: 'https://hub.example:8443/base', namespace: 'alice', cause: 'network error' });
    // A hub URL that is no URL is named as given.
    assert.match(
      toHubError(new TypeError('fetch failed'), { action: 'push', hubUrl: 'hub-without-scheme' }).message,
      /^Cannot reach the Hugging Face Hub at hub-without-scheme \(network error\)/,
    );
  });
});

describe('pushModelFolder', () => {
  const repo = `${EMULATOR_USER}/bart-large-cnn-samsum`;
  let folder: string;
  let firstCommit: string;

  before(async () => {
    folder = await modelFolder('model-a', 7);
  });

  it('leaves out .git, __pycache__ and checkpoint folders, and keeps checkpoints when asked', async () => {
    const listing = await listModelFolder(folder);
    assert.deepEqual(
      listing.files.map((f) => f.path),
      ['README.md', 'all_results.json', 'config.json', BIG_FILE, 'tokenizer/vocab.txt'],
    );
    assert.deepEqual(listing.skipped, ['.git/', '__pycache__/', 'checkpoint-500/']);
    const withCheckpoints = await listModelFolder(folder, { includeCheckpoints: true });
    assert.ok(withCheckpoints.files.some((f) => f.path === 'checkpoint-500/optimizer.pt'));
  });

  it('refuses to push a file that links outside the folder unless confirmed, calling nothing on the Hub', async () => {
    const dir = await modelFolder('model-links', 41);
    const outside = path.join(workDir, 'outside-model');
    await fs.mkdir(outside, { recursive: true });
    await fs.writeFile(path.join(outside, 'credentials'), 'NOT-A-MODEL-FILE\n');
    await fs.symlink(path.join(outside, 'credentials'), path.join(dir, 'extra.txt'));
    await fs.symlink('config.json', path.join(dir, 'config_alias.json'));
    const listing = await listModelFolder(dir);
    assert.deepEqual(listing.externalLinks, [{ path: 'extra.txt', target: await fs.realpath(path.join(outside, 'credentials')) }], 'a link inside the folder is no concern');

    const linked = `${EMULATOR_USER}/linked-model`;
    const requests = hub.state.requests.length;
    let asked: string[] = [];
    for (const confirmExternalLinks of [undefined, (links: readonly { path: string }[]) => ((asked = links.map((l) => l.path)), false)]) {
      const err = await rejection(
        pushModelFolder({ folder: dir, repo: linked, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, ...(confirmExternalLinks ? { confirmExternalLinks } : {}) }),
      );
      assert.equal(err.code, 'hub.externalLinks');
      assert.match(
        err.message,
        /A file in .* is a symbolic link to a file outside it, so the push would publish its content to .*linked-model:\nextra\.txt → .*credentials\nNothing was pushed\. Remove or replace the link, or confirm that its target belongs in the model \(sagemaker-hf push --follow-external-links\)\.$/,
      );
    }
    assert.deepEqual(asked, ['extra.txt']);
    assert.equal(hub.state.requests.length, requests, 'the Hub was called');
    assert.equal(hub.state.repos.get(linked), undefined);

    await pushModelFolder({ folder: dir, repo: linked, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, confirmExternalLinks: () => true });
    assert.equal((await readBack(linked, 'extra.txt')).toString(), 'NOT-A-MODEL-FILE\n');
    assert.ok((await readBack(linked, 'config_alias.json')).equals(await fs.readFile(path.join(dir, 'config.json'))));
  });

  it('creates the repository and commits every file, the weights through LFS', async () => {
    const events: PushProgress[] = [];
    const result = await pushModelFolder({
      folder,
      repo,
      private: false,
      commitMessage: 'Fine-tuned on samsum with SageMaker',
      accessToken: EMULATOR_WRITE_TOKEN,
      hubUrl: hub.url,
      onProgress: (e) => events.push(e),
    });
    assert.equal(result.created, true);
    assert.equal(result.repoUrl, `${hub.url}/${repo}`);
    assert.deepEqual(
      result.files.filter((f) => f.lfs).map((f) => f.path),
      [BIG_FILE],
    );

    const recorded = hub.state.repos.get(repo);
    assert.ok(recorded);
    assert.equal(recorded.commits.length, 2, 'the initial commit and ours');
    const commit = recorded.commits[1]!;
    assert.equal(commit.oid, result.commitOid);
    assert.equal(commit.title, 'Fine-tuned on samsum with SageMaker');
    assert.deepEqual(
      commit.changes.map((c) => `${c.op} ${c.path}`).sort(),
      ['file README.md', 'file all_results.json', 'file config.json', `lfsFile ${BIG_FILE}`, 'file tokenizer/vocab.txt'].sort(),
    );
    assert.ok(hub.state.lfsBatchTransfers[0]?.includes('basic'));
    assert.ok(!hub.state.lfsBatchTransfers[0]?.includes('xet'), 'plain LFS unless transfer is "xet"');

    const phases = events.filter((e) => e.kind === 'phase').map((e) => (e.kind === 'phase' ? e.phase : ''));
    assert.deepEqual(phases, ['preuploading', 'uploadingLargeFiles', 'committing']);
    assert.ok(events.some((e) => e.kind === 'file' && e.path === BIG_FILE && e.state === 'uploading' && e.progress === 1));
    // Streamed from disk with the bytes sent reported on the way, not only at the start and the end.
    assert.ok(events.some((e) => e.kind === 'file' && e.path === BIG_FILE && e.state === 'uploading' && e.progress > 0 && e.progress < 1));
    firstCommit = result.commitOid;
  });

  it('serves back every pushed file byte for byte through resolve', async () => {
    for (const file of ['README.md', 'all_results.json', 'config.json', 'tokenizer/vocab.txt', BIG_FILE]) {
      const served = await readBack(repo, file);
      assert.ok(served.equals(await fs.readFile(path.join(folder, file))), `${file} differs`);
    }
  });

  it('pushes again to the existing repository (409) without re-uploading stored weights', async () => {
    const putsBefore = hub.state.requests.filter((r) => r.method === 'PUT').length;
    await fs.writeFile(path.join(folder, 'all_results.json'), '{"epoch": 4.0}\n');
    const result = await pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
    assert.equal(result.created, false);
    assert.equal(result.repoUrl, `${hub.url}/${repo}`);
    assert.notEqual(result.commitOid, firstCommit);
    assert.ok(hub.state.requests.some((r) => r.path === '/api/repos/create' && r.status === 409));
    assert.equal(hub.state.requests.filter((r) => r.method === 'PUT').length, putsBefore, 'the weights were already stored');
    assert.equal(hub.state.repos.get(repo)?.commits.length, 3);
    assert.equal((await readBack(repo, 'all_results.json')).toString(), '{"epoch": 4.0}\n');
  });

  it('sends an upload again after a passing storage failure (HTTP 500), says so, and commits the file whole', async () => {
    const repo = `${EMULATOR_USER}/upload-retried`;
    const dir = await modelFolder('model-r', 98);
    const events: PushProgress[] = [];
    hub.setFaults({ failUploadPut: 1 });
    try {
      await pushModelFolder({ folder: dir, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, uploadRetryDelaysMs: [10, 10, 10], onProgress: (e) => events.push(e) });
    } finally {
      hub.setFaults({});
    }
    assert.deepEqual(
      events.filter((e) => e.kind === 'retry'),
      [{ kind: 'retry', path: BIG_FILE, attempt: 2, attempts: 4, reason: 'HTTP 500', delayMs: 10 }],
    );
    assert.ok((await readBack(repo, BIG_FILE)).equals(await fs.readFile(path.join(dir, BIG_FILE))));
    assert.equal(hub.state.repos.get(repo)?.commits.length, 2);
  });

  it('names the file when its upload keeps failing, after the retries, and records no commit', async () => {
    const failing = `${EMULATOR_USER}/upload-fails`;
    const dir = await modelFolder('model-b', 99);
    hub.setFaults({ failUploadPut: 1, failUploadPuts: Infinity });
    const retries: PushProgress[] = [];
    try {
      const err = await rejection(
        pushModelFolder({
          folder: dir,
          repo: failing,
          accessToken: EMULATOR_WRITE_TOKEN,
          hubUrl: hub.url,
          uploadRetryDelaysMs: [10, 10],
          onProgress: (e) => e.kind === 'retry' && retries.push(e),
        }),
      );
      assert.equal(retries.length, 2);
      assert.equal(hub.state.uploadPuts, 3, 'the first attempt and two retries');
      assert.equal(err.code, 'hub.uploadFailed');
      assert.equal(err.context.file, BIG_FILE);
      assert.equal(err.context.status, 500);
      assert.match(err.message, new RegExp(`Uploading ${BIG_FILE.replace('.', '\\.')} to ${failing}`));
      assert.match(err.message, /Nothing was committed/);
    } finally {
      hub.setFaults({});
    }
    assert.equal(hub.state.repos.get(failing)?.commits.length, 1, 'only the initial commit');
    assert.ok(!hub.state.requests.some((r) => r.path === `/api/models/${failing}/commit/main`));
  });

  it('rejects a bad token without ever showing it', async () => {
    const err = await rejection(pushModelFolder({ folder, repo: `${EMULATOR_USER}/never`, accessToken: BAD_TOKEN, hubUrl: hub.url }));
    assert.equal(err.code, 'hub.tokenRejected');
    assert.match(err.message, /token rejected: set it again with 'SageMaker HF: Set Hugging Face Token'/);
    assert.ok(!`${err.message} ${err.stack} ${JSON.stringify(err.context)}`.includes(BAD_TOKEN));
    assert.equal(hub.state.repos.has(`${EMULATOR_USER}/never`), false);
  });

  it('says there is no write access to a namespace the user only reads', async () => {
    const err = await rejection(pushModelFolder({ folder, repo: `${EMULATOR_READONLY_ORG}/model`, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.equal(err.code, 'hub.forbidden');
    assert.match(err.message, new RegExp(`No write access to the namespace "${EMULATOR_READONLY_ORG}"`));
  });

  it('says a read-only token cannot push', async () => {
    const err = await rejection(pushModelFolder({ folder, repo: `${EMULATOR_USER}/read-token`, accessToken: EMULATOR_READ_TOKEN, hubUrl: hub.url }));
    assert.equal(err.code, 'hub.forbidden');
    assert.match(err.message, /"write" role/);
  });

  it('refuses a repository id without a namespace, or one the Hub would refuse, before calling the Hub', async () => {
    const before = hub.state.requests.length;
    // The rule is core/hubRepoId.ts (hubRepoId.test.ts has its table); ending in "-" or ".git" was let through here before.
    for (const [repo, says] of [
      ['just-a-name', /NAMESPACE\/NAME/],
      [`${EMULATOR_USER}/model-`, /start and end/],
      [`${EMULATOR_USER}/model.git`, /\.git/],
    ] as const) {
      const err = await rejection(pushModelFolder({ folder, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
      assert.equal(err.code, 'hub.repoNameInvalid', repo);
      assert.deepEqual(err.context, { repo, hubUrl: hub.url });
      assert.match(err.message, says, repo);
    }
    assert.equal(hub.state.requests.length, before);
  });

  it('stops quietly when cancelled, before anything is committed', async () => {
    const cancelled = `${EMULATOR_USER}/cancelled`;
    const controller = new AbortController();
    const err = await rejection(
      pushModelFolder({
        folder,
        repo: cancelled,
        accessToken: EMULATOR_WRITE_TOKEN,
        hubUrl: hub.url,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === 'phase' && e.phase === 'preuploading') controller.abort();
        },
      }),
    );
    assert.equal(err.code, 'cancelled');
    assert.equal(hub.state.repos.get(cancelled)?.commits.length, 1);
  });

  it('stops quietly when cancelled during a large-file upload, storing and committing nothing', async () => {
    const cancelled = `${EMULATOR_USER}/cancelled-upload`;
    const dir = await modelFolder('model-c', 123);
    const stored = hub.state.lfsObjects.size;
    const controller = new AbortController();
    const err = await rejection(
      pushModelFolder({
        folder: dir,
        repo: cancelled,
        accessToken: EMULATOR_WRITE_TOKEN,
        hubUrl: hub.url,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === 'file' && e.state === 'uploading' && e.progress > 0 && e.progress < 1) controller.abort();
        },
      }),
    );
    assert.equal(err.code, 'cancelled');
    assert.equal(hub.state.repos.get(cancelled)?.commits.length, 1);
    assert.equal(hub.state.lfsObjects.size, stored, 'the half-sent weights were not stored');
  });

  it('never lets a token reach the emulator request log', () => {
    const log = JSON.stringify(hub.state.requests);
    for (const token of [EMULATOR_WRITE_TOKEN, EMULATOR_READ_TOKEN, BAD_TOKEN]) assert.ok(!log.includes(token));
  });
});

describe('pushModelFolder: what it lists, tells and refuses', () => {
  it('leaves out tool folders and files, compiled Python, broken links and folder links; only checkpoint-<number> folders count as checkpoints', async () => {
    const dir = path.join(workDir, 'model-listing');
    await fs.mkdir(dir);
    for (const skippedDir of ['.cache', '.ipynb_checkpoints', '.venv', 'node_modules', 'checkpoint-12']) {
      await fs.mkdir(path.join(dir, skippedDir));
      await fs.writeFile(path.join(dir, skippedDir, 'inside.bin'), 'x');
    }
    for (const keptDir of ['checkpoint-final', 'my-checkpoint-5', 'checkpoint-5x', 'checkpoint-']) {
      await fs.mkdir(path.join(dir, keptDir));
      await fs.writeFile(path.join(dir, keptDir, 'kept.txt'), 'kept');
    }
    for (const file of ['.DS_Store', 'Thumbs.db', 'train.pyc', 'b.txt', 'a.txt', 'B.txt', 'model.pyc.txt']) await fs.writeFile(path.join(dir, file), file);
    await fs.symlink(path.join(dir, 'missing-target'), path.join(dir, 'broken-link'));
    await fs.symlink(path.join(dir, 'checkpoint-final'), path.join(dir, 'folder-link'));
    // A file inside the folder whose name only starts with "..": a link to it stays inside.
    await fs.writeFile(path.join(dir, '..notes'), 'notes');
    await fs.symlink('..notes', path.join(dir, 'notes-link'));
    const listing = await listModelFolder(dir);
    assert.deepEqual(
      listing.files.map((f) => f.path),
      [
        '..notes',
        'B.txt',
        'a.txt',
        'b.txt',
        'checkpoint-/kept.txt',
        'checkpoint-5x/kept.txt',
        'checkpoint-final/kept.txt',
        'model.pyc.txt',
        'my-checkpoint-5/kept.txt',
        'notes-link',
      ],
    );
    assert.deepEqual(listing.skipped, [
      '.DS_Store',
      '.cache/',
      '.ipynb_checkpoints/',
      '.venv/',
      'Thumbs.db',
      'broken-link',
      'checkpoint-12/',
      'folder-link',
      'node_modules/',
      'train.pyc',
    ]);
    assert.deepEqual(listing.externalLinks, []);
    const notes = listing.files.find((f) => f.path === 'notes-link')!;
    assert.equal(notes.size, 5);
    assert.equal(notes.absolutePath, path.join(dir, 'notes-link'));
    assert.equal(notes.stamp.size, 5);
  });

  it('names at most ten links, then how many more', () => {
    const links = Array.from({ length: 12 }, (_, i) => ({ path: `l${i}`, target: `/outside/t${i}` }));
    const text = describeModelFolderLinks(links);
    assert.equal(text.split('\n').length, 11);
    assert.ok(text.startsWith('l0 → /outside/t0\nl1 → /outside/t1\n'));
    assert.ok(text.endsWith('\nl9 → /outside/t9\nand 2 more'));
    assert.equal(describeModelFolderLinks(links.slice(0, 10)).split('\n').length, 10);
    assert.equal(describeModelFolderLinks(links, 1), 'l0 → /outside/t0\nand 11 more');
  });

  it('refuses several outside links in the plural, and stops as cancelled when the push is cancelled while asking', async () => {
    const dir = await modelFolder('model-two-links', 61);
    await fs.writeFile(path.join(workDir, 'outside-1'), '1');
    await fs.writeFile(path.join(workDir, 'outside-2'), '2');
    await fs.symlink(path.join(workDir, 'outside-1'), path.join(dir, 'one.txt'));
    await fs.symlink(path.join(workDir, 'outside-2'), path.join(dir, 'two.txt'));
    const repo = `${EMULATOR_USER}/two-links`;
    const before = hub.state.requests.length;
    const refused = await rejection(pushModelFolder({ folder: dir, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.equal(refused.code, 'hub.externalLinks');
    assert.deepEqual(refused.context, { repo, hubUrl: hub.url, file: 'one.txt' });
    assert.ok(
      refused.message.startsWith(`2 files in ${dir} are symbolic links to files outside it, so the push would publish their content to ${repo}:\none.txt → `),
      refused.message,
    );
    assert.ok(
      refused.message.endsWith('\nNothing was pushed. Remove or replace the links, or confirm that their targets belong in the model (sagemaker-hf push --follow-external-links).'),
      refused.message,
    );
    const controller = new AbortController();
    const cancelled = await rejection(
      pushModelFolder({
        folder: dir,
        repo,
        accessToken: EMULATOR_WRITE_TOKEN,
        hubUrl: hub.url,
        signal: controller.signal,
        confirmExternalLinks: async () => {
          controller.abort();
          return true;
        },
      }),
    );
    assert.equal(cancelled.code, 'cancelled');
    assert.equal(cancelled.message, `Push to ${repo} cancelled; nothing was pushed.`);
    assert.deepEqual(cancelled.context, { repo, hubUrl: hub.url });
    assert.equal(hub.state.requests.length, before, 'nothing was asked of the Hub');
  });

  it('says what is wrong with the folder or the token before asking the Hub', async () => {
    const before = hub.state.requests.length;
    const repo = `${EMULATOR_USER}/never-sent`;
    const noToken = await rejection(pushModelFolder({ folder: FIXTURE_MODEL, repo, accessToken: '', hubUrl: hub.url }));
    assert.equal(noToken.code, 'hub.tokenMissing');
    assert.deepEqual(noToken.context, { repo, hubUrl: hub.url });
    assert.match(noToken.message, /^No Hugging Face token: set one with 'SageMaker HF: Set Hugging Face Token' \(the CLI reads HF_TOKEN\)\.$/);
    const missing = path.join(workDir, 'no-such-model');
    const absent = await rejection(pushModelFolder({ folder: missing, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.equal(absent.code, 'hub.folderUnreadable');
    assert.equal(absent.message, `Cannot read the model folder ${missing} (ENOENT).`);
    assert.deepEqual(absent.context, { repo, hubUrl: hub.url });
    const onlyJunk = path.join(workDir, 'model-only-junk');
    await fs.mkdir(path.join(onlyJunk, '.git'), { recursive: true });
    await fs.writeFile(path.join(onlyJunk, 'x.pyc'), 'x');
    const junk = await rejection(pushModelFolder({ folder: onlyJunk, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.equal(junk.code, 'hub.folderEmpty');
    assert.equal(junk.message, `The model folder ${onlyJunk} has no files to push (left out: .git/, x.pyc).`);
    assert.deepEqual(junk.context, { repo, hubUrl: hub.url });
    const empty = path.join(workDir, 'model-empty');
    await fs.mkdir(empty);
    assert.equal(
      (await rejection(pushModelFolder({ folder: empty, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }))).message,
      `The model folder ${empty} has no files to push.`,
    );
    // The listing's own refusal (folderWalks.test has the walk's limits) comes with the push's repository and hub URL.
    const deep = path.join(workDir, 'model-too-deep');
    await fs.mkdir(path.join(deep, ...Array(MAX_FOLDER_DEPTH + 1).fill('d')), { recursive: true });
    await fs.writeFile(path.join(deep, 'config.json'), '{}');
    const tooDeep = await rejection(pushModelFolder({ folder: deep, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.equal(tooDeep.code, 'hub.folderUnreadable');
    assert.deepEqual(tooDeep.context, { repo, hubUrl: hub.url });
    assert.match(
      tooDeep.message,
      new RegExp(`is more than ${MAX_FOLDER_DEPTH} folders below .*; nothing was pushed\\. Move what should not be pushed out of the model folder\\.$`),
    );
    assert.equal(hub.state.requests.length, before);
  });

  it('tells what it listed, the repository, each phase and the commit; a failing progress view does not stop it; a blank message gets the default', async () => {
    const dir = await modelFolder('model-events', 71);
    const repo = `${EMULATOR_USER}/told`;
    const events: PushProgress[] = [];
    const result = await pushModelFolder({
      folder: dir,
      repo,
      commitMessage: '  \n',
      accessToken: EMULATOR_WRITE_TOKEN,
      hubUrl: `${hub.url}//`,
      onProgress: (e) => {
        events.push(e);
        throw new Error('the progress view broke');
      },
    });
    const sizes = (await listModelFolder(dir)).files.reduce((n, f) => n + f.size, 0);
    assert.deepEqual(events[0], { kind: 'listed', files: 5, bytes: sizes, skipped: ['.git/', '__pycache__/', 'checkpoint-500/'] });
    assert.deepEqual(events[1], { kind: 'repo', repo, repoUrl: `${hub.url}/${repo}`, created: true });
    assert.deepEqual(events.at(-1), { kind: 'committed', commitOid: result.commitOid, commitUrl: result.commitUrl });
    assert.equal(result.repoUrl, `${hub.url}/${repo}`);
    assert.equal(hub.state.repos.get(repo)?.commits[1]?.title, 'Upload model trained with SageMaker HF Trainer');
    assert.deepEqual(result.skipped, ['.git/', '__pycache__/', 'checkpoint-500/']);
    const big = result.files.find((f) => f.path === BIG_FILE)!;
    assert.deepEqual(big, {
      path: BIG_FILE,
      size: BIG_FILE_SIZE,
      lfs: true,
      sha256: createHash('sha256')
        .update(await fs.readFile(path.join(dir, BIG_FILE)))
        .digest('hex'),
      hashed: true,
      uploaded: true,
    });
    assert.deepEqual(
      result.files.find((f) => f.path === 'config.json'),
      { path: 'config.json', size: (await fs.stat(path.join(dir, 'config.json'))).size, lfs: false },
    );
    // Progress of a file, a hundred steps at most: each one reported moves at least 1 %, and 1 is always told.
    for (const state of ['hashing', 'uploading'] as const) {
      const steps = events.flatMap((e) => (e.kind === 'file' && e.path === BIG_FILE && e.state === state ? [e.progress] : []));
      assert.ok(steps.length >= 2 && steps.length <= 102, `${state}: ${steps.length} steps`);
      assert.equal(steps.at(-1), 1, state);
      for (let i = 1; i < steps.length; i++) assert.ok(steps[i]! >= 1 || steps[i]! - steps[i - 1]! >= 0.01, `${state}: ${steps[i - 1]} then ${steps[i]}`);
    }
  });

  it('names the large file whose upload failed while another one was still being sent', async () => {
    const dir = path.join(workDir, 'model-two-weights');
    await fs.mkdir(dir);
    const files = { 'a-first.bin': weights(91, 12 * 1024 * 1024), 'b-second.bin': weights(92, 64 * 1024) };
    for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(dir, name), bytes);
    const repo = `${EMULATOR_USER}/two-weights`;
    const putsBefore = hub.state.requests.length;
    // The second upload PUT fails, every one after it too, and nothing is retried.
    hub.setFaults({ failUploadPut: 2, failUploadPuts: Infinity });
    let err: HubError;
    try {
      err = await rejection(pushModelFolder({ folder: dir, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, uploadRetryDelaysMs: [] }));
    } finally {
      hub.setFaults({});
    }
    const failedPut = hub.state.requests.slice(putsBefore).find((r) => r.method === 'PUT' && r.status === 500);
    assert.ok(failedPut, 'no upload failed');
    const failedFile = Object.entries(files).find(([, bytes]) => failedPut.path.includes(createHash('sha256').update(bytes).digest('hex')))![0];
    assert.equal(err.code, 'hub.uploadFailed');
    assert.equal(err.context.file, failedFile);
    assert.match(err.message, new RegExp(`^Uploading ${failedFile.replace('.', '\\.')} to ${repo} failed \\(HTTP 500: `));
  });

  it('names a retried file in a subfolder by its path in the repository, and shows its progress start over', async () => {
    const dir = path.join(workDir, 'model-nested-retry');
    await fs.mkdir(path.join(dir, 'weights'), { recursive: true });
    await fs.writeFile(path.join(dir, 'config.json'), '{}');
    await fs.writeFile(path.join(dir, 'weights', BIG_FILE), weights(93));
    const events: PushProgress[] = [];
    hub.setFaults({ failUploadPut: 1 });
    try {
      await pushModelFolder({
        folder: dir,
        repo: `${EMULATOR_USER}/nested-retry`,
        accessToken: EMULATOR_WRITE_TOKEN,
        hubUrl: hub.url,
        uploadRetryDelaysMs: [10],
        onProgress: (e) => events.push(e),
      });
    } finally {
      hub.setFaults({});
    }
    const retryAt = events.findIndex((e) => e.kind === 'retry');
    assert.deepEqual(events[retryAt], { kind: 'retry', path: `weights/${BIG_FILE}`, attempt: 2, attempts: 2, reason: 'HTTP 500', delayMs: 10 });
    const uploading = (from: number, to: number) =>
      events.slice(from, to).flatMap((e) => (e.kind === 'file' && e.state === 'uploading' && e.path === `weights/${BIG_FILE}` ? [e.progress] : []));
    const before = uploading(0, retryAt);
    const after = uploading(retryAt + 1, events.length);
    assert.ok(before.length > 0 && after.length > 0, `${before.length} reports before the retry, ${after.length} after`);
    assert.ok(after[0]! < Math.max(...before), `after the retry the progress shown starts over: ${before.join(', ')} | ${after.join(', ')}`);
  });

  it('writes no hash record into a folder whose push hashed nothing', async () => {
    const dir = path.join(workDir, 'model-small-files');
    await fs.cp(FIXTURE_MODEL, dir, { recursive: true });
    await pushModelFolder({ folder: dir, repo: `${EMULATOR_USER}/small-files`, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
    await assert.rejects(fs.stat(path.join(dir, '.cache')), { code: 'ENOENT' });
  });

  it('says in which step the Hub failed: the preupload and LFS batch (upload) or the commit', async () => {
    const dir = await modelFolder('model-steps', 81);
    for (const [route, action, status] of [
      [/^POST \/api\/models\/[^/]+\/[^/]+\/preupload\//, 'upload to', 503],
      [/^POST \/[^/]+\/[^/]+\.git\/info\/lfs\/objects\/batch$/, 'upload to', 503],
      [/^POST \/api\/models\/[^/]+\/[^/]+\/commit\//, 'commit to', 503],
    ] as const) {
      const repo = `${EMULATOR_USER}/fails-${action.split(' ')[0]}-${hub.state.requests.length}`;
      hub.setFaults({ unavailable: route });
      try {
        const err = await rejection(pushModelFolder({ folder: dir, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
        assert.equal(err.code, 'hub.requestFailed', `${route}: ${err.message}`);
        assert.equal(err.context.status, status);
        assert.equal(err.message, `The Hugging Face Hub could not ${action} ${repo} (HTTP ${status}: Service Unavailable). It may be busy or down; try again later.`);
      } finally {
        hub.setFaults({});
      }
      assert.equal(hub.state.repos.get(repo)?.commits.length, 1, 'nothing committed');
    }
  });
});

describe('pushModelFolder with multipart LFS uploads', () => {
  // The Hub's LFS storage hands out one URL per part for large files, then a completion URL.
  let mp: HubEmulator;
  const PART = 4 * 1024 * 1024;

  before(async () => {
    mp = await startHubEmulator({ multipartChunkSize: PART, maxLifetimeMs: 5 * 60_000 });
  });

  after(async () => {
    await mp?.stop();
  });

  it('sends every part, completes the upload, and the Hub holds the file byte for byte', async () => {
    const dir = await modelFolder('model-multipart', 21);
    const repo = `${EMULATOR_USER}/bart-multipart`;
    const events: PushProgress[] = [];
    const result = await pushModelFolder({ folder: dir, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: mp.url, onProgress: (e) => events.push(e) });
    const parts = mp.state.requests.filter((r) => r.path.startsWith('/lfs-part/'));
    assert.equal(parts.length, Math.ceil(BIG_FILE_SIZE / PART));
    assert.ok(parts.every((r) => r.status === 200));
    assert.deepEqual(
      mp.state.requests.filter((r) => r.path.startsWith('/lfs-complete/')).map((r) => r.status),
      [200],
    );
    assert.equal(mp.state.requests.filter((r) => r.path.startsWith('/lfs-upload/')).length, 0, 'no single PUT');
    assert.equal(mp.state.repos.get(repo)?.commits.at(-1)?.oid, result.commitOid);
    assert.ok((await mp.readFile(repo, BIG_FILE))?.equals(await fs.readFile(path.join(dir, BIG_FILE))), 'the joined parts are the file');
    const uploads = events.filter((e): e is Extract<PushProgress, { kind: 'file' }> => e.kind === 'file' && e.path === BIG_FILE && e.state === 'uploading');
    assert.ok(
      uploads.some((e) => e.progress > 0 && e.progress < 1),
      'progress across the parts',
    );
    assert.equal(uploads.at(-1)?.progress, 1);
  });

  it('sends a part again when the storage failed it once, and completes the upload', async () => {
    const dir = await modelFolder('model-multipart-retry', 23);
    const repo = `${EMULATOR_USER}/bart-multipart-retry`;
    const retries: PushProgress[] = [];
    mp.setFaults({ failUploadPut: 2 });
    try {
      await pushModelFolder({
        folder: dir,
        repo,
        accessToken: EMULATOR_WRITE_TOKEN,
        hubUrl: mp.url,
        uploadRetryDelaysMs: [10],
        onProgress: (e) => e.kind === 'retry' && retries.push(e),
      });
    } finally {
      mp.setFaults({});
    }
    assert.equal(retries.length, 1);
    assert.ok((await mp.readFile(repo, BIG_FILE))?.equals(await fs.readFile(path.join(dir, BIG_FILE))), 'the joined parts are the file');
  });

  it('names the file when a part fails, and commits nothing', async () => {
    const dir = await modelFolder('model-multipart-fails', 22);
    const repo = `${EMULATOR_USER}/bart-multipart-fails`;
    mp.setFaults({ failUploadPut: 2, failUploadPuts: Infinity });
    try {
      const err = await rejection(pushModelFolder({ folder: dir, repo, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: mp.url, uploadRetryDelaysMs: [10] }));
      assert.equal(err.code, 'hub.uploadFailed');
      assert.equal(err.context.file, BIG_FILE);
      assert.match(err.message, /Nothing was committed/);
    } finally {
      mp.setFaults({});
    }
    assert.equal(mp.state.repos.get(repo)?.commits.length, 1, 'only the initial commit');
  });
});

describe('runSummarization', () => {
  it('summarizes through a configured endpoint URL', async () => {
    const result = await runSummarization({
      model: `${EMULATOR_USER}/bart-large-cnn-samsum`,
      text: DIALOGUE,
      accessToken: EMULATOR_WRITE_TOKEN,
      endpointUrl: `${hub.url}/endpoints/bart-samsum`,
    });
    assert.equal(result.summary, extractiveSummary(DIALOGUE));
    assert.equal(result.via, 'endpoint');
    assert.equal(typeof result.latencyMs, 'number');
    const call = hub.state.summarizations.at(-1);
    assert.deepEqual(call && { route: call.route, target: call.target, inputs: call.inputs }, { route: 'endpoint', target: 'bart-samsum', inputs: DIALOGUE });
  });

  it('summarizes with a model a provider serves, through the router', async () => {
    const result = await runSummarization({ model: 'facebook/bart-large-cnn', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
    assert.equal(result.summary, extractiveSummary(DIALOGUE));
    assert.equal(hub.state.summarizations.at(-1)?.route, 'router');
  });

  it('says plainly that a freshly pushed model is not deployed, and what to do instead', async () => {
    const fresh = `${EMULATOR_USER}/fresh-finetune`;
    await pushModelFolder({ folder: FIXTURE_MODEL, repo: fresh, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
    const err = await rejection(runSummarization({ model: fresh, text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.ok(err instanceof NotDeployedError);
    assert.equal(err.code, 'hub.notDeployed');
    assert.equal(err.name, 'NotDeployedError');
    assert.deepEqual(err.context, { model: fresh });
    assert.deepEqual(err.alternatives, NOT_DEPLOYED_ALTERNATIVES);
    assert.ok(err.message.startsWith(`No Inference Provider serves ${fresh}. A freshly fine-tuned model`), err.message);
    assert.match(
      err.message,
      /Try it instead through \(1\) an endpoint URL you configure .*, \(2\) a SageMaker endpoint .*, \(3\) running the transformers summarization pipeline locally\.$/,
    );
    assert.match(err.message, /freshly fine-tuned model is usually not deployed by any provider/);
    assert.match(err.message, /endpoint URL/);
    assert.match(err.message, /SageMaker endpoint/);
    assert.match(err.message, /locally/);
  });

  it('reads a 404 from the router route used as endpoint as "not deployed"', async () => {
    const err = await rejection(
      runSummarization({
        model: `${EMULATOR_USER}/fresh-finetune`,
        text: DIALOGUE,
        accessToken: EMULATOR_WRITE_TOKEN,
        endpointUrl: `${hub.url}/hf-inference/models/${EMULATOR_USER}/fresh-finetune`,
      }),
    );
    assert.ok(err instanceof NotDeployedError);
  });

  it('gives up after a bounded number of 503 answers', async () => {
    hub.setFaults({ unavailable: /^POST \/endpoints\// });
    try {
      const before = hub.state.requests.filter((r) => r.path === '/endpoints/loading').length;
      const err = await rejection(
        runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/loading`, maxAttempts: 2, retryDelayMs: 0 }),
      );
      assert.equal(err.code, 'hub.inferenceUnavailable');
      assert.equal(hub.state.requests.filter((r) => r.path === '/endpoints/loading').length - before, 2);
    } finally {
      hub.setFaults({});
    }
  });

  it('asks three times by default, and at least once whatever maxAttempts says', async () => {
    hub.setFaults({ unavailable: /^POST \/endpoints\/loading-/ });
    try {
      const count = (name: string) => hub.state.requests.filter((r) => r.path === `/endpoints/${name}`).length;
      const byDefault = await rejection(
        runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/loading-default`, retryDelayMs: 0 }),
      );
      assert.equal(byDefault.code, 'hub.inferenceUnavailable');
      assert.equal(byDefault.context.status, 503);
      assert.match(
        byDefault.message,
        new RegExp(`^the endpoint ${hub.url}/endpoints/loading-default is unavailable or still loading x/y \\(HTTP 503\\)\\. Try again in a minute\\.$`),
      );
      assert.equal(count('loading-default'), 3);
      await rejection(
        runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/loading-zero`, maxAttempts: 0, retryDelayMs: 0 }),
      );
      assert.equal(count('loading-zero'), 1);
    } finally {
      hub.setFaults({});
    }
  });

  it('asks again after a 503 and returns the summary the second answer carries', async () => {
    let answered = 0;
    // The first request only is "still loading".
    hub.setFaults({ unavailable: { test: (route: string) => route.startsWith('POST /endpoints/warming') && answered++ === 0 } as RegExp });
    try {
      const result = await runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/warming`, retryDelayMs: 0 });
      assert.equal(result.summary, extractiveSummary(DIALOGUE));
      assert.equal(hub.state.requests.filter((r) => r.path === '/endpoints/warming').length, 2);
    } finally {
      hub.setFaults({});
    }
  });

  it('stops waiting between attempts as soon as it is cancelled', async () => {
    hub.setFaults({ unavailable: /^POST \/endpoints\/slow-start/ });
    const controller = new AbortController();
    const started = Date.now();
    try {
      const pending = runSummarization({
        model: 'x/y',
        text: DIALOGUE,
        accessToken: EMULATOR_WRITE_TOKEN,
        endpointUrl: `${hub.url}/endpoints/slow-start`,
        signal: controller.signal,
        retryDelayMs: 60_000,
      });
      while (!hub.state.requests.some((r) => r.path === '/endpoints/slow-start')) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      const err = await rejection(pending);
      assert.equal(err.code, 'cancelled');
      assert.equal(err.message, 'Summarization with x/y cancelled.');
      assert.ok(Date.now() - started < 10_000, 'ends long before the 60 s pause');
      assert.equal(hub.state.requests.filter((r) => r.path === '/endpoints/slow-start').length, 1);
    } finally {
      hub.setFaults({});
    }
  });

  it('asks nothing when cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = hub.state.requests.length;
    const err = await rejection(
      runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/never`, signal: controller.signal }),
    );
    assert.equal(err.code, 'cancelled');
    assert.equal(hub.state.requests.length, before);
  });

  it('says which service rejected the token, and how to set it again, without showing it', async () => {
    const endpoint = await rejection(runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: BAD_TOKEN, endpointUrl: `${hub.url}/endpoints/bart-samsum` }));
    assert.equal(endpoint.code, 'hub.tokenRejected');
    assert.equal(endpoint.context.status, 401);
    assert.equal(
      endpoint.message,
      `Hugging Face token rejected by the endpoint ${hub.url}/endpoints/bart-samsum: set it again with 'SageMaker HF: Set Hugging Face Token' (the CLI reads HF_TOKEN).`,
    );
    // The client looks the provider up without the token; the router then refuses it.
    const router = await rejection(runSummarization({ model: 'facebook/bart-large-cnn', text: DIALOGUE, accessToken: BAD_TOKEN, hubUrl: hub.url }));
    assert.equal(router.code, 'hub.tokenRejected');
    assert.deepEqual(router.context, { model: 'facebook/bart-large-cnn', hubUrl: hub.url, status: 401 });
    assert.match(router.message, /^Hugging Face token rejected by Inference Providers \(auto\): set it again with 'SageMaker HF: Set Hugging Face Token'/);
    for (const err of [endpoint, router]) assert.ok(!`${err.message} ${JSON.stringify(err.context)}`.includes(BAD_TOKEN));
  });

  it('reads a 404 from an endpoint URL as a wrong URL, and from the router route (trailing slash too) as "not deployed"', async () => {
    const wrong = await rejection(runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/no-such/endpoint` }));
    assert.ok(!(wrong instanceof NotDeployedError));
    assert.equal(wrong.code, 'hub.inferenceFailed');
    assert.equal(wrong.context.status, 404);
    assert.equal(wrong.message, `the endpoint ${hub.url}/no-such/endpoint answered 404 Not Found: check the endpoint URL.`);
    const routed = await rejection(
      runSummarization({
        model: `${EMULATOR_USER}/never-deployed`,
        text: DIALOGUE,
        accessToken: EMULATOR_WRITE_TOKEN,
        endpointUrl: `${hub.url}/hf-inference/models/${EMULATOR_USER}/never-deployed/`,
      }),
    );
    assert.ok(routed instanceof NotDeployedError, routed.message);
    assert.match(routed.message, /\(the inference router answered 404\)/);
    // Only the model route itself: a longer path under it is a wrong URL.
    const longer = await rejection(
      runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/hf-inference/models/${EMULATOR_USER}/never-deployed/extra` }),
    );
    assert.ok(!(longer instanceof NotDeployedError), longer.message);
    assert.match(longer.message, /answered 404 Not Found: check the endpoint URL\.$/);
  });

  it('reads a model the Hub does not know as "not deployed", and other Hub failures as a failed lookup', async () => {
    const unknown = await rejection(runSummarization({ model: 'nobody/never-pushed', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
    assert.ok(unknown instanceof NotDeployedError, unknown.message);
    assert.match(unknown.message, /^No Inference Provider serves nobody\/never-pushed \(the Hub shows no public model with that id; providers never serve private models\)\./);
    hub.setFaults({ unavailable: /^GET \/api\/models\// });
    try {
      // (a model the client has not looked up yet: it keeps what it found for the process)
      const down = await rejection(runSummarization({ model: `${EMULATOR_USER}/lookup-down`, text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
      assert.equal(down.code, 'hub.inferenceFailed');
      assert.equal(down.context.status, 503);
      assert.match(down.message, new RegExp(`^Could not look up who serves ${EMULATOR_USER}/lookup-down: `));
    } finally {
      hub.setFaults({});
    }
  });

  it('quotes what an endpoint said when it refuses the input', async () => {
    const err = await rejection(runSummarization({ model: 'x/y', text: '   ', accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/bart-samsum` }));
    assert.equal(err.code, 'hub.inferenceFailed');
    assert.equal(err.context.status, 400);
    assert.match(err.message, new RegExp(`^the endpoint ${hub.url}/endpoints/bart-samsum could not summarize with x/y \\(HTTP 400\\): .*inputs`));
  });

  it('says an unreachable endpoint cannot be reached, with the network code', async () => {
    // A port nothing listens on (fetch refuses well-known ports such as 9 before connecting).
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const endpointUrl = `http://127.0.0.1:${port}/summarize`;
    const err = await rejection(runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl }));
    assert.equal(err.code, 'hub.network');
    assert.equal(err.context.cause, 'ECONNREFUSED');
    assert.equal(err.message, `Cannot reach the endpoint ${endpointUrl} (ECONNREFUSED). Check the network connection, proxy settings and URL.`);
  });

  it('says an endpoint answering something else than a summary does not serve summarization, and quotes a failing one without the token', async () => {
    // A server that speaks HTTP but not the summarization answer: the Hub emulator's endpoints always summarize.
    const answers: Array<{ status: number; body: unknown }> = [
      { status: 200, body: [{ generated_text: 'not a summary' }] },
      { status: 500, body: { error: `backend crashed reading the token ${EMULATOR_WRITE_TOKEN}` } },
    ];
    const server = http.createServer((req, res) => {
      req.resume();
      const answer = answers.shift() ?? { status: 404, body: {} };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpointUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/summarize`;
    try {
      const other = await rejection(runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl }));
      assert.equal(other.code, 'hub.inferenceFailed');
      assert.equal(other.message, `the endpoint ${endpointUrl} answered, but not with a summary: is it serving a summarization model?`);
      const failed = await rejection(runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl }));
      assert.equal(failed.code, 'hub.inferenceFailed');
      assert.equal(failed.context.status, 500);
      assert.match(failed.message, new RegExp(`^the endpoint ${endpointUrl} could not summarize with x/y \\(HTTP 500\\): .*backend crashed`));
      // Masked as the caller's own token (***), not only by the hf_ pattern (hf_***).
      assert.match(failed.message, /backend crashed reading the token \*\*\*/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says the token was rejected when the Hub refuses it for the provider lookup (a named provider looks up with the token)', async () => {
    const err = await rejection(runSummarization({ model: `${EMULATOR_USER}/lookup-401`, text: DIALOGUE, accessToken: BAD_TOKEN, hubUrl: hub.url, provider: 'hf-inference' }));
    assert.equal(err.code, 'hub.tokenRejected');
    assert.deepEqual(err.context, { model: `${EMULATOR_USER}/lookup-401`, hubUrl: hub.url, status: 401 });
    assert.equal(err.message, `Hugging Face token rejected: set it again with 'SageMaker HF: Set Hugging Face Token' (the CLI reads HF_TOKEN).`);
  });

  it('calls an endpoint without a token when it has none (a public endpoint needs none)', async () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([{ summary_text: 'short' }]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runSummarization({ model: 'x/y', text: DIALOGUE, endpointUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/` });
      assert.equal(result.summary, 'short');
      assert.deepEqual(seen, [undefined]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps the inference client from logging its provider choice on the console', async () => {
    const logged: unknown[][] = [];
    const originals = { log: console.log, info: console.info, debug: console.debug };
    console.log = console.info = console.debug = (...args: unknown[]) => void logged.push(args);
    try {
      // A model the client has not looked up yet, through the router with "auto": it says which provider it picked.
      await rejection(runSummarization({ model: `${EMULATOR_USER}/quiet-lookup`, text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url }));
      await runSummarization({ model: 'facebook/bart-large-cnn', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url });
    } finally {
      Object.assign(console, originals);
    }
    assert.deepEqual(logged, []);
  });

  it('still lets the inference client’s warnings through (a model a provider serves in staging)', async () => {
    const warned: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warned.push(args);
    try {
      const result = await runSummarization({ model: STAGING_MODEL, text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, provider: 'hf-inference' });
      assert.equal(result.summary, extractiveSummary(DIALOGUE));
    } finally {
      console.warn = original;
    }
    assert.match(String(warned[0]?.[0]), /facebook\/bart-staging is in staging mode for provider hf-inference/);
  });

  it('reports a wall time no longer than the call took', async () => {
    const started = performance.now();
    const result = await runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, endpointUrl: `${hub.url}/endpoints/timed` });
    const took = performance.now() - started;
    assert.ok(result.latencyMs >= 0 && result.latencyMs <= Math.ceil(took), `${result.latencyMs} ms reported, ${took} ms taken`);
  });

  it('waits before asking again by default: a cancel right after the first 503 finds it waiting', async () => {
    hub.setFaults({ unavailable: /^POST \/endpoints\/default-pause/ });
    const controller = new AbortController();
    try {
      const pending = runSummarization({
        model: 'x/y',
        text: DIALOGUE,
        accessToken: EMULATOR_WRITE_TOKEN,
        endpointUrl: `${hub.url}/endpoints/default-pause`,
        signal: controller.signal,
      });
      while (!hub.state.requests.some((r) => r.path === '/endpoints/default-pause')) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      controller.abort();
      assert.equal((await rejection(pending)).code, 'cancelled');
      assert.equal(hub.state.requests.filter((r) => r.path === '/endpoints/default-pause').length, 1, 'asked again without the pause');
    } finally {
      hub.setFaults({});
    }
  });

  it('reads a 503 from the router as "unavailable", not "not deployed"', async () => {
    hub.setFaults({ unavailable: /^POST \/hf-inference\// });
    try {
      const err = await rejection(runSummarization({ model: 'facebook/bart-large-cnn', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, maxAttempts: 1 }));
      assert.equal(err.code, 'hub.inferenceUnavailable', err.message);
      assert.match(err.message, /^Inference Providers \(auto\) is unavailable or still loading facebook\/bart-large-cnn \(HTTP 503\)/);
    } finally {
      hub.setFaults({});
    }
  });

  it('says what failed when the call fails in another way (a token with a character no HTTP header can carry)', async () => {
    const err = await rejection(runSummarization({ model: 'x/y', text: DIALOGUE, accessToken: 'hf_pastedWith€Sign0123456789', endpointUrl: `${hub.url}/endpoints/bart-samsum` }));
    assert.equal(err.code, 'hub.inferenceFailed');
    assert.match(err.message, /^Summarization with x\/y failed: .*ByteString/);
    assert.deepEqual(err.context, { model: 'x/y' });
  });

  it('routes through a hub URL given with trailing slashes, and reports the provider it was asked for', async () => {
    const auto = await runSummarization({ model: 'facebook/bart-large-cnn', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: `${hub.url}//` });
    assert.equal(auto.summary, extractiveSummary(DIALOGUE));
    assert.equal(auto.via, 'auto');
    const named = await runSummarization({ model: 'facebook/bart-large-cnn', text: DIALOGUE, accessToken: EMULATOR_WRITE_TOKEN, hubUrl: hub.url, provider: 'hf-inference' });
    assert.equal(named.via, 'hf-inference');
    assert.equal(hub.state.summarizations.at(-1)?.route, 'router');
  });
});

describe('hub token handling', () => {
  it('prefers the stored token, then HF_TOKEN, and ignores blanks', () => {
    assert.deepEqual(resolveHubToken({ stored: 'hf_stored', env: { HF_TOKEN: 'hf_env' } }), { token: 'hf_stored', source: 'secretStorage' });
    assert.deepEqual(resolveHubToken({ stored: '  ', env: { HF_TOKEN: 'hf_env' } }), { token: 'hf_env', source: 'HF_TOKEN' });
    assert.equal(resolveHubToken({ env: {} }), undefined);
  });

  it('masks hf_ tokens, Bearer credentials and known secrets in any text', () => {
    const text = `token hf_AbCdEf0123456789 in "Authorization: Bearer secret-value" and raw s3cr3t-known`;
    const masked = redactHubTokens(text, ['s3cr3t-known']);
    assert.equal(masked, 'token hf_*** in "Authorization: Bearer ***" and raw ***');
  });

  it('trims HF_TOKEN too: a blank one counts as absent, a padded one is used without its blanks', () => {
    assert.equal(resolveHubToken({ stored: '', env: { HF_TOKEN: ' \t\n' } }), undefined);
    assert.deepEqual(resolveHubToken({ env: { HF_TOKEN: '  hf_env \n' } }), { token: 'hf_env', source: 'HF_TOKEN' });
  });

  it('masks organisation API tokens and lower-case bearer credentials, up to the next separator', () => {
    assert.equal(redactHubTokens('key api_org_AbCdEf0123456789.'), 'key api_org_***.');
    assert.equal(redactHubTokens('authorization: bearer abc123,next'), 'authorization: Bearer ***,next');
    assert.equal(redactHubTokens(`'Bearer abc123' "Bearer def456";`), '\'Bearer ***\' "Bearer ***";');
  });

  it('leaves names that only start like a token readable (pip install hf_transfer), and masks from 10 characters on', () => {
    assert.equal(redactHubTokens('pip install hf_transfer hf_123456789'), 'pip install hf_transfer hf_123456789');
    assert.equal(redactHubTokens('hf_1234567890'), 'hf_***');
    assert.equal(redactHubTokens('myhf_AbCdEf0123456789'), 'myhf_AbCdEf0123456789', 'only a whole word is a token');
  });

  it('masks known secrets of four characters or more, but not shorter ones that would blank ordinary text', () => {
    assert.equal(redactHubTokens('a pin abcd in a sentence', ['a', 'abc', 'abcd', undefined, '']), 'a pin *** in a sentence');
  });
});

describe('sagemaker-hf push / infer', () => {
  it('push prints the repository URL on stdout and progress on stderr', async () => {
    const io = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    const code = await pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/cli-model`, '--message', 'from the CLI', '--hub-url', hub.url], io);
    assert.equal(code, 0, io.err);
    assert.equal(io.out, `${hub.url}/${EMULATOR_USER}/cli-model\n`);
    assert.match(io.err, /Committed [0-9a-f]{7}/);
    assert.equal(hub.state.repos.get(`${EMULATOR_USER}/cli-model`)?.commits.at(-1)?.title, 'from the CLI');
    assert.ok(!`${io.out}${io.err}`.includes(EMULATOR_WRITE_TOKEN));
  });

  it('push creates a private repository unless --public, as the Model Card panel does', async () => {
    const env = { HF_TOKEN: EMULATOR_WRITE_TOKEN };
    assert.equal(await pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/cli-private`, '--hub-url', hub.url], captureIo(env)), 0);
    assert.equal(hub.state.repos.get(`${EMULATOR_USER}/cli-private`)?.private, true);
    assert.equal(await pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/cli-public`, '--public', '--hub-url', hub.url], captureIo(env)), 0);
    assert.equal(hub.state.repos.get(`${EMULATOR_USER}/cli-public`)?.private, false);
    await assert.rejects(
      pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/x`, '--public', '--private'], captureIo(env)),
      (err: unknown) => err instanceof UsageError && /contradict/.test(err.message),
    );
  });

  it('push lists files that link outside the folder and exits 2 without --follow-external-links', async () => {
    const dir = await modelFolder('model-cli-links', 43);
    await fs.writeFile(path.join(workDir, 'private-notes.txt'), 'PRIVATE\n');
    await fs.symlink(path.join(workDir, 'private-notes.txt'), path.join(dir, 'notes.txt'));
    const refused = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    assert.equal(await pushCommand([dir, '--repo', `${EMULATOR_USER}/cli-links`, '--hub-url', hub.url], refused), 2);
    assert.equal(refused.out, '');
    assert.match(refused.err, /\nnotes\.txt → .*private-notes\.txt\nNothing was pushed\..*--follow-external-links/s);
    assert.equal(hub.state.repos.get(`${EMULATOR_USER}/cli-links`), undefined);
    const followed = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    assert.equal(await pushCommand([dir, '--repo', `${EMULATOR_USER}/cli-links`, '--hub-url', hub.url, '--follow-external-links'], followed), 0, followed.err);
    assert.match(followed.err, /Pushing the targets of 1 link out of the folder \(--follow-external-links\):\n {2}notes\.txt → /);
    assert.equal((await readBack(`${EMULATOR_USER}/cli-links`, 'notes.txt')).toString(), 'PRIVATE\n');
  });

  it('push says on stderr when it sends an upload again after a storage failure', async () => {
    const dir = await modelFolder('model-cli-retry', 31);
    const io = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    hub.setFaults({ failUploadPut: 1 });
    try {
      assert.equal(await pushCommand([dir, '--repo', `${EMULATOR_USER}/cli-retried`, '--hub-url', hub.url], io), 0, io.err);
    } finally {
      hub.setFaults({});
    }
    assert.match(io.err, new RegExp(`HTTP 500 while uploading ${BIG_FILE.replace('.', '\\.')}; trying again in 1 s \\(attempt 2 of 4\\)`));
    assert.match(io.err, /Committed [0-9a-f]{7}/);
  });

  it('push exits 2 without a token and on usage errors', async () => {
    const io = captureIo({});
    assert.equal(await pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/x`, '--hub-url', hub.url], io), 2);
    assert.match(io.err, /HF_TOKEN/);
    await assert.rejects(pushCommand([FIXTURE_MODEL], captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN })), UsageError);
    await assert.rejects(
      pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/x`, '--transfer', 'git'], captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN })),
      (err: unknown) => err instanceof UsageError && /--transfer must be lfs or xet, not "git"/.test(err.message),
    );
  });

  it('push exits 1 with the Hub’s refusal when the token is rejected', async () => {
    const io = captureIo({ HF_TOKEN: BAD_TOKEN });
    assert.equal(await pushCommand([FIXTURE_MODEL, '--repo', `${EMULATOR_USER}/x`, '--hub-url', hub.url], io), 1);
    assert.match(io.err, /token rejected/);
    assert.ok(!io.err.includes(BAD_TOKEN));
  });

  it('infer prints the summary and the latency', async () => {
    const io = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    const code = await inferCommand([`${EMULATOR_USER}/cli-model`, '--text', DIALOGUE, '--endpoint', `${hub.url}/endpoints/cli`], io);
    assert.equal(code, 0, io.err);
    assert.equal(io.out, `${extractiveSummary(DIALOGUE)}\n`);
    assert.match(io.err, /^latency: \d+ ms \(via endpoint\)\n$/);
  });

  it('infer takes a provider the client knows, and refuses another, naming the known ones', async () => {
    await assert.rejects(
      inferCommand(['facebook/bart-large-cnn', '--text', DIALOGUE, '--provider', 'my-gpu', '--hub-url', hub.url], captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN })),
      (err: unknown) => err instanceof UsageError && /^unknown provider 'my-gpu': one of .*\bhf-inference\b.*\bauto\b/.test(err.message),
    );
    const io = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    assert.equal(await inferCommand(['facebook/bart-large-cnn', '--text', DIALOGUE, '--provider', 'hf-inference', '--hub-url', hub.url], io), 0, io.err);
    assert.match(io.err, /\(via hf-inference\)/);
  });

  it('infer exits 1 with the not-deployed explanation for a fresh model', async () => {
    const io = captureIo({ HF_TOKEN: EMULATOR_WRITE_TOKEN });
    assert.equal(await inferCommand([`${EMULATOR_USER}/cli-model`, '--text', DIALOGUE, '--hub-url', hub.url], io), 1);
    assert.match(io.err, /usually not deployed by any provider/);
  });
});
