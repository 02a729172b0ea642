// Issue 20, "The first hour": what a new user trips over from a clean clone. Each test names the
// stumble it keeps away. No network: without a region nothing is sent anywhere.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli';
import { AwsClients } from '../../src/aws/awsClients';
import { noRegionMessage } from '../../src/aws/awsErrors';
import { runPreflight } from '../../src/aws/preflight/runPreflight';
import { firstSentence } from '../../src/core/jobFile/schemaValidation';
import { JobDocument } from '../../src/core/jobFile/jobDocument';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { readModelCardMetadata } from '../../src/core/modelCard/metadata';
import { trainingCurves } from '../../src/core/modelCard/trainingCurves';
import { REPO_ROOT } from './repoRoot';

describe('one "no region" message everywhere (plan, launch, jobs, logs, doctor)', () => {
  const saved: Record<string, string | undefined> = {};
  const names = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  let home = '';
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'no-region-'));
    for (const n of names) saved[n] = process.env[n];
    for (const n of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[n];
    // No config file with a region, and credentials that need no lookup (they are never sent).
    process.env.AWS_CONFIG_FILE = path.join(home, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(home, 'credentials');
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE00';
    process.env.AWS_SECRET_ACCESS_KEY = 'not-a-real-secret-key-for-this-test-only';
  });
  after(() => {
    for (const n of names)
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    rmSync(home, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<{ code: number; err: string; out: string }> {
    const io = {
      out: '',
      err: '',
      cwd: path.join(REPO_ROOT, 'examples/quickstart'),
      env: {},
      stdout: (t: string) => void (io.out += t),
      stderr: (t: string) => void (io.err += t),
    };
    const code = await runCli(args, io);
    return { code, err: io.err, out: io.out };
  }

  it('says how to set one, naming the job file where there is one', async () => {
    const withFile = noRegionMessage('cli', { jobFile: true });
    const without = noRegionMessage('cli');
    assert.match(
      withFile,
      /^No AWS region: set `region` in the job file, pass --region, set AWS_REGION, or give your AWS profile a region \(`aws configure set region us-east-1`\)\.$/,
    );
    for (const [args, message] of [
      [['plan', 'quickstart.sagemaker.yaml'], withFile],
      [['launch', 'quickstart.sagemaker.yaml'], withFile],
      [['jobs'], without],
      [['logs', 'some-job'], without],
    ] as const) {
      const r = await cli([...args]);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.ok(r.err.includes(`sagemaker-hf ${args[0]}: ${message}\n`), `${args.join(' ')}: ${r.err}`);
      assert.doesNotMatch(r.err, /Region is missing/);
    }
  });

  it('doctor fails the region with that message and does not blame the network for the credentials', async () => {
    const r = await cli(['doctor']);
    assert.ok(r.out.includes(noRegionMessage('cli')), r.out);
    assert.match(r.out, /AWS credentials\n\s+Not checked: needs an AWS region \(see Region\)\./);
    assert.doesNotMatch(r.out + r.err, /network|proxy|Region is missing/i);
    const checklist = await runPreflight({ clients: new AwsClients({}) });
    assert.equal(checklist.items.find((i) => i.kind === 'region')?.detail, noRegionMessage('extension'));
  });
});

describe('the first sentence of a description', () => {
  it('does not stop at e.g., i.e. or etc.', () => {
    assert.equal(firstSentence('The instance type to train on, e.g. ml.p3dn.24xlarge (8 × V100). More text.'), 'The instance type to train on, e.g. ml.p3dn.24xlarge (8 × V100).');
    assert.equal(firstSentence('Keys, i.e. names, etc. are case-sensitive. Second.'), 'Keys, i.e. names, etc. are case-sensitive.');
    assert.equal(firstSentence('Version 4.26 is old! Upgrade.'), 'Version 4.26 is old!');
  });

  it('gives the problem for a missing instance_type its whole first sentence', () => {
    const problems = validateJobFile('entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.26"\npytorch_version: "1.13"\npy_version: py39\n').problems;
    const missing = problems.find((p) => p.message.includes('instance_type'));
    assert.ok(missing, JSON.stringify(problems));
    assert.match(missing.message, /The instance type to train on, e\.g\. ml\.p3dn\.24xlarge \(8 × NVIDIA V100 32 GB\)\./);
  });
});

describe('chart names', () => {
  it('use one style: sentence case, acronyms kept', () => {
    const labels = trainingCurves({
      log_history: [
        { step: 1, loss: 1, learning_rate: 1e-5 },
        { step: 1, eval_loss: 1, eval_rouge1: 40, eval_accuracy: 0.5, eval_gen_len: 12 },
      ],
    }).map((c) => c.label);
    assert.deepEqual(
      labels.sort(),
      ['Learning rate', 'Training loss', 'Validation ROUGE-1', 'Validation accuracy', 'Validation generated length (tokens)', 'Validation loss'].sort(),
    );
  });
});

describe("the yaml library's warnings", () => {
  it('prints no "Keys with collection values" warning for a list used as a key (the checks report it instead)', async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on('warning', listen);
    try {
      new JobDocument('? [a, b]\n: 1\n').toJS();
      readModelCardMetadata('---\n? [a, b]\n: 1\n---\n');
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listen);
    }
    assert.deepEqual(warnings, []);
    const problems = validateJobFile('? [a, b]\n: 1\n').problems;
    assert.ok(problems.some((p) => /A key must be text or a number, not a list/.test(p.message)));
  });
});
