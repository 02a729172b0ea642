// New Job File (issue 20, "The first hour"): the new file opened red at once in a folder without
// train.py. It now names the folder's training script, or gets a starter train.py beside it, and
// opens with no problems; the starter runs under the container contract and writes to SM_MODEL_DIR.
// The command's file writes go through vscode.workspace.fs (src/commands/newJobFile.ts); here the
// same files are written with node's fs, and validated as the editor validates a file on disk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseEntryPoint, jobFileTemplate, STARTER_SCRIPT } from '../../src/core/jobFile/newJobFile';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { runJobFileLocally } from '../../src/local/runJobFile';
import { jobFileContext } from '../../src/source/jobFileOnDisk';

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Writes what New Job File writes into `dir` (holding `files` already) and returns the job file's path. */
function newJobFileIn(dir: string): string {
  const choice = chooseEntryPoint(readdirSync(dir));
  if (choice.create) writeFileSync(path.join(dir, choice.entryPoint), STARTER_SCRIPT, { flag: 'wx' });
  const file = path.join(dir, 'from-walkthrough.sagemaker.yaml');
  writeFileSync(file, jobFileTemplate(choice.entryPoint));
  return file;
}

function withFolder(files: Record<string, string>, body: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'new-job-file-'));
    try {
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('New Job File starts clean', () => {
  it(
    'in an empty folder: writes a starter train.py, and the job file has no problems at all',
    withFolder({}, (dir) => {
      const file = newJobFileIn(dir);
      assert.equal(readFileSync(path.join(dir, 'train.py'), 'utf8'), STARTER_SCRIPT);
      const text = readFileSync(file, 'utf8');
      for (const region of [undefined, 'us-east-1']) {
        assert.deepEqual(validateJobFile(text, jobFileContext(file, region)).problems, [], `region ${region}`);
      }
    }),
  );

  it(
    'names the training script a folder already has, and writes no other',
    withFolder({ 'setup.py': '', 'test_model.py': '', 'finetune_summarizer.py': 'print(1)\n' }, (dir) => {
      const file = newJobFileIn(dir);
      assert.equal(existsSync(path.join(dir, 'train.py')), false);
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^entry_point: finetune_summarizer\.py$/m);
      assert.deepEqual(validateJobFile(text, jobFileContext(file, 'us-east-1')).problems, []);
    }),
  );

  it(
    'never replaces a train.py that is there',
    withFolder({ 'train.py': 'print("mine")\n', 'main.py': '' }, (dir) => {
      const file = newJobFileIn(dir);
      assert.equal(readFileSync(path.join(dir, 'train.py'), 'utf8'), 'print("mine")\n');
      assert.match(readFileSync(file, 'utf8'), /^entry_point: train\.py$/m);
    }),
  );

  it('prefers train.py, then train*/run_* scripts, over other scripts; setup and tests are never the entry point', () => {
    assert.deepEqual(chooseEntryPoint([]), { entryPoint: 'train.py', create: true });
    assert.deepEqual(chooseEntryPoint(['setup.py', 'conftest.py', '__init__.py', 'test_x.py', 'x_test.py', 'README.md']), { entryPoint: 'train.py', create: true });
    assert.deepEqual(chooseEntryPoint(['a.py', 'train.py', 'run_glue.py']), { entryPoint: 'train.py', create: false });
    assert.deepEqual(chooseEntryPoint(['a.py', 'run_glue.py', 'train_bert.py']), { entryPoint: 'train_bert.py', create: false });
    assert.deepEqual(chooseEntryPoint(['a.py', 'run_glue.py']), { entryPoint: 'run_glue.py', create: false });
    assert.deepEqual(chooseEntryPoint(['b.py', 'a.py']), { entryPoint: 'a.py', create: false });
  });

  it(
    'the starter train.py runs locally as SageMaker runs it: reads the hyperparameters and channels, writes to SM_MODEL_DIR',
    { timeout: 60_000 },
    withFolder({}, async (dir) => {
      const file = newJobFileIn(dir);
      const text = readFileSync(file, 'utf8');
      const outcome = await runJobFileLocally({ jobFilePath: file, text, root: path.join(dir, '.jobs'), context: jobFileContext(file), interpreter: python });
      assert.equal(outcome.kind, 'started', JSON.stringify(outcome.kind === 'invalid' ? outcome.problems : undefined));
      if (outcome.kind !== 'started') return;
      const record = await outcome.job.completion;
      assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
      const written = JSON.parse(readFileSync(path.join(outcome.job.folder, 'algo-1', 'opt', 'ml', 'model', 'run_arguments.json'), 'utf8'));
      assert.deepEqual(written.arguments, {
        model_name_or_path: 'facebook/bart-large-cnn',
        dataset_name: 'your-dataset',
        num_train_epochs: 3,
        learning_rate: 5e-5,
        do_train: true,
        do_eval: true,
        output_dir: '/opt/ml/model',
      });
      assert.deepEqual(written.not_parsed, []);
    }),
  );
});
