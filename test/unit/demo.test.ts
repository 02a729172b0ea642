import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from './repoRoot';

describe('npm run demo (the README main command)', () => {
  it('runs the quickstart on two local hosts and leaves a model card with ROUGE results', () => {
    const r = spawnSync(process.execPath, ['scripts/demo.mjs'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const card = /Model card: (\S+)/.exec(r.stdout)?.[1];
    assert.ok(card, r.stdout);
    const readmePath = path.resolve(REPO_ROOT, card);
    try {
      assert.ok(existsSync(readmePath));
      const readme = readFileSync(readmePath, 'utf8');
      assert.ok(readme.startsWith('---\n'), 'front matter on line 1');
      const meta = parse(readme.split('\n---\n')[0]!.slice(4));
      // The quickstart's model is a 78-parameter logistic regression trained here in plain Python (issue 20):
      // the card says so, and claims no transformers library, no base model, no SageMaker hardware.
      for (const key of ['library_name', 'pipeline_tag', 'base_model', 'widget']) assert.equal(meta[key], undefined, `${key} in ${JSON.stringify(meta)}`);
      assert.match(readme, /It was trained locally, not on Amazon SageMaker/);
      assert.match(readme, /Parameters: 78 \(counted in model\.safetensors\)/);
      assert.match(readme, /logistic regression/);
      assert.match(readme, /The hyperparameters name "facebook\/bart-large-cnn" \(model_name_or_path\), but the saved model does not derive from it/);
      assert.match(readme, /- Python: 3\.\d+/);
      assert.doesNotMatch(readme, /ml\.p3|fine-tuned version|Deep Learning Container|from transformers import|Transformers 4\.56/);
      assert.match(readme, /\| ROUGE-1 \| [\d.]+ \|/);
      // The output ends with what to do next.
      const next = r.stdout.slice(r.stdout.lastIndexOf('What to do next'));
      assert.match(next, /Read the whole card/);
      assert.match(next, /npm test/);
      assert.match(next, /Walkthrough/);
      // Both hosts logged: the local backend ran two processes.
      assert.match(r.stderr + r.stdout, /\[algo-2\]/);
      assert.match(r.stderr + r.stdout, /Completed - Training job completed/);
    } finally {
      rmSync(path.dirname(readmePath), { recursive: true, force: true });
      const jobFolder = /Job folder: (\S+?)\/? \(/.exec(r.stdout)?.[1];
      if (jobFolder) rmSync(path.resolve(REPO_ROOT, jobFolder), { recursive: true, force: true });
    }
  });
});
