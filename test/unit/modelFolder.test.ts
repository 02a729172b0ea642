// Reading a model folder (src/artifacts/modelFolder.ts): one reader and one policy for `sagemaker-hf
// card` and the Model Card panel. A run file that is too large, unreadable or not JSON is left out with
// its reason and the rest is used; a folder with nothing usable is refused; job.json is read from the
// folder or its parent.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_MODEL_FOLDER_FILE_BYTES, ModelFolderError, readJobRecord, readModelFolder, safetensorsParameters } from '../../src/artifacts/modelFolder';
import { cardCommand } from '../../src/cli/cardCommand';
import { StorageKey } from '../../src/host/ids';
import { FolderMemory, MAX_REMEMBERED_FOLDERS } from '../../src/webview/host/folderMemory';
import { buildCardContent, cardJobFromDescription } from '../../src/webview/host/modelFolderCard';
import { REPO_ROOT } from './repoRoot';

const BLOG_RUN = path.join(REPO_ROOT, 'test/fixtures/modelCard/blog-run');

describe('reading a model folder', () => {
  let tmp: string;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'model-folder-'));
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function folderWith(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(tmp, name);
    await fs.cp(BLOG_RUN, dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) await fs.writeFile(path.join(dir, file), text);
    return dir;
  }

  it('reads every run file, README.md, and parses Python JSON (NaN for a diverged loss)', async () => {
    const dir = await folderWith('good', { 'README.md': '---\nlicense: mit\n---\n# Card\n', 'eval_results.json': '{"eval_loss": NaN}' });
    const run = await readModelFolder(dir);
    assert.deepEqual(Object.keys(run.files), ['config.json', 'eval_results.json', 'test_results.json', 'train_results.json', 'trainer_state.json']);
    assert.ok(Number.isNaN((run.files['eval_results.json'] as { eval_loss: number }).eval_loss));
    assert.deepEqual(run.unreadable, []);
    assert.match(run.readme?.text ?? '', /# Card/);
    assert.ok(run.newestRunFileMs > 0);
    assert.equal((await readModelFolder(dir, { readme: false })).readme, undefined);
  });

  it('leaves out a broken, an oversized and a non-file run file, with the reason, and uses the rest', async () => {
    const dir = await folderWith('mixed', { 'test_results.json': '{"test_loss": 1.2' });
    // Sparse: the size is what matters, and no byte of it is written or read.
    await fs.truncate(path.join(dir, 'trainer_state.json'), MAX_MODEL_FOLDER_FILE_BYTES + 1);
    await fs.rm(path.join(dir, 'config.json'));
    await fs.mkdir(path.join(dir, 'config.json'));
    const run = await readModelFolder(dir);
    assert.deepEqual(Object.keys(run.files), ['eval_results.json', 'train_results.json']);
    assert.deepEqual(
      run.unreadable.map((u) => u.file),
      ['test_results.json', 'trainer_state.json'],
    );
    assert.match(run.unreadable[0]!.reason, /^is not valid JSON \(.*\); was the archive extracted completely\?$/);
    assert.equal(run.unreadable[1]!.reason, `is larger than 64 MiB (${MAX_MODEL_FOLDER_FILE_BYTES + 1} bytes): too large for a file the card reads`);
  });

  it('leaves out a run file or README.md it cannot stat (a symbolic link loop), naming the error', async () => {
    const dir = await folderWith('loops', {});
    for (const name of ['test_results.json', 'README.md']) {
      await fs.rm(path.join(dir, name), { force: true });
      await fs.symlink(name, path.join(dir, name));
    }
    const run = await readModelFolder(dir);
    assert.deepEqual(run.unreadable, [
      { file: 'test_results.json', reason: 'cannot be read (ELOOP)' },
      { file: 'README.md', reason: 'cannot be read (ELOOP)' },
    ]);
    assert.equal(run.readme, undefined);
    assert.ok('eval_results.json' in run.files);
  });

  it('passes over a dangling link and a README.md that is a folder, lists every name, and reads a file of exactly 64 MiB', async () => {
    const dir = await folderWith('edges', {});
    await fs.rm(path.join(dir, 'eval_results.json'));
    await fs.symlink('nowhere.json', path.join(dir, 'eval_results.json'));
    await fs.mkdir(path.join(dir, 'README.md'));
    // Sparse: exactly the cap is still read (and is not JSON).
    await fs.truncate(path.join(dir, 'trainer_state.json'), MAX_MODEL_FOLDER_FILE_BYTES);
    const run = await readModelFolder(dir);
    assert.equal(run.readme, undefined);
    assert.ok(!('eval_results.json' in run.files));
    assert.deepEqual(
      run.unreadable.map((u) => u.file),
      ['trainer_state.json'],
    );
    assert.match(run.unreadable[0]!.reason, /^is not valid JSON /);
    assert.deepEqual(run.fileNames, (await fs.readdir(dir)).sort());
    assert.ok(run.fileNames.includes('README.md') && run.fileNames.length > 4);
  });

  it('says exactly why a folder gives no card, and which folder', async () => {
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(empty);
    for (const [readme, looked] of [
      [true, 'README.md, config.json, *_results.json or trainer_state.json'],
      [false, 'config.json, *_results.json or trainer_state.json'],
    ] as const) {
      await assert.rejects(readModelFolder(empty, { readme }), {
        name: 'ModelFolderError',
        code: 'modelCard.notAModelFolder',
        context: { folder: empty },
        message: `${empty} has no model card to make: none of ${looked} could be read. Use the folder a job's model.tar.gz was downloaded or extracted to.`,
      });
    }
    const two = path.join(tmp, 'two-broken');
    await fs.mkdir(two);
    await fs.writeFile(path.join(two, 'config.json'), '{');
    await fs.writeFile(path.join(two, 'eval_results.json'), '[');
    await assert.rejects(
      readModelFolder(two),
      (e: unknown) => e instanceof ModelFolderError && /could be read \(config\.json is not valid JSON .*; eval_results\.json is not valid JSON .*\)\. Use/.test(e.message),
    );
    const missing = path.join(tmp, 'no-such-folder');
    await assert.rejects(readModelFolder(missing), {
      name: 'ModelFolderError',
      code: 'modelCard.folderUnreadable',
      context: { folder: missing },
      message: `Cannot read the model folder ${missing} (ENOENT). Download or extract the model again, or pick another folder.`,
    });
  });

  it('counts safetensors parameters only from a well-formed header', async () => {
    const file = path.join(tmp, 'weights.safetensors');
    const write = async (header: string, declared = Buffer.byteLength(header), data = 0) => {
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(declared));
      await fs.writeFile(file, Buffer.concat([length, Buffer.from(header), Buffer.alloc(data)]));
      return safetensorsParameters(file);
    };
    const tensor = (shape: unknown) => JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape, data_offsets: [0, 0] } });
    assert.equal(await write(tensor([2, 3]), undefined, 24), 6);
    // A header that fills the file exactly (no tensor data) is still a header.
    assert.equal(await write(tensor([0, 4])), 0);
    assert.equal(await write(tensor([2, 3]), 0), undefined, 'a zero-length header');
    assert.equal(await write(tensor([2, 3]), Buffer.byteLength(tensor([2, 3])) + 1), undefined, 'a header longer than the file');
    assert.equal(await write('[]'), undefined, 'a header that is not an object');
    for (const shape of [[3, -1], [1.5], ['3'], 'x', undefined]) assert.equal(await write(tensor(shape)), undefined, JSON.stringify(shape));
    assert.equal(await write(JSON.stringify({ w: 'F32' })), undefined, 'a tensor that is not an object');
    assert.equal(await safetensorsParameters(path.join(tmp, 'no-such.safetensors')), undefined);
  });

  it('gives no weights to a model.safetensors it cannot read', async () => {
    const dir = await folderWith('bad-weights', {});
    await fs.writeFile(path.join(dir, 'model.safetensors'), 'SIMULATED-WEIGHTS');
    assert.equal((await readModelFolder(dir)).weights, undefined);
  });

  it('refuses a folder with nothing usable, saying what it left out; a README alone is enough for the panel only', async () => {
    const broken = path.join(tmp, 'broken');
    await fs.mkdir(broken);
    await fs.writeFile(path.join(broken, 'eval_results.json'), '{');
    await assert.rejects(
      readModelFolder(broken),
      (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.notAModelFolder' && /eval_results\.json is not valid JSON/.test(e.message),
    );
    await fs.writeFile(path.join(broken, 'README.md'), '# Card\n');
    assert.equal((await readModelFolder(broken)).readme?.text, '# Card\n');
    await assert.rejects(
      readModelFolder(broken, { readme: false }),
      (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.notAModelFolder' && !/README/.test(e.message),
    );
    await assert.rejects(
      readModelFolder(path.join(tmp, 'missing')),
      (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.folderUnreadable' && /ENOENT/.test(e.message),
    );
  });

  it('reads job.json from the folder, else from its parent; one that is not a job record, or too large, is not used', async () => {
    const job = path.join(tmp, 'job');
    const model = path.join(job, 'model');
    await fs.mkdir(model, { recursive: true });
    assert.equal(await readJobRecord(model), undefined);
    await fs.writeFile(path.join(job, 'job.json'), JSON.stringify({ TrainingJobName: 'parent-job' }));
    assert.deepEqual(await readJobRecord(model), { file: path.join(job, 'job.json'), description: { TrainingJobName: 'parent-job' } });
    await fs.writeFile(path.join(model, 'job.json'), JSON.stringify({ name: 'some other job.json' }));
    assert.equal((await readJobRecord(model))?.description.TrainingJobName, 'parent-job');
    await fs.writeFile(path.join(model, 'job.json'), JSON.stringify({ TrainingJobName: 'own-job' }));
    assert.equal((await readJobRecord(model))?.description.TrainingJobName, 'own-job');
    await fs.truncate(path.join(model, 'job.json'), MAX_MODEL_FOLDER_FILE_BYTES + 1);
    assert.equal((await readJobRecord(model))?.description.TrainingJobName, 'parent-job');
  });

  it('sagemaker-hf card and the Model Card panel leave out the same file and both say so', async () => {
    const dir = await folderWith('both', { 'test_results.json': '{"test_loss": 1.2' });
    let err = '';
    let out = '';
    assert.equal(await cardCommand([dir, '--out', '-'], { cwd: tmp, env: {}, stdout: (t) => void (out += t), stderr: (t) => void (err += t) }), 0, err);
    assert.match(err, /warning: left out test_results\.json: it is not valid JSON/);
    const run = await readModelFolder(dir);
    const card = buildCardContent({ run, cardJob: cardJobFromDescription(undefined), readmeText: out, readmeSource: 'generated' });
    assert.match(card.notice ?? '', /Left out test_results\.json: it is not valid JSON/);
    assert.deepEqual(card.results.map((r) => r.split).sort(), ['eval', 'train']);
  });
});

describe('what the Model Card panel remembers per folder (workspaceState)', () => {
  /** workspaceState's get and update over a plain map: all FolderMemory uses. */
  function memento() {
    const values = new Map<string, unknown>();
    return {
      values,
      get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, structuredClone(value)),
    };
  }

  it('keeps the job without secret-looking hyperparameters and the last pushed repository, under the key earlier versions wrote', async () => {
    const state = memento();
    const memory = new FolderMemory(state, '/models/a');
    await memory.rememberJob({
      TrainingJobName: 'job-a',
      HyperParameters: { epochs: '3', hub_token: '"hf_abcdefghijklmnopqrstuvwxyz"' },
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1 },
    });
    await memory.rememberPush('me/model-a');
    assert.equal(memory.job?.TrainingJobName, 'job-a');
    assert.deepEqual(memory.job?.HyperParameters, { epochs: '3', hub_token: '"(redacted)"' });
    assert.equal(memory.pushedRepo, 'me/model-a', 'remembering the push kept the job, and the other way round');
    assert.equal(StorageKey.modelCardFolders, 'sagemakerHf.modelCard.folders', 'a new key would forget what the panels remembered before');
    assert.deepEqual(Object.keys(state.values.get(StorageKey.modelCardFolders) as object), ['/models/a']);
    assert.doesNotMatch(JSON.stringify([...state.values]), /hf_abcdefghij/);
  });

  it(`keeps the ${MAX_REMEMBERED_FOLDERS} folders used last, and ignores what is not its own shape`, async () => {
    const state = memento();
    state.values.set(StorageKey.modelCardFolders, { '/models/broken': 'not an entry' });
    assert.equal(new FolderMemory(state, '/models/broken').pushedRepo, undefined);
    for (let i = 0; i <= MAX_REMEMBERED_FOLDERS; i++) await new FolderMemory(state, `/models/${i}`).rememberPush(`me/m${i}`);
    // Folder 1 is used again: it moves to the end and survives the next one.
    await new FolderMemory(state, '/models/1').rememberPush('me/again');
    await new FolderMemory(state, '/models/next').rememberPush('me/next');
    const kept = Object.keys(state.values.get(StorageKey.modelCardFolders) as object);
    assert.equal(kept.length, MAX_REMEMBERED_FOLDERS);
    assert.ok(!kept.includes('/models/broken') && !kept.includes('/models/0') && !kept.includes('/models/2'), kept.slice(0, 3).join(', '));
    assert.deepEqual(kept.slice(-2), ['/models/1', '/models/next']);
    assert.equal(new FolderMemory(state, '/models/1').pushedRepo, 'me/again');
  });
});
