// Failure triage (src/core/diagnosis): the corpus of real-shaped failure logs in
// test/fixtures/failures/ (one folder per kind) drives the classifier; traceback extraction and the
// mapping of /opt/ml/code frames to workspace files are checked on their own.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { biggerGpuInstance, classifyFailure, FAILURE_KINDS, instanceAlternatives } from '../../src/core/diagnosis/classify';
import type { DiagnosisJob } from '../../src/core/diagnosis/classify';
import { causeTraceback, diagnoseJob, formatDiagnosis, frameToOpen, jobFailed } from '../../src/core/diagnosis/diagnoseJob';
import { mapFrameFile, pathInCodeDir } from '../../src/core/diagnosis/frameMapping';
import { firstTraceback } from '../../src/core/diagnosis/traceback';
import type { HostLog } from '../../src/core/diagnosis/traceback';
import { findInstanceType } from '../../src/core/catalog/instanceTypes';
import { REPO_ROOT } from './repoRoot';

const CORPUS = path.join(REPO_ROOT, 'test/fixtures/failures');

interface Expectation {
  kind: string;
  host: string | null;
  messageIncludes: string[];
  fixIncludes: string[];
  tracebackHosts: string[];
  frames?: Array<[string, number, string | null]>;
  failedIn?: string;
  lastLines?: number;
}

function loadCase(kind: string): { job: DiagnosisJob; logs: HostLog[]; expect: Expectation } {
  const folder = path.join(CORPUS, kind);
  const { expect, ...job } = JSON.parse(readFileSync(path.join(folder, 'job.json'), 'utf8')) as DiagnosisJob & { expect: Expectation };
  const logs = readdirSync(folder)
    .filter((f) => /^algo-\d+\.log$/.test(f))
    .map((f) => ({
      host: f.replace(/\.log$/, ''),
      lines: readFileSync(path.join(folder, f), 'utf8')
        .replace(/\n$/, '')
        .split('\n')
        .map((message) => ({ message })),
    }));
  return { job, logs, expect };
}

/** The workspace of the corpus: source_dir `src` holds train.py and metrics/rouge.py. */
const WORKSPACE_FILES = new Set(['src/train.py', 'src/metrics/rouge.py']);
const SOURCE = { sourceDir: 'src', exists: (p: string) => WORKSPACE_FILES.has(p) };

describe('failure corpus: one real-shaped failed job per kind', () => {
  it('has a folder for every kind and no other', () => {
    const folders = readdirSync(CORPUS).filter((f) => !f.includes('.'));
    assert.deepEqual(folders.sort(), [...FAILURE_KINDS].sort());
  });

  for (const kind of FAILURE_KINDS) {
    it(`diagnoses ${kind}`, () => {
      const { job, logs, expect } = loadCase(kind);
      const d = diagnoseJob({ job, logs, source: SOURCE });
      assert.ok(d.cause, 'a failed job has a cause');
      assert.equal(d.cause.kind, expect.kind);
      assert.equal(d.cause.host, expect.host);
      for (const s of expect.messageIncludes) assert.ok(d.cause.message.includes(s), `message lacks ${JSON.stringify(s)}: ${d.cause.message}`);
      for (const s of expect.fixIncludes) assert.ok(d.cause.fix.includes(s), `fix lacks ${JSON.stringify(s)}: ${d.cause.fix}`);
      assert.deepEqual(
        d.tracebacks.map((t) => t.host),
        expect.tracebackHosts,
      );
      if (expect.frames) {
        const mapped = d.tracebacks[0]!.frames.filter((f) => f.local !== null).map((f) => [f.file, f.line, f.local]);
        assert.deepEqual(mapped, expect.frames);
      }
      if (expect.failedIn) assert.equal(d.failedIn?.status, expect.failedIn);
      if (expect.lastLines !== undefined) {
        assert.equal(d.cause.lines?.length, expect.lastLines);
        assert.equal(d.cause.lines!.at(-1), logs[0]!.lines.at(-1)!.message);
      } else {
        assert.equal(d.cause.lines, undefined, 'only unknown carries the last lines');
      }
      assert.equal(d.failureReason, job.FailureReason ?? null);
      assert.equal(d.status, job.TrainingJobStatus);
    });
  }

  it('the text form names the cause, the fix and the mapped frames', () => {
    const { job, logs } = loadCase('cuda-out-of-memory');
    const text = formatDiagnosis(diagnoseJob({ job, logs, source: SOURCE })).join('\n');
    assert.match(text, /during Training/);
    assert.match(text, /Cause: cuda-out-of-memory on algo-2/);
    assert.match(text, /\/opt\/ml\/code\/train\.py:131 {2}→ {2}src\/train\.py:131/);
  });
});

