// Failure triage (src/core/diagnosis): the corpus of real-shaped failure logs in
// test/fixtures/failures/ (one folder per kind) drives the classifier; traceback extraction and the
// mapping of /opt/ml/code frames to workspace files are checked on their own.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { biggerGpuInstance, classifyFailure, FAILURE_KINDS, instanceAlternatives } from '../../src/core/diagnosis/classify';
import type { DiagnosisJob } from '../../src/core/diagnosis/classify';
import { causeTraceback, compareHosts, diagnoseJob, formatDiagnosis, frameToOpen, jobFailed } from '../../src/core/diagnosis/diagnoseJob';
import { mapFrameFile, pathInCodeDir } from '../../src/core/diagnosis/frameMapping';
import { firstTraceback, hostTextLines, stripRankPrefix } from '../../src/core/diagnosis/traceback';
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
    const byName = classifyFailure(
      { ...job, HyperParameters: { api_key: '"abc defgh"' } },
      [{ host: 'algo-1', lines: [{ message: 'train.py: error: unrecognized arguments: defgh' }] }],
      [],
    );
    assert.match(byName.message, /^The hyperparameter api_key = \(value not shown/);
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
    assert.equal(
      fromTransformers.fix,
      'The image huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04 has transformers 4.36.0: `Qwen2ForCausalLM` is not in that version; pin the version that has it in requirements.txt.',
    );
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

  it('never maps the code folder itself, or a path that climbs out of it however it is written', () => {
    for (const file of ['/opt/ml/code/', '/opt/ml/code/.', '/opt/ml/code/..', '..', '../../train.py', 'pkg/../../train.py', '/opt/ml/code/a/../../../x.py']) {
      assert.equal(pathInCodeDir(file), undefined, file);
      assert.equal(mapFrameFile(file, { sourceDir: 'src' }), null, file);
    }
  });

  it('reads Windows paths of a local run: backslashes, a drive letter, trailing separators', () => {
    const root = 'C:\\ws\\.sagemaker-local\\job-1\\algo-1\\opt\\ml\\code';
    assert.equal(pathInCodeDir(`${root}\\models\\head.py`, [`${root}\\\\`]), 'models/head.py');
    assert.equal(pathInCodeDir('C:/elsewhere/train.py', [root]), undefined);
    assert.equal(pathInCodeDir('/ws/job/algo-2/opt/ml/code/train.py', ['/ws/job/algo-2/opt/ml/code//']), 'train.py');
    const mapping = { sourceDir: 'src\\app', dependencies: ['..\\shared\\utils\\\\'], codeRoots: [root] };
    assert.equal(mapFrameFile(`${root}\\train.py`, mapping), 'src/app/train.py');
    assert.equal(mapFrameFile('/opt/ml/code/utils/io.py', mapping), '../shared/utils/io.py');
    assert.equal(mapFrameFile('/opt/ml/code/utils/io.py', { sourceDir: 'src', dependencies: ['../shared/utils//'] }), '../shared/utils/io.py');
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

describe('classifier: exact diagnoses (mutation testing, issue #14)', () => {
  const job = (o: Partial<DiagnosisJob>): DiagnosisJob => ({ TrainingJobName: 'j', TrainingJobStatus: 'Failed', ...o });
  const host = (name: string, lines: Array<string | { message: string; timestamp: number }>): HostLog => ({
    host: name,
    lines: lines.map((m) => (typeof m === 'string' ? { message: m } : m)),
  });
  const SPOT_NOTE = 'Managed spot jobs count against the separate "… for spot training job usage" quota.';

  it('quota: the quota SageMaker quotes, its limit, and the instance type of an instance group', () => {
    const cause = classifyFailure(
      job({
        FailureReason: "ResourceLimitExceeded: The quota 'ml.g5.xlarge for training job usage' is 1 Instance, with current utilization of 1 Instances",
        ResourceConfig: { InstanceGroups: [{ InstanceType: 'ml.g5.xlarge' }] },
      }),
      [],
      [],
    );
    assert.equal(cause.message, 'The account\'s quota "ml.g5.xlarge for training job usage" is 1: SageMaker refused to start the instances (ResourceLimitExceeded).');
    assert.equal(
      cause.fix,
      'Request an increase of "ml.g5.xlarge for training job usage" in Service Quotas (service: Amazon SageMaker) for this region, ' +
        `or launch with an instance type whose quota you have (ml.g6.xlarge, ml.g6.2xlarge, ml.g6.4xlarge). ${SPOT_NOTE}`,
    );
    const twelve = classifyFailure(
      job({ FailureReason: "ResourceLimitExceeded: The account-level service limit 'ml.p5.48xlarge for training job usage' is 12 Instances" }),
      [],
      [],
    );
    assert.match(twelve.message, /quota "ml\.p5\.48xlarge for training job usage" is 12:/);
  });

  it('quota: without a quota name, limit or instance type it says "the instance type"', () => {
    const cause = classifyFailure(job({ FailureReason: 'ResourceLimitExceeded' }), [], []);
    assert.equal(cause.kind, 'quota');
    assert.equal(cause.host, null);
    assert.equal(cause.message, "The account's quota for the instance type: SageMaker refused to start the instances (ResourceLimitExceeded).");
    assert.equal(
      cause.fix,
      `Request an increase of "the instance type for training job usage" in Service Quotas (service: Amazon SageMaker) for this region, or launch with an instance type whose quota you have. ${SPOT_NOTE}`,
    );
    assert.equal(classifyFailure(job({ FailureReason: 'ResourceLimitExceeded', ResourceConfig: { InstanceGroups: [] } }), [], []).message, cause.message);
    const cpu = classifyFailure(job({ FailureReason: 'ResourceLimitExceeded', ResourceConfig: { InstanceType: 'ml.m5.2xlarge' } }), [], []);
    const named = /whose quota you have \(([^)]+)\)/.exec(cpu.fix)![1]!.split(', ');
    assert.ok(named.length > 0);
    for (const name of named) assert.ok(findInstanceType(name)!.acceleratorCount === 0 && findInstanceType(name)!.vcpus >= 8, name);
    const typed = classifyFailure(job({ FailureReason: 'ResourceLimitExceeded', ResourceConfig: { InstanceType: 'ml.g5.xlarge' } }), [], []);
    assert.match(typed.message, /^The account's quota for ml\.g5\.xlarge: /);
    assert.match(typed.fix, /^Request an increase of "ml\.g5\.xlarge for training job usage"/);
  });

  it('capacity: the instance type and alternatives, or "the instance type" and none', () => {
    const cause = classifyFailure(
      job({ FailureReason: 'CapacityError: Unable to provision requested ML compute capacity.', ResourceConfig: { InstanceType: 'ml.p4d.24xlarge' } }),
      [],
      [],
    );
    assert.equal(cause.kind, 'capacity');
    assert.equal(cause.message, 'SageMaker had no ml.p4d.24xlarge capacity to give the job in this region when it started.');
    assert.equal(
      cause.fix,
      'Launch again later or in another region, or choose another instance type (ml.g6e.48xlarge, ml.p4de.24xlarge, ml.p5.48xlarge); with use_spot_instances and a longer max_wait the job waits for capacity instead of failing.',
    );
    const bare = classifyFailure(job({ FailureReason: 'InsufficientInstanceCapacity' }), [], []);
    assert.equal(bare.message, 'SageMaker had no capacity of the instance type to give the job in this region when it started.');
    assert.equal(
      bare.fix,
      'Launch again later or in another region, or choose another instance type; with use_spot_instances and a longer max_wait the job waits for capacity instead of failing.',
    );
  });

  it('max-runtime: max_wait from a transition, its limit, and the checkpoint LocalPath', () => {
    const cause = classifyFailure(
      job({
        TrainingJobStatus: 'Stopped',
        SecondaryStatus: 'Stopped',
        SecondaryStatusTransitions: [{ Status: 'Training' }, { Status: 'MaxWaitTimeExceeded' }],
        StoppingCondition: { MaxWaitTimeInSeconds: 7200, MaxRuntimeInSeconds: 3600 },
        CheckpointConfig: { S3Uri: 's3://b/ck', LocalPath: '/opt/ml/ck' },
      }),
      [],
      [],
    );
    assert.equal(cause.kind, 'max-runtime');
    assert.equal(cause.message, 'The job reached its max_wait (MaxWaitTimeInSeconds) limit of 7200 s and SageMaker stopped it.');
    assert.equal(
      cause.fix,
      'Resume from the checkpoints the job saved to s3://b/ck: launch again with the same checkpoint_s3_uri (SageMaker copies them back to /opt/ml/ck) and have the script resume from the newest one (the Trainer: resume_from_checkpoint); raise max_wait if the rest needs longer.',
    );
    const byReason = classifyFailure(job({ FailureReason: 'Training job exceeded MaxRuntimeInSeconds', CheckpointConfig: { S3Uri: 's3://b/ck' } }), [], []);
    assert.equal(byReason.message, 'The job reached its max_run (MaxRuntimeInSeconds) limit and SageMaker stopped it.');
    assert.match(byReason.fix, /copies them back to \/opt\/ml\/checkpoints\).*; raise max_run if the rest needs longer\.$/);
    const noLimits = classifyFailure(job({ SecondaryStatus: 'MaxWaitTimeExceeded' }), [], []);
    assert.equal(noLimits.message, 'The job reached its max_wait (MaxWaitTimeInSeconds) limit and SageMaker stopped it.');
    const noCheckpoint = classifyFailure(job({ SecondaryStatus: 'MaxRuntimeExceeded' }), [], []);
    assert.match(noCheckpoint.fix, /^Raise max_run \(up to 28 days\), and set/);
  });

  it('spot-interruption: from a transition message, with the checkpoint to resume from', () => {
    const cause = classifyFailure(
      job({
        SecondaryStatusTransitions: [{ Status: 'Training' }, { Status: 'Training', StatusMessage: 'Job was interrupted due to spot instance interruption' }],
        CheckpointConfig: { S3Uri: 's3://b/ck' },
      }),
      [],
      [],
    );
    assert.equal(cause.kind, 'spot-interruption');
    assert.equal(cause.message, 'The managed spot instances were taken back (spot interruption) before the job finished.');
    assert.equal(
      cause.fix,
      'SageMaker restarts an interrupted spot job while max_wait allows: raise max_wait, and make sure the script resumes from the checkpoints in s3://b/ck. Or run on demand (use_spot_instances: false).',
    );
    assert.equal(classifyFailure(job({ SecondaryStatus: 'Interrupted' }), [], []).kind, 'spot-interruption');
    // Interrupted, restarted, then out of max_wait: the interruption is the cause.
    const restarted = job({
      SecondaryStatus: 'MaxWaitTimeExceeded',
      SecondaryStatusTransitions: [{ Status: 'Training' }, { Status: 'Interrupted' }, { Status: 'MaxWaitTimeExceeded' }],
    });
    assert.equal(classifyFailure(restarted, [], []).kind, 'spot-interruption');
    assert.equal(classifyFailure(job({ FailureReason: 'Training stopped: spot interruption' }), [], []).kind, 'spot-interruption');
    assert.equal(classifyFailure(job({ SecondaryStatusTransitions: [{ Status: 'Training', StatusMessage: 'Training' }] }), [], []).kind, 'unknown');
  });

  it('cuda-out-of-memory: the earliest host by timestamp, the halved batch, and a bigger GPU', () => {
    const oom = '  torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total capacity of 22.19 GiB';
    const cause = classifyFailure(
      job({ ResourceConfig: { InstanceType: 'ml.g5.2xlarge' }, HyperParameters: { per_device_train_batch_size: '8', gradient_accumulation_steps: '"2"' } }),
      [
        host('algo-1', [
          { message: 'ok', timestamp: 10 },
          { message: `x\n${oom}\n`, timestamp: 30 },
        ]),
        host('algo-2', [
          { message: 'a\nb', timestamp: 5 },
          { message: oom.replace('2.50 GiB', '512 MB'), timestamp: 20 },
        ]),
      ],
      [],
    );
    assert.equal(cause.host, 'algo-2');
    assert.equal(
      cause.message,
      'algo-2 ran out of GPU memory (it tried to allocate 512 MB more): torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 512 MB. GPU 0 has a total capacity of 22.19 GiB',
    );
    assert.equal(
      cause.fix,
      'Lower per_device_train_batch_size from 8 to 4 and raise gradient_accumulation_steps from 2 to 4 to keep the effective batch size; ' +
        'turn on gradient_checkpointing and bf16 (or fp16), or shorten the maximum sequence length; or use ml.g6e.2xlarge (1 × L40S 48 GB per GPU against 24 GB on ml.g5.2xlarge).',
    );
  });

  it('cuda-out-of-memory: same timestamp goes to host order; the largest GPU says to shard', () => {
    const cause = classifyFailure(
      job({ ResourceConfig: { InstanceType: 'ml.p5e.48xlarge' }, HyperParameters: { per_device_train_batch_size: '1' } }),
      [host('algo-1', [{ message: 'CUBLAS_STATUS_ALLOC_FAILED', timestamp: 20 }]), host('algo-2', [{ message: 'RuntimeError: CUDA out of memory.', timestamp: 20 }])],
      [],
    );
    assert.equal(cause.host, 'algo-1');
    assert.equal(cause.message, 'algo-1 ran out of GPU memory: CUBLAS_STATUS_ALLOC_FAILED');
    assert.equal(
      cause.fix,
      'Lower per_device_train_batch_size and raise gradient_accumulation_steps to keep the effective batch size; turn on gradient_checkpointing and bf16 (or fp16), or shorten the maximum sequence length; ml.p5e.48xlarge already has the most memory per GPU in the catalog (141 GB): shard the model across GPUs (FSDP or DeepSpeed ZeRO) instead.',
    );
    const later = classifyFailure(
      job({}),
      [
        host('algo-1', [{ message: 'CUDA out of memory', timestamp: 30 }]),
        host('algo-2', [{ message: 'CUDA out of memory', timestamp: 20 }]),
        host('algo-3', [{ message: 'CUDA out of memory', timestamp: 25 }]),
      ],
      [],
    );
    assert.equal(later.host, 'algo-2');
  });

  it("cuda-out-of-memory: each line of a multi-line CloudWatch event carries that event's timestamp", () => {
    const oom = 'RuntimeError: CUDA out of memory.';
    // algo-1's error is at 50, after algo-2's at 40: a trailing newline adds no line.
    const trailing = classifyFailure(
      job({}),
      [
        host('algo-1', [
          { message: 'a\nb\n', timestamp: 10 },
          { message: oom, timestamp: 50 },
        ]),
        host('algo-2', [{ message: oom, timestamp: 40 }]),
      ],
      [],
    );
    assert.equal(trailing.host, 'algo-2');
    // algo-1's error is at 50, before algo-2's at 55: the two lines of its first event are one event.
    const split = classifyFailure(
      job({}),
      [
        host('algo-1', [
          { message: 'a\nb', timestamp: 10 },
          { message: oom, timestamp: 50 },
          { message: 'c', timestamp: 60 },
        ]),
        host('algo-2', [{ message: oom, timestamp: 55 }]),
      ],
      [],
    );
    assert.equal(split.host, 'algo-1');
  });

  it('cuda-out-of-memory and disk-full from FailureReason alone: "A host"', () => {
    const oom = classifyFailure(
      job({ FailureReason: 'AlgorithmError: ExecuteUserScriptError:\nRuntimeError: CUDA out of memory. Tried to allocate 20 MiB' }),
      [host('algo-1', ['hello'])],
      [],
    );
    assert.equal(oom.host, null);
    assert.equal(oom.message, 'A host ran out of GPU memory (it tried to allocate 20 MiB more): RuntimeError: CUDA out of memory. Tried to allocate 20 MiB');
    assert.equal(
      oom.fix,
      'Lower per_device_train_batch_size and raise gradient_accumulation_steps to keep the effective batch size; turn on gradient_checkpointing and bf16 (or fp16), or shorten the maximum sequence length.',
    );
    const disk = classifyFailure(job({ FailureReason: 'OSError: [Errno 28] No space left on device' }), [], []);
    assert.equal(disk.kind, 'disk-full');
    assert.equal(disk.message, 'A host ran out of disk space: OSError: [Errno 28] No space left on device');
    assert.equal(
      disk.fix,
      'Raise volume_size, the storage volume behind /opt/ml; keep fewer checkpoints (save_total_limit) and stream large datasets instead of copying them (input mode FastFile).',
    );
  });

  it('disk-full on a host: the volume size and its double', () => {
    const cause = classifyFailure(job({ ResourceConfig: { VolumeSizeInGB: 30 } }), [host('algo-1', ['  OSError: [Errno 28] No space left on device'])], []);
    assert.equal(cause.host, 'algo-1');
    assert.equal(cause.message, 'algo-1 ran out of disk space: OSError: [Errno 28] No space left on device');
    assert.match(cause.fix, /^Raise volume_size \(now 30 GB; try 60\), the storage volume/);
  });

  it('module-not-found: the pip name of every import name spelt otherwise', () => {
    const pipNames: Record<string, string> = {
      sklearn: 'scikit-learn',
      cv2: 'opencv-python',
      PIL: 'Pillow',
      yaml: 'PyYAML',
      bs4: 'beautifulsoup4',
      Crypto: 'pycryptodome',
      google: 'the google-* package the import names',
      dateutil: 'python-dateutil',
      sentencepiece: 'sentencepiece',
      rouge_score: 'rouge-score',
      absl: 'absl-py',
      nltk: 'nltk',
      peft: 'peft',
      trl: 'trl',
      bitsandbytes: 'bitsandbytes',
      flash_attn: 'flash-attn',
    };
    for (const [module, pip] of Object.entries(pipNames)) {
      const cause = classifyFailure(job({}), [host('algo-1', [`  ModuleNotFoundError: No module named '${module}'`])], []);
      assert.ok(cause.fix.startsWith(`Add ${pip} to requirements.txt in source_dir`), `${module}: ${cause.fix}`);
    }
    const cv2 = classifyFailure(job({}), [host('algo-1', ["  ModuleNotFoundError: No module named 'cv2'"])], []);
    assert.equal(cv2.message, "algo-1 could not import the module cv2: ModuleNotFoundError: No module named 'cv2'");
    assert.equal(
      cv2.fix,
      "Add opencv-python to requirements.txt in source_dir (the toolkit pip-installs it before the script runs). Whether the training image already ships it cannot be told from here (the extension has no list of the image's packages).",
    );
    assert.match(classifyFailure(job({}), [host('algo-1', ['ImportError: No module named yaml'])], []).fix, /^Add PyYAML /);
  });

  it('module-not-found: a name missing from a module, from FailureReason', () => {
    const cause = classifyFailure(job({ FailureReason: "ImportError: cannot import name 'LoraConfig' from 'peft' (x)" }), [], []);
    assert.equal(cause.host, null);
    assert.equal(cause.message, "The script could not import LoraConfig from peft: ImportError: cannot import name 'LoraConfig' from 'peft' (x)");
    assert.equal(
      cause.fix,
      "Pin a version of peft that has `LoraConfig` in requirements.txt in source_dir. Whether the training image already ships it cannot be told from here (the extension has no list of the image's packages).",
    );
  });

  it('module-not-found: torch and tensorflow versions only from an image of that framework', () => {
    const pt = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04';
    const tf = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-training:2.6.3-transformers4.17.0-gpu-py38-cu112-ubuntu20.04';
    const fix = (image: string, module: string) =>
      classifyFailure(job({ AlgorithmSpecification: { TrainingImage: image } }), [host('algo-1', [`ModuleNotFoundError: No module named '${module}'`])], []).fix;
    assert.equal(
      fix(pt, 'torch'),
      'Add torch to requirements.txt in source_dir (the toolkit pip-installs it before the script runs). The image huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04 has torch 2.1.0, so its absence means the script runs in another interpreter or the name is misspelt.',
    );
    assert.match(fix(tf, 'tensorflow'), /The image huggingface-tensorflow-training:2\.6\.3-\S+ has tensorflow 2\.6\.3, so its absence/);
    assert.match(fix(tf, 'torch'), /already ships torch cannot be told from here \(the extension has no list of the image's packages beyond transformers and tensorflow\)\.$/);
    assert.match(fix(pt, 'tensorflow'), /already ships tensorflow cannot be told from here/);
  });
});

describe('classifier: exact diagnoses of the log kinds (mutation testing, issue #14)', () => {
  const job = (o: Partial<DiagnosisJob>): DiagnosisJob => ({ TrainingJobName: 'j', TrainingJobStatus: 'Failed', ...o });
  const host = (name: string, lines: string[]): HostLog => ({ host: name, lines: lines.map((message) => ({ message })) });
  const S3_ACTIONS =
    '(s3:GetObject and s3:ListBucket for inputs, s3:PutObject for outputs and checkpoints), and check that the bucket policy and, for a KMS-encrypted bucket, the key policy allow the role too.';

  it("s3-access-denied: botocore names no bucket and the log none before: the job's buckets", () => {
    const cause = classifyFailure(
      job({
        RoleArn: 'arn:aws:iam::1:role/R',
        InputDataConfig: [
          { ChannelName: 'train', DataSource: { S3DataSource: { S3Uri: 's3://in-bucket/data' } } },
          { ChannelName: 'test', DataSource: { S3DataSource: { S3Uri: 's3://in-bucket/test' } } },
          { ChannelName: 'x' },
          // An FSx or EFS channel: a DataSource without S3DataSource.
          { ChannelName: 'fsx', DataSource: {} },
        ],
        OutputDataConfig: { S3OutputPath: 's3://out-bucket/o' },
        CheckpointConfig: { S3Uri: 's3://ck-bucket/ck' },
      }),
      [host('algo-1', ['  botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied'])],
      [],
    );
    assert.equal(cause.kind, 's3-access-denied');
    assert.equal(cause.host, 'algo-1');
    assert.equal(
      cause.message,
      "The job's role arn:aws:iam::1:role/R was denied GetObject on one of the job's buckets (in-bucket, out-bucket, ck-bucket): botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
    );
    assert.equal(cause.fix, `Allow arn:aws:iam::1:role/R the S3 actions the job needs on one of the job's buckets (in-bucket, out-bucket, ck-bucket) ${S3_ACTIONS}`);
    const none = classifyFailure(
      job({ OutputDataConfig: { S3OutputPath: 'file:///tmp/out' } }),
      [host('algo-1', ['An error occurred (AccessDenied) when calling the PutObject operation: Access Denied'])],
      [],
    );
    assert.match(none.message, /^The job's role was denied PutObject on an S3 bucket: /);
    assert.equal(none.fix, `Allow the execution role the S3 actions the job needs on an S3 bucket ${S3_ACTIONS}`);
  });

  it('s3-access-denied: the last bucket the host named before the error', () => {
    const cause = classifyFailure(
      job({}),
      [
        host('algo-1', [
          'reading s3://first-bucket/a',
          'reading s3://second-bucket/b',
          'junk',
          'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied',
          'later s3://after-bucket/x',
        ]),
      ],
      [],
    );
    assert.equal(
      cause.message,
      "The job's role was denied ListObjectsV2 on the bucket second-bucket: botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied",
    );
    assert.equal(cause.fix, `Allow the execution role the S3 actions the job needs on arn:aws:s3:::second-bucket and arn:aws:s3:::second-bucket/* ${S3_ACTIONS}`);
    const first = classifyFailure(job({}), [host('algo-1', ['reading s3://first-bucket/a', 'An error occurred (AccessDenied) when calling the GetObject operation'])], []);
    assert.match(first.message, /on the bucket first-bucket: /);
  });

  it('s3-access-denied: a bucket in the line itself, from FailureReason or quoted', () => {
    const reason = classifyFailure(job({ FailureReason: 'ClientError: Failed to download data. AccessDenied (403) for s3://my-data-bucket/train: S3 Access Denied' }), [], []);
    assert.equal(reason.host, null);
    assert.equal(
      reason.message,
      "The job's role was denied access to the bucket my-data-bucket: ClientError: Failed to download data. AccessDenied (403) for s3://my-data-bucket/train: S3 Access Denied",
    );
    const quoted = classifyFailure(job({}), [host('algo-1', ["S3 upload failed: Access Denied for bucket='my.bucket-1'"])], []);
    assert.equal(quoted.message, "The job's role was denied access to the bucket my.bucket-1: S3 upload failed: Access Denied for bucket='my.bucket-1'");
    const forbidden = classifyFailure(job({}), [host('algo-1', ['Forbidden (403) while reading from S3'])], []);
    assert.equal(forbidden.kind, 's3-access-denied');
  });

  it('argument-splitting: a /bin/sh syntax error quoting nothing blames the first value the shell splits', () => {
    const cause = classifyFailure(job({ HyperParameters: { a: '"x"', prompt: '"(a b)"', epochs: '3' } }), [host('algo-1', ['/bin/sh: 1: Syntax error: "(" unexpected'])], []);
    assert.equal(cause.kind, 'argument-splitting');
    assert.equal(
      cause.message,
      'The hyperparameter prompt = "(a b)" did not reach the script as one argument: SageMaker\'s training toolkit runs the command line through /bin/sh unquoted, and the shell split or interpreted it: /bin/sh: 1: Syntax error: "(" unexpected',
    );
    assert.equal(
      cause.fix,
      'Use a value without blanks or shell characters ($ ; & | ( ) * ? \' " and the like) for prompt, or pass it through environment (read it with os.environ) instead of hyperparameters.',
    );
    for (const line of ['sh: 1: foo: not found', 'sh: line 3: ${x: bad substitution', '/bin/sh: b): No such file or directory']) {
      assert.equal(classifyFailure(job({ HyperParameters: { prompt: '"(a b)"' } }), [host('algo-1', [line])], []).kind, 'argument-splitting', line);
    }
    // A value the shell splits, but no shell or argparse error: not this kind.
    assert.equal(classifyFailure(job({ HyperParameters: { prompt: '"(a b)"' } }), [host('algo-1', ['KeyError: 1'])], []).kind, 'unknown');
    // Nothing the shell splits: not this kind.
    assert.equal(classifyFailure(job({ HyperParameters: { epochs: '3' } }), [host('algo-1', ['/bin/sh: 1: Syntax error: "(" unexpected'])], []).kind, 'unknown');
  });

  it('argument-splitting: argparse quoting a piece of a split value, behind a leading blank', () => {
    const cause = classifyFailure(
      job({ HyperParameters: { a: '"x y"', prompt: '"hello big world"' } }),
      [host('algo-1', ['  train.py: error: unrecognized arguments: big world'])],
      [],
    );
    assert.match(cause.message, /^The hyperparameter prompt = "hello big world" did not reach .* interpreted it: train\.py: error: unrecognized arguments: big world$/);
    assert.match(cause.fix, / for prompt, or pass it/);
  });

  it('nccl-timeout: the host that never reported the timeout stopped first, with its last line', () => {
    const timeout = 'Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=BROADCAST, Timeout(ms)=1800000) ran for';
    const cause = classifyFailure(job({}), [host('algo-1', ['step 1', timeout]), host('algo-2', ['step 1', 'loading', '']), host('algo-3', ['step 1', timeout])], []);
    assert.equal(cause.kind, 'nccl-timeout');
    assert.equal(cause.host, 'algo-2');
    assert.equal(cause.message, "algo-2 stopped first: algo-1, algo-3 waited for it in a collective operation until NCCL's timeout (30 min). Its last line: loading");
    assert.match(cause.fix, /^Look at algo-2's log for what stopped it/);
  });

  it('nccl-timeout: of several silent hosts without timestamps, none is named, since host order is no evidence', () => {
    const cause = classifyFailure(
      job({}),
      [
        host('algo-1', ['step 1', 'Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=BROADCAST, Timeout(ms)=1800000) ran for']),
        host('algo-2', ['step 1', 'loading', '']),
        host('algo-3', ['step 1', 'x', 'y', 'last words  ']),
      ],
      [],
    );
    assert.equal(cause.kind, 'nccl-timeout');
    assert.equal(cause.host, null);
    assert.equal(
      cause.message,
      "algo-2, algo-3 never reported the timeout: algo-1 waited for one of them in a collective operation until NCCL's timeout (30 min); their lines carry no timestamps that tell which stopped first.",
    );
    assert.match(cause.fix, /^Look at each host's log for what stopped it/);
    // Every host timed out, without timestamps: none is said to have gone quiet first.
    const all = classifyFailure(job({}), [host('algo-1', ['a', 'NCCL operation did time out']), host('algo-2', ['b', 'NCCL operation did time out'])], []);
    assert.equal(all.host, null);
    assert.equal(all.message, "Every host hit NCCL's collective timeout; their lines carry no timestamps that tell which went quiet first.");
  });

  it('nccl-timeout in FailureReason, none in the logs: the host whose log ends first', () => {
    const cause = classifyFailure(
      job({ FailureReason: 'DistBackendError: NCCL communicator was aborted: Timeout' }),
      [
        { host: 'algo-1', lines: [{ message: 'step 9', timestamp: 900 }] },
        { host: 'algo-2', lines: [{ message: 'step 4', timestamp: 400 }] },
      ],
      [],
    );
    assert.equal(cause.host, 'algo-2');
    assert.equal(
      cause.message,
      "algo-2 stopped first (its log ends before those of algo-1): the other hosts waited for it in a collective operation until NCCL's timeout. Its last line: step 4",
    );
    // The same last timestamp on both: no host is named.
    const tie = classifyFailure(
      job({ FailureReason: 'DistBackendError: NCCL communicator was aborted: Timeout' }),
      [
        { host: 'algo-1', lines: [{ message: 'step 9', timestamp: 400 }] },
        { host: 'algo-2', lines: [{ message: 'step 4', timestamp: 400 }] },
      ],
      [],
    );
    assert.equal(tie.host, null);
    assert.equal(
      tie.message,
      "FailureReason reports an NCCL collective timeout, which no host's log shows; the lines of algo-1, algo-2 carry no timestamps that tell which host stopped first.",
    );
  });

  it('nccl-timeout: the reporting hosts are listed; of hosts that all timed out together, the one quiet longest', () => {
    const timeout = 'Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=BROADCAST, Timeout(ms)=600000) ran for 600012 milliseconds';
    const two = classifyFailure(job({}), [host('algo-1', ['step', timeout]), host('algo-2', ['step']), host('algo-3', ['step', timeout])], []);
    assert.match(two.message, /^algo-2 stopped first: algo-1, algo-3 waited for it/);
    const together = (name: string, lastWork: number): HostLog => ({
      host: name,
      lines: [
        { message: 'step', timestamp: lastWork },
        { message: timeout, timestamp: 700_000 },
      ],
    });
    const all = classifyFailure(job({}), [together('algo-1', 5000), together('algo-2', 3000)], []);
    assert.equal(all.host, 'algo-2');
  });

  it('nccl-timeout from FailureReason alone names no host', () => {
    const cause = classifyFailure(job({ FailureReason: 'NCCL communicator timed out' }), [], []);
    assert.equal(cause.kind, 'nccl-timeout');
    assert.equal(cause.host, null);
    assert.equal(cause.message, "FailureReason reports an NCCL collective timeout; without the hosts' logs it cannot be told which host stopped first.");
    assert.match(cause.fix, /^Look at each host's log for what stopped it/);
  });

  it('unknown: the first line of FailureReason, or that there is none', () => {
    const cause = classifyFailure(job({ FailureReason: 'AlgorithmError: weird\nsecond line' }), [], []);
    assert.equal(cause.kind, 'unknown');
    assert.equal(cause.message, 'The job failed: AlgorithmError: weird');
    assert.equal(cause.fix, "Read the job's logs (sagemaker-hf logs JOB) and its FailureReason; run the job file locally to reproduce it.");
    assert.deepEqual(cause.lines, []);
    assert.equal(classifyFailure(job({}), [], []).message, 'The job failed without a reason or an error in its logs.');
  });

  it('formatDiagnosis: reason lines, the cause without a host, the last lines, and a job that did not fail', () => {
    const text = formatDiagnosis(
      diagnoseJob({ job: job({ FailureReason: 'boom\nsecond', SecondaryStatusTransitions: [{ Status: 'Training' }, { Status: 'Failed' }] }), logs: [host('algo-1', ['a', 'b'])] }),
    );
    assert.deepEqual(text, [
      'j: Failed during Training',
      'FailureReason: boom',
      '  second',
      '',
      'Cause: unknown on algo-1',
      '  The job failed: boom',
      "Fix: Read the last lines of algo-1 below and the traceback's frames; run the job file locally (Run Locally / launch --local) to reproduce it in seconds.",
      '',
      'Last 2 lines of algo-1:',
      '  a',
      '  b',
    ]);
    assert.deepEqual(formatDiagnosis(diagnoseJob({ job: job({ TrainingJobStatus: 'Completed' }), logs: [] })), ['j is Completed: it did not fail, there is nothing to diagnose.']);
    assert.equal(formatDiagnosis(diagnoseJob({ job: job({}), logs: [] }))[0], 'j: Failed');
    assert.deepEqual(formatDiagnosis(diagnoseJob({ job: { TrainingJobName: 'j' }, logs: [] })), ['j is Unknown: it did not fail, there is nothing to diagnose.']);
  });

  it('orders hosts that are not algo-N by name', () => {
    const tb = (name: string) => host(name, ['Traceback (most recent call last):', '  File "/opt/ml/code/t.py", line 1', `ValueError: ${name}`]);
    const d = diagnoseJob({ job: job({}), logs: [tb('worker-b'), tb('algo-1'), tb('worker-a'), tb('worker-c')] });
    assert.deepEqual(
      d.tracebacks.map((t) => t.host),
      ['algo-1', 'worker-a', 'worker-b', 'worker-c'],
    );
    assert.equal(compareHosts('worker-a', 'worker-a'), 0);
    assert.ok(compareHosts('worker-a', 'worker-b') < 0 && compareHosts('worker-b', 'worker-a') > 0);
    // A frame without ", in function" has an empty function name.
    assert.equal(firstTraceback(tb('worker-a'))?.frames[0]?.function, '');
    assert.deepEqual(
      formatDiagnosis(
        diagnoseJob({
          job: { TrainingJobStatus: 'Failed', SecondaryStatusTransitions: [{ Status: 'Downloading', StatusMessage: 'Downloading input data' }, { Status: 'Failed' }] },
          logs: [],
        }),
      ),
      [
        ': Failed during Downloading (Downloading input data)',
        '',
        'Cause: unknown',
        '  The job failed without a reason or an error in its logs.',
        "Fix: Read the job's logs (sagemaker-hf logs JOB) and its FailureReason; run the job file locally to reproduce it.",
      ],
    );
  });
});

describe('classifier: the wordings each kind is recognised by (mutation testing, issue #14)', () => {
  const kindOf = (line: string, hyperparameters: Record<string, string> = {}) =>
    classifyFailure({ TrainingJobName: 'j', TrainingJobStatus: 'Failed', HyperParameters: hyperparameters }, [{ host: 'algo-1', lines: [{ message: line }] }], []).kind;

  it('recognises each line as its kind', () => {
    const cases: Array<[string, string, Record<string, string>?]> = [
      ["RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1691, unhandled cuda error, NCCL version 2.18.1, Last error: Cuda failure 'out of memory'", 'cuda-out-of-memory'],
      ['Error: not enough disk space to extract the model', 'disk-full'],
      ['RuntimeError: [enforce fail at inline_container.cc:595] . PytorchStreamWriter failed writing file data/12: file write failed', 'disk-full'],
      ['AccessDenied: cannot read s3://my-bucket/train/part-0', 's3-access-denied'],
      ['Download of s3://my-bucket/train failed with (403)', 's3-access-denied'],
      ['/bin/sh: 12: Syntax error: Unterminated quoted string', 'argument-splitting', { prompt: '"(a b)"' }],
      ["sh: -c: line 0: unexpected EOF while looking for matching `''", 'argument-splitting', { prompt: '"(a b)"' }],
      ["train.py: error: argument --learning-rate: invalid float value: '3e-5'", 'argument-splitting', { 'learning-rate': '"3e-5 x"' }],
      ['NCCL operation did time out', 'nccl-timeout'],
      ['torch.distributed.DistBackendError: wait timed out after 1800000ms', 'nccl-timeout'],
    ];
    for (const [line, kind, hps] of cases) assert.equal(kindOf(line, hps), kind, line);
  });

  it('names the bucket a log quotes after "bucket:"', () => {
    const cause = classifyFailure({ TrainingJobName: 'j', TrainingJobStatus: 'Failed' }, [{ host: 'algo-1', lines: [{ message: "S3 Access Denied, bucket: 'my-data-7'" }] }], []);
    assert.match(cause.message, /denied access to the bucket my-data-7: /);
  });
});

describe('first traceback of a host: exact reading (mutation testing, issue #14)', () => {
  it('removes two-digit mpirun, PyTorch and torchrun prefixes, stacked, but only at the start of a line', () => {
    assert.equal(stripRankPrefix('[12,0]<stdout>:epoch 3/10'), 'epoch 3/10');
    assert.equal(stripRankPrefix('[1,12]<stderr>:[rank12]:RuntimeError: CUDA error: an illegal memory access'), 'RuntimeError: CUDA error: an illegal memory access');
    assert.equal(stripRankPrefix('[default12]:Traceback (most recent call last):'), 'Traceback (most recent call last):');
    assert.equal(stripRankPrefix('[rank0]:ValueError: bad\n'), 'ValueError: bad');
    const quoted = 'RuntimeError: rank 3 stopped; its lines start with [rank3]: see them';
    assert.equal(stripRankPrefix(quoted), quoted);
  });

  it('starts at a header on its own line (indented or followed by spaces), not at one quoted in a sentence', () => {
    const lines = [
      'INFO worker 1 logged Traceback (most recent call last):',
      'Traceback (most recent call last): (truncated by the logger)',
      '    Traceback (most recent call last):  ',
      '  File "/opt/ml/code/train.py", line 3, in <module>',
      'ValueError: bad',
    ].map((message) => ({ message }));
    assert.equal(firstTraceback({ host: 'algo-1', lines })?.startIndex, 2);
  });

  it('reads frames with trailing spaces, skips blank and source lines, and keeps an exception line that quotes a frame', () => {
    const lines = [
      'epoch 1: loss 0.5',
      'Traceback (most recent call last):',
      '  File "/opt/ml/code/train.py", line 40, in <module>   ',
      '    main()',
      '  File "/opt/ml/code/ops.py", line 7 ',
      '',
      '    load()',
      'RuntimeError: Error building extension: File "/opt/ml/code/ops.py", line 12, in load   ',
      '  File "/opt/ml/code/later.py", line 1, in <module>',
    ].map((message) => ({ message }));
    // Local logs have no timestamps: the result has no timestamp key at all.
    assert.deepEqual(firstTraceback({ host: 'algo-1', lines }), {
      host: 'algo-1',
      error: 'RuntimeError: Error building extension: File "/opt/ml/code/ops.py", line 12, in load',
      frames: [
        { file: '/opt/ml/code/train.py', line: 40, function: '<module>' },
        { file: '/opt/ml/code/ops.py', line: 7, function: '' },
      ],
      startIndex: 1,
    });
  });

  it('skips caret and "[Previous line repeated …]" lines even when they reach the log without indentation', () => {
    const lines = [
      'Traceback (most recent call last):',
      '  File "/opt/ml/code/train.py", line 9, in walk',
      '    return walk(path + "/~")',
      '^^^^^^^^^^^^',
      '~~~~^^^^ ',
      '[Previous line repeated 996 more times]',
      '[Previous line repeated 1 more time] ',
      'ValueError: cannot expand ~',
    ].map((message) => ({ message }));
    const tb = firstTraceback({ host: 'algo-1', lines });
    assert.equal(tb?.error, 'ValueError: cannot expand ~');
    assert.equal(tb?.frames.length, 1);
  });

  it('has an empty exception line when the log ends inside the traceback', () => {
    const lines = ['Traceback (most recent call last):', '  File "/opt/ml/code/train.py", line 3, in <module>', '    main()'].map((message) => ({
      message,
    }));
    const tb = firstTraceback({ host: 'algo-1', lines });
    assert.equal(tb?.error, '');
    assert.equal(tb?.frames.length, 1);
  });

  it('keeps the 200 outermost frames of a deep recursion and the first 2000 characters of the exception line', () => {
    const frames: string[] = [];
    for (let i = 0; i < 500; i++) frames.push(`  File "/opt/ml/code/tree.py", line ${i % 2 === 0 ? 4 : 8}, in ${i % 2 === 0 ? 'left' : 'right'}`, '    return visit(node)');
    const error = `RuntimeError: bad tensor ${'0.1234, '.repeat(1000)}`;
    const lines = ['Traceback (most recent call last):', ...frames, error].map((message) => ({ message }));
    const tb = firstTraceback({ host: 'algo-1', lines });
    assert.equal(tb?.frames.length, 200);
    assert.deepEqual(tb.frames[199], { file: '/opt/ml/code/tree.py', line: 8, function: 'right' });
    assert.equal(tb.error, error.slice(0, 2000));
    assert.equal(tb.error.length, 2000);
  });

  it('counts lines as hostTextLines shows them: events ending in a newline and multi-line events', () => {
    const log: HostLog = {
      host: 'algo-2',
      lines: [
        { message: 'epoch 1\n', timestamp: 1 },
        { message: 'epoch 2\r\nepoch 3\n', timestamp: 2 },
        { message: 'Traceback (most recent call last):\n  File "/opt/ml/code/t.py", line 3, in <module>\nValueError: bad\n', timestamp: 3 },
      ],
    };
    assert.deepEqual(hostTextLines(log), [
      'epoch 1',
      'epoch 2',
      'epoch 3',
      'Traceback (most recent call last):',
      '  File "/opt/ml/code/t.py", line 3, in <module>',
      'ValueError: bad',
    ]);
    const tb = firstTraceback(log);
    assert.equal(tb?.startIndex, 3);
    assert.equal(tb.timestamp, 3);
  });
});
