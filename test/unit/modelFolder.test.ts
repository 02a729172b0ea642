// Reading a model folder (src/artifacts/modelFolder.ts): one reader and one policy for `sagemaker-hf
// card` and the Model Card panel. A run file that is too large, unreadable or not JSON is left out with
// its reason and the rest is used; a folder with nothing usable is refused; job.json is read from the
// folder or its parent.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_MODEL_FOLDER_FILE_BYTES, ModelFolderError, readJobRecord, readModelFolder } from '../../src/artifacts/modelFolder';
import { cardCommand } from '../../src/cli/cardCommand';
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

  it('refuses a folder with nothing usable, saying what it left out; a README alone is enough for the panel only', async () => {
    const broken = path.join(tmp, 'broken');
    await fs.mkdir(broken);
    await fs.writeFile(path.join(broken, 'eval_results.json'), '{');
    await assert.rejects(readModelFolder(broken), (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.notAModelFolder' && /eval_results\.json is not valid JSON/.test(e.message));
    await fs.writeFile(path.join(broken, 'README.md'), '# Card\n');
    assert.equal((await readModelFolder(broken)).readme?.text, '# Card\n');
    await assert.rejects(readModelFolder(broken, { readme: false }), (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.notAModelFolder' && !/README/.test(e.message));
    await assert.rejects(readModelFolder(path.join(tmp, 'missing')), (e: unknown) => e instanceof ModelFolderError && e.code === 'modelCard.folderUnreadable' && /ENOENT/.test(e.message));
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