describe('diagnoseJob', () => {
  it('gives no cause for a job that did not fail, and no tracebacks', () => {
    const { job, logs } = loadCase('cuda-out-of-memory');
    for (const status of ['Completed', 'InProgress', 'Stopped']) {
      const d = diagnoseJob({ job: { ...job, TrainingJobStatus: status, SecondaryStatus: status }, logs });
      assert.equal(d.cause, null, status);
      assert.deepEqual(d.tracebacks, []);
      assert.equal(jobFailed({ TrainingJobStatus: status, SecondaryStatus: status }), false);
    }
    assert.equal(jobFailed({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'MaxRuntimeExceeded' }), true);
  });

  it('orders hosts numerically and opens the innermost mapped frame of the cause host', () => {
    const tb = (host: string) => ({
      host,
      lines: [
        'Traceback (most recent call last):',
        '  File "/opt/ml/code/a.py", line 1, in <module>',
        '  File "/opt/ml/code/b.py", line 2, in f',
        '  File "/usr/lib/x.py", line 3, in g',
        'ValueError: x',
      ].map((message) => ({ message })),
    });
    const d = diagnoseJob({ job: { TrainingJobName: 'j', TrainingJobStatus: 'Failed' }, logs: [tb('algo-10'), tb('algo-2')], source: { sourceDir: '.' } });
    assert.deepEqual(
      d.tracebacks.map((t) => t.host),
      ['algo-2', 'algo-10'],
    );
    const open = frameToOpen(causeTraceback(d)!);
    assert.deepEqual(open, { file: '/opt/ml/code/b.py', line: 2, local: 'b.py' });
  });

  it('without timestamps the failing host is the first with a traceback; with them, the earliest', () => {
    const lines = (host: string, at?: number) => ({
      host,
      lines: ['Traceback (most recent call last):', '  File "/opt/ml/code/t.py", line 5, in <module>', `KeyError: '${host}'`].map((message) => ({
        message,
        ...(at !== undefined ? { timestamp: at } : {}),
      })),
    });
    const job = { TrainingJobName: 'j', TrainingJobStatus: 'Failed' };
    assert.equal(diagnoseJob({ job, logs: [lines('algo-1'), lines('algo-2')] }).cause?.host, 'algo-1');
    assert.equal(diagnoseJob({ job, logs: [lines('algo-1', 2000), lines('algo-2', 1000)] }).cause?.host, 'algo-2');
  });

  it('an NCCL timeout on every host names the host that went quiet first (timestamps)', () => {
    const timeout =
      '[E ProcessGroupNCCL.cpp:563] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=BROADCAST, Timeout(ms)=600000) ran for 600012 milliseconds before timing out.';
    const host = (name: string, lastWork: number) => ({
      host: name,
      lines: [
        { message: 'step', timestamp: lastWork },
        { message: timeout, timestamp: lastWork + 600_000 },
      ],
    });
    const d = diagnoseJob({ job: { TrainingJobName: 'j', TrainingJobStatus: 'Failed' }, logs: [host('algo-1', 5000), host('algo-2', 3000), host('algo-3', 4000)] });
    assert.equal(d.cause?.kind, 'nccl-timeout');
    assert.equal(d.cause?.host, 'algo-2');
    assert.match(d.cause!.message, /Every host hit NCCL's collective timeout \(10 min\); algo-2 went quiet first/);
  });
});

describe('classifier details', () => {
  it('argparse splitting needs the error to quote a piece of a value the shell split', () => {
    const job = {
      TrainingJobName: 'j',
      TrainingJobStatus: 'Failed',
      HyperParameters: { prompt: '"Summarize: {dialogue}"', epochs: '3' },
    };
    const logs = [
      { host: 'algo-1', lines: [{ message: 'usage: train.py [-h] [--prompt PROMPT] [--epochs EPOCHS]' }, { message: 'train.py: error: unrecognized arguments: {dialogue}' }] },
    ];
    const cause = classifyFailure(job, logs, []);
    assert.equal(cause.kind, 'argument-splitting');
    assert.match(cause.message, /prompt = "Summarize: \{dialogue\}"/);
    // An unrelated unknown argument is the script's own problem, not the shell's.
    const other = [{ host: 'algo-1', lines: [{ message: 'train.py: error: unrecognized arguments: --lr 3' }] }];
    assert.equal(classifyFailure(job, other, []).kind, 'unknown');
  });

  it('never quotes a secret-looking hyperparameter value', () => {
    const job = { TrainingJobName: 'j', TrainingJobStatus: 'Failed', HyperParameters: { hub_token: '"hf_abcdefghijklmnop qrs"' } };
    const logs = [{ host: 'algo-1', lines: [{ message: 'train.py: error: unrecognized arguments: qrs' }] }];
    const cause = classifyFailure(job, logs, []);
    assert.equal(cause.kind, 'argument-splitting');
    assert.doesNotMatch(cause.message, /hf_abc/);
    assert.match(cause.message, /value not shown/);
  });

  it('knows what the image tag says of transformers and torch, and says it cannot tell otherwise', () => {
    const image = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04';
    const job = { TrainingJobName: 'j', TrainingJobStatus: 'Failed', AlgorithmSpecification: { TrainingImage: image } };
    const log = (m: string) => [{ host: 'algo-1', lines: [{ message: m }] }];
    const fromTransformers = classifyFailure(
      job,
      log("ImportError: cannot import name 'Qwen2ForCausalLM' from 'transformers' (/opt/conda/lib/python3.10/site-packages/transformers/__init__.py)"),
      [],
    );
    assert.equal(fromTransformers.kind, 'module-not-found');
    assert.match(fromTransformers.fix, /has transformers 4\.36\.0/);
    const peft = classifyFailure(job, log("ModuleNotFoundError: No module named 'peft'"), []);
    assert.match(peft.fix, /Add peft to requirements\.txt/);
    assert.match(peft.fix, /cannot be told/);
    const sklearn = classifyFailure({ TrainingJobName: 'j' }, log("ModuleNotFoundError: No module named 'sklearn.metrics'"), []);
    assert.match(sklearn.fix, /Add scikit-learn to requirements\.txt/);
  });

  it('names a type with more memory per GPU from the catalog, and alternatives of the same size', () => {
    assert.equal(biggerGpuInstance(findInstanceType('ml.g5.2xlarge'))?.name, 'ml.g6e.2xlarge');
    assert.equal(biggerGpuInstance(findInstanceType('ml.p3.16xlarge'))?.name, 'ml.g5.48xlarge');
    assert.equal(biggerGpuInstance(findInstanceType('ml.p5e.48xlarge')), undefined);
    const alternatives = instanceAlternatives('ml.p4d.24xlarge');
    assert.ok(alternatives.length > 0 && !alternatives.includes('ml.p4d.24xlarge'));
    for (const name of alternatives) assert.ok((findInstanceType(name)!.acceleratorMemoryGB ?? 0) * findInstanceType(name)!.acceleratorCount >= 320, name);
  });

  it('max-runtime without a checkpoint says there is nothing to resume from', () => {
    const cause = classifyFailure(
      { TrainingJobName: 'j', TrainingJobStatus: 'Stopped', SecondaryStatus: 'MaxRuntimeExceeded', StoppingCondition: { MaxRuntimeInSeconds: 3600 } },
      [],
      [],
    );
    assert.equal(cause.kind, 'max-runtime');
    assert.match(cause.fix, /no checkpoint to resume from/);
  });
});

describe('first traceback of a host', () => {
  it('reads mpirun and torchrun prefixes, skips caret lines, and stops at the exception', () => {
    const lines = [
      '[1,2]<stderr>:Traceback (most recent call last):',
      '[1,2]<stderr>:  File "/opt/ml/code/train.py", line 10, in <module>',
      '[1,2]<stderr>:    main()',
      '[1,2]<stderr>:    ^^^^^^',
      '[1,2]<stderr>:  File "/opt/ml/code/train.py", line 7, in main',
      '[1,2]<stderr>:    1 / 0',
      '[1,2]<stderr>:ZeroDivisionError: division by zero',
      '[rank0]:Traceback (most recent call last):',
      '[rank0]:  File "/opt/ml/code/other.py", line 1, in <module>',
      '[rank0]:RuntimeError: later',
    ].map((message) => ({ message }));
    const tb = firstTraceback({ host: 'algo-2', lines });
    assert.ok(tb);
    assert.equal(tb.error, 'ZeroDivisionError: division by zero');
    assert.deepEqual(
      tb.frames.map((f) => [f.file, f.line, f.function]),
      [
        ['/opt/ml/code/train.py', 10, '<module>'],
        ['/opt/ml/code/train.py', 7, 'main'],
      ],
    );
  });

  it('reads a traceback written as one multi-line CloudWatch event', () => {
    const message = 'Traceback (most recent call last):\n  File "/opt/ml/code/t.py", line 3, in <module>\n    f()\nValueError: bad\n';
    const tb = firstTraceback({ host: 'algo-1', lines: [{ message, timestamp: 42 }] });
    assert.equal(tb?.error, 'ValueError: bad');
    assert.equal(tb?.timestamp, 42);
    assert.equal(tb?.frames.length, 1);
  });

  it('has none in a log without one', () => {
    assert.equal(firstTraceback({ host: 'algo-1', lines: [{ message: 'all fine' }] }), undefined);
  });
});

describe('frame mapping', () => {
  it('maps /opt/ml/code and relative frames under source_dir, and nothing else', () => {
    assert.equal(pathInCodeDir('/opt/ml/code/models/head.py'), 'models/head.py');
    assert.equal(pathInCodeDir('train.py'), 'train.py');
    assert.equal(pathInCodeDir('./pkg/../train.py'), 'train.py');
    assert.equal(pathInCodeDir('/opt/ml/code/../input/config/x.py'), undefined);
    assert.equal(pathInCodeDir('../etc/passwd'), undefined);
    assert.equal(pathInCodeDir('/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py'), undefined);
    assert.equal(pathInCodeDir('<frozen runpy>'), undefined);
    assert.equal(mapFrameFile('/opt/ml/code/models/head.py', { sourceDir: 'src' }), 'src/models/head.py');
    assert.equal(mapFrameFile('/opt/ml/code/train.py', { sourceDir: '.' }), 'train.py');
    assert.equal(mapFrameFile('/opt/ml/code/train.py', undefined), null);
  });

  it('maps a dependency folder by its base name, and a local job’s per-host code folder', () => {
    const mapping = { sourceDir: 'scripts', dependencies: ['../shared/utils'], codeRoots: ['/ws/.sagemaker-local/job-1/algo-2/opt/ml/code'] };
    assert.equal(mapFrameFile('/opt/ml/code/utils/io.py', mapping), '../shared/utils/io.py');
    assert.equal(mapFrameFile('/ws/.sagemaker-local/job-1/algo-2/opt/ml/code/train.py', mapping), 'scripts/train.py');
  });

  it('leaves a frame unmapped when the workspace has no such file', () => {
    assert.equal(mapFrameFile('/opt/ml/code/gone.py', { sourceDir: 'src', exists: () => false }), null);
  });
});

describe('Open Terminal on a host (Session Manager)', () => {
  // Imported here, not at the top: the module is vscode-free, the command around it is not.
  const { findOnPath, missingTools, ssmStartSessionArgs } = require('../../src/host/sessionManager') as typeof import('../../src/host/sessionManager');

  it('runs aws ssm start-session with the training job target AWS documents', () => {
    assert.deepEqual(ssmStartSessionArgs('bart-2026-12-07', 'algo-2', 'eu-west-1', 'dev'), [
      'ssm',
      'start-session',
      '--target',
      'sagemaker-training-job:bart-2026-12-07_algo-2',
      '--region',
      'eu-west-1',
      '--profile',
      'dev',
    ]);
    assert.deepEqual(ssmStartSessionArgs('j', 'algo-1', 'us-east-1').slice(-2), ['--region', 'us-east-1']);
  });

  it('finds executables on PATH and says how to get the missing ones', () => {
    const { mkdtempSync, writeFileSync, chmodSync, rmSync } = require('node:fs') as typeof import('node:fs');
    const dir = mkdtempSync(path.join(require('node:os').tmpdir(), 'path-'));
    try {
      writeFileSync(path.join(dir, 'aws'), '#!/bin/sh\n');
      chmodSync(path.join(dir, 'aws'), 0o755);
      writeFileSync(path.join(dir, 'session-manager-plugin'), 'not executable');
      chmodSync(path.join(dir, 'session-manager-plugin'), 0o644);
      const env = { PATH: `/nonexistent:${dir}` };
      assert.equal(findOnPath('aws', env, 'linux'), path.join(dir, 'aws'));
      const missing = missingTools(env);
      assert.deepEqual(
        missing.map((m) => m.name),
        ['its Session Manager plugin (session-manager-plugin)'],
      );
      assert.match(missing[0]!.url, /session-manager-working-with-install-plugin/);
      assert.equal(missingTools({ PATH: '' }).length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
