// The lines a log tail prints besides the raw log: the SageMaker SDK's status lines, rule lines,
// host labels, and the end-of-job summary with the failure's explanation and hints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { explainFailure, failureHints, pythonFixed1, RecentLines, summarizeJobEnd } from '../../src/core/logs/jobEndSummary';
import type { LogLine } from '../../src/core/logs/logCursor';
import { formatLogLine, formatSdkTime, omittedHistoryLine, ruleStatusLines, secondaryStatusChanged, showControlCharacters, statusLinesSince } from '../../src/core/logs/logFormat';

/** A DescribeTrainingJob answer, built up the way a job moves (PR-GitHub-style builder). */
class DescriptionBuilder {
  private readonly d: TrainingJobDescription = {
    TrainingJobName: 'hf-bart-samsum',
    TrainingJobStatus: 'InProgress',
    ResourceConfig: { InstanceType: 'ml.p3dn.24xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
    SecondaryStatusTransitions: [],
  };

  transition(status: string, message: string, at: string): this {
    const list = this.d.SecondaryStatusTransitions!;
    const start = new Date(at);
    if (list.length > 0) list[list.length - 1]!.EndTime = start;
    list.push({ Status: status, StatusMessage: message, StartTime: start });
    this.d.SecondaryStatus = status;
    return this;
  }

  /** The SDK prints this time on every status line. */
  modified(at: string): this {
    this.d.LastModifiedTime = new Date(at);
    return this;
  }

  ended(status: 'Completed' | 'Failed' | 'Stopped', trainingSeconds: number, billableSeconds = trainingSeconds): this {
    this.d.TrainingJobStatus = status;
    this.d.TrainingTimeInSeconds = trainingSeconds;
    this.d.BillableTimeInSeconds = billableSeconds;
    return this;
  }

  with(fields: Partial<TrainingJobDescription>): this {
    Object.assign(this.d, fields);
    return this;
  }

  build(): TrainingJobDescription {
    return structuredClone(this.d);
  }
}

const aJob = () => new DescriptionBuilder();

function line(stream: string, timestamp: number, message: string): LogLine {
  const host = /algo-\d+/.exec(stream)![0];
  return { eventId: `${stream}:${timestamp}:${message}`, stream, host, timestamp, message };
}

describe('status lines, as the SageMaker SDK prints them', () => {
  const starting = aJob()
    .transition('Starting', 'Starting the training job', '2021-04-01T13:00:10Z')
    .transition('Starting', 'Launching requested ML instances', '2021-04-01T13:00:20Z')
    .modified('2021-04-01T13:00:35Z');

  it('prints every transition on the first answer, each stamped with its own StartTime, not the time the log was read (issue 20)', () => {
    assert.deepEqual(statusLinesSince(starting.build(), undefined), [
      '2021-04-01 13:00:10 Starting - Starting the training job',
      '2021-04-01 13:00:20 Starting - Launching requested ML instances',
    ]);
  });

  it('stamps a transition without a StartTime with the job’s LastModifiedTime', () => {
    const job = starting.build();
    delete job.SecondaryStatusTransitions![1]!.StartTime;
    assert.equal(statusLinesSince(job, undefined)[1], '2021-04-01 13:00:35 Starting - Launching requested ML instances');
  });

  it('prints only the newest transition when the count is the same but its message changed', () => {
    const before = starting.build();
    const after = structuredClone(before);
    after.SecondaryStatusTransitions![1]!.StatusMessage = 'Preparing the instances for training';
    after.LastModifiedTime = new Date('2021-04-01T13:02:00Z');
    assert.deepEqual(statusLinesSince(after, before), ['2021-04-01 13:00:20 Starting - Preparing the instances for training']);
  });

  it('prints the transitions added since the last answer, and nothing when the newest message is unchanged', () => {
    const before = starting.build();
    const after = aJob()
      .transition('Starting', 'Starting the training job', '2021-04-01T13:00:10Z')
      .transition('Starting', 'Launching requested ML instances', '2021-04-01T13:00:20Z')
      .transition('Downloading', 'Downloading input data', '2021-04-01T13:03:00Z')
      .transition('Training', 'Downloading the training image', '2021-04-01T13:04:00Z')
      .modified('2021-04-01T13:04:00Z')
      .build();
    assert.deepEqual(statusLinesSince(after, before), [
      '2021-04-01 13:03:00 Downloading - Downloading input data',
      '2021-04-01 13:04:00 Training - Downloading the training image',
    ]);
    assert.deepEqual(statusLinesSince(after, after), []);
  });

  it('follows Python slicing when the previous answer had more transitions than this one', () => {
    const longer = aJob()
      .transition('Starting', 'a', '2021-04-01T13:00:00Z')
      .transition('Downloading', 'b', '2021-04-01T13:01:00Z')
      .transition('Training', 'c', '2021-04-01T13:02:00Z')
      .modified('2021-04-01T13:02:00Z')
      .build();
    const shorter = aJob().transition('Starting', 'a', '2021-04-01T13:00:00Z').transition('Training', 'x', '2021-04-01T13:05:00Z').modified('2021-04-01T13:05:00Z').build();
    // transitions[3 - 2:] in Python: the second one only.
    assert.deepEqual(statusLinesSince(shorter, longer), ['2021-04-01 13:05:00 Training - x']);
  });

  it('prints nothing for a job without transitions yet', () => {
    assert.deepEqual(statusLinesSince(aJob().build(), undefined), []);
  });

  it('formats times in UTC whatever the local zone', () => {
    assert.equal(formatSdkTime(new Date(Date.UTC(2021, 3, 1, 23, 59, 59, 999))), '2021-04-01 23:59:59');
  });

  it('prints all rule statuses the first time and again only when one changes', () => {
    const rules = (status: string): TrainingJobDescription =>
      aJob()
        .with({
          ProfilerRuleEvaluationStatuses: [{ RuleConfigurationName: 'ProfilerReport-1617282031', RuleEvaluationStatus: status }],
          DebugRuleEvaluationStatuses: [{ RuleConfigurationName: 'LossNotDecreasing', RuleEvaluationStatus: 'InProgress' }],
        })
        .build();
    assert.deepEqual(ruleStatusLines(rules('InProgress'), undefined), ['LossNotDecreasing: InProgress', 'ProfilerReport-1617282031: InProgress']);
    assert.deepEqual(ruleStatusLines(rules('InProgress'), rules('InProgress')), []);
    assert.deepEqual(ruleStatusLines(rules('NoIssuesFound'), rules('InProgress')), ['ProfilerReport-1617282031: NoIssuesFound']);
  });
});

describe('host-labelled lines', () => {
  it('labels a line with its host and drops the trailing newline', () => {
    assert.equal(formatLogLine({ host: 'algo-2', message: 'epoch 1 done\n' }), '[algo-2] epoch 1 done');
  });

  it('labels every line of a multi-line event', () => {
    assert.equal(formatLogLine({ host: 'algo-1', message: 'Traceback:\r\n  File "x.py"' }), '[algo-1] Traceback:\n[algo-1]   File "x.py"');
    assert.equal(formatLogLine({ host: 'algo-1', message: 'Traceback:\n  File "x.py"\n' }), '[algo-1] Traceback:\n[algo-1]   File "x.py"');
  });

  it('shows terminal control sequences as text: OSC 52 clipboard writes, titles, screen clears, C1 and bidi controls', () => {
    assert.equal(
      formatLogLine({ host: 'algo-1', message: 'ok\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;owned\x1b\\\x1b[2J\x1b[3J\rhidden\x9d0;t\x9c\u202etxt.exe\x00\x7f' }),
      '[algo-1] ok\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b]0;owned\\x1b\\\\x1b[2J\\x1b[3J\\rhidden\\x9d0;t\\x9c\\u202etxt.exe\\x00\\x7f',
    );
    // Each line of a multi-line event separately; a CR before LF still ends the line.
    assert.equal(formatLogLine({ host: 'algo-2', message: 'a\x1b[31m\r\nb\x1b[0m\n' }), '[algo-2] a\\x1b[31m\n[algo-2] b\\x1b[0m');
  });

  it('keeps tabs, line feeds, backslashes and ordinary text as they are, so showing twice changes nothing', () => {
    const text = 'loss\t0.5 C:\\runs\\x1b ü 日本 🙂\nnext';
    assert.equal(showControlCharacters(text), text);
    const shown = showControlCharacters('\x1b[2J\u2066x\u2069');
    assert.equal(shown, '\\x1b[2J\\u2066x\\u2069');
    assert.equal(showControlCharacters(shown), shown);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(showControlCharacters(String.fromCharCode(...Array.from({ length: 0xa0 }, (_, i) => i))), /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('says how many history lines were held back', () => {
    assert.equal(omittedHistoryLine(1), '… 1 earlier line not shown (history limit)');
    assert.equal(omittedHistoryLine(1200), '… 1200 earlier lines not shown (history limit)');
  });
});

describe('end-of-job summary', () => {
  it('multiplies training and billable seconds by the instance count, as the SDK does', () => {
    const s = summarizeJobEnd(aJob().ended('Completed', 1200).build(), []);
    assert.deepEqual(s.lines, ['Training seconds: 2400', 'Billable seconds: 2400']);
    assert.equal(s.trainingSeconds, 2400);
    assert.equal(s.spotSavingsPercent, undefined);
  });

  it('counts the instances of heterogeneous instance groups', () => {
    const d = aJob()
      .ended('Completed', 100)
      .with({
        ResourceConfig: {
          InstanceGroups: [
            { InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2 },
            { InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
          ],
        },
      })
      .build();
    assert.deepEqual(summarizeJobEnd(d, []).lines, ['Training seconds: 300', 'Billable seconds: 300']);
  });

  it('prints managed spot savings with one decimal, rounding ties to even like Python', () => {
    const s = summarizeJobEnd(aJob().ended('Completed', 1000, 300).with({ EnableManagedSpotTraining: true }).build(), []);
    assert.deepEqual(s.lines, ['Training seconds: 2000', 'Billable seconds: 600', 'Managed Spot Training savings: 70.0%']);
    assert.equal(pythonFixed1(70.25), '70.2');
    assert.equal(pythonFixed1(70.35), (70.35).toFixed(1)); // not an exact tie in binary: no special case
    assert.equal(pythonFixed1(0.75), '0.8');
  });

  it('warns like the SDK when the job was stopped', () => {
    const s = summarizeJobEnd(aJob().ended('Stopped', 10).build(), []);
    assert.match(s.lines[0]!, /^Job ended with status 'Stopped' rather than 'Completed'\./);
  });

  it('states the failure like the SDK, then the lines that explain it and hints', () => {
    const reason =
      'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "RuntimeError: CUDA out of memory. Tried to allocate 256.00 MiB"\nCommand "mpirun --host algo-1:8,algo-2:8 -np 16 smddprun python run.py"';
    const recent = [
      line('job/algo-2-1', 1000, '[1,8]<stderr>: 20%|██        | 70/348'),
      line('job/algo-1-1', 1500, "[1,0]<stdout>:{'loss': 1.85, 'epoch': 0.6}"),
      line('job/algo-1-1', 2000, '[1,0]<stderr>:Traceback (most recent call last):'),
      line('job/algo-1-1', 2000, '[1,0]<stderr>:  File "run.py", line 655, in <module>'),
      line('job/algo-1-1', 2000, '[1,0]<stderr>:RuntimeError: CUDA out of memory. Tried to allocate 256.00 MiB'),
      line('job/algo-2-1', 2001, '[1,8]<stderr>:Traceback (most recent call last):'),
      line('job/algo-2-1', 2001, '[1,8]<stderr>:RuntimeError: CUDA out of memory.'),
      line('job/algo-1-1', 2002, 'MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD'),
    ];
    const s = summarizeJobEnd(aJob().ended('Failed', 50).with({ FailureReason: reason }).build(), recent);
    assert.equal(
      s.lines[0],
      `Error for Training job hf-bart-samsum: Failed. Reason: ${reason}. Check troubleshooting guide for common errors: https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-python-sdk-troubleshooting.html`,
    );
    assert.equal(s.lines[1], 'Last lines before the failure:');
    // The host that failed first (algo-1, at 2000), from its traceback on; not algo-2's.
    assert.deepEqual(
      s.explanation.lines.map((l) => l.message),
      [
        '[1,0]<stderr>:Traceback (most recent call last):',
        '[1,0]<stderr>:  File "run.py", line 655, in <module>',
        '[1,0]<stderr>:RuntimeError: CUDA out of memory. Tried to allocate 256.00 MiB',
        'MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD',
      ],
    );
    assert.ok(s.lines.includes('  [algo-1] [1,0]<stderr>:Traceback (most recent call last):'));
    assert.deepEqual(
      s.hints.map((h) => h.code),
      ['cudaOutOfMemory', 'mpi', 'executeUserScript'],
    );
    assert.match(s.hints.find((h) => h.code === 'executeUserScript')!.message, /exit code 1/);
    assert.ok(s.lines.includes('Hints:'));
    assert.deepEqual(s.lines.slice(-2), ['Training seconds: 100', 'Billable seconds: 100']);
  });

  it('keeps the start and the end of a long failure block and says how much it left out', () => {
    const lines = [line('job/algo-1-1', 10, 'Traceback (most recent call last):')];
    for (let i = 0; i < 40; i++) lines.push(line('job/algo-1-1', 11 + i, `  frame ${i}`));
    lines.push(line('job/algo-1-1', 60, 'ValueError: bad dataset column'));
    const e = explainFailure(lines, 10);
    assert.equal(e.lines.length, 10);
    assert.equal(e.omitted, 32);
    assert.equal(e.lines[0]!.message, 'Traceback (most recent call last):');
    assert.equal(e.lines[9]!.message, 'ValueError: bad dataset column');
    const s = summarizeJobEnd(aJob().ended('Failed', 1).with({ FailureReason: 'AlgorithmError: boom' }).build(), lines, { maxExplainingLines: 10 });
    assert.ok(s.lines.includes('  … 32 more lines …'));
  });

  it('falls back to the last lines when nothing looks like an error', () => {
    const lines = Array.from({ length: 30 }, (_, i) => line('job/algo-1-1', i, `step ${i}`));
    assert.deepEqual(
      explainFailure(lines).lines.map((l) => l.message),
      lines.slice(-10).map((l) => l.message),
    );
  });

  it('points at quotas for ResourceLimitExceeded, naming the instance type', () => {
    const hints = failureHints(
      "ResourceLimitExceeded: The account-level service limit 'ml.p3dn.24xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 2 Instances.",
      [],
      aJob().build(),
    );
    assert.deepEqual(
      hints.map((h) => h.code),
      ['resourceLimitExceeded'],
    );
    assert.match(hints[0]!.message, /ml\.p3dn\.24xlarge for training job usage/);
    assert.match(hints[0]!.message, /Service Quotas/);
  });

  it('adds the smddprun hint when smdistributed runs where it is not supported, not for every smddp failure', () => {
    const smddpLines = [line('job/algo-1-1', 1, 'mpirun ... smddprun /opt/conda/bin/python3.8 -m mpi4py run.py'), line('job/algo-1-1', 2, 'RuntimeError: CUDA out of memory.')];
    assert.ok(!failureHints('AlgorithmError: ExecuteUserScriptError', smddpLines, aJob().build()).some((h) => h.code === 'smddprun'));
    const onP5 = aJob()
      .with({ ResourceConfig: { InstanceType: 'ml.p5.48xlarge', InstanceCount: 2 } })
      .build();
    assert.ok(failureHints('AlgorithmError: ExecuteUserScriptError', smddpLines, onP5).some((h) => h.code === 'smddprun'));
    const missingModule = [line('job/algo-1-1', 1, "ModuleNotFoundError: No module named 'smdistributed'"), line('job/algo-1-1', 2, 'smddprun failed')];
    assert.ok(failureHints('AlgorithmError', missingModule, aJob().build()).some((h) => h.code === 'smddprun'));
  });

  it('recognises the host OOM killer and max_run', () => {
    assert.deepEqual(
      failureHints('AlgorithmError: ExecuteUserScriptError:\nExitCode 137\nExtraInfo "OutOfMemory: Process killed by SIGKILL (signal 9)"', []).map((h) => h.code),
      ['hostOutOfMemory', 'executeUserScript'],
    );
    assert.deepEqual(
      failureHints('MaxRuntimeExceeded: Training job runtime exceeded MaxRuntimeInSeconds provided', []).map((h) => h.code),
      ['maxRuntime'],
    );
  });

  it('remembers the last lines per host, so a chatty host cannot push out another host’s traceback', () => {
    const recent = new RecentLines(3);
    recent.add([line('job/algo-1-1', 1, 'Traceback (most recent call last):'), line('job/algo-1-1', 2, 'KeyError: x')]);
    recent.add(Array.from({ length: 100 }, (_, i) => line('job/algo-2-1', 3 + i, `tqdm ${i}`)));
    const all = recent.lines();
    assert.deepEqual(
      all.filter((l) => l.host === 'algo-1').map((l) => l.message),
      ['Traceback (most recent call last):', 'KeyError: x'],
    );
    assert.deepEqual(
      all.filter((l) => l.host === 'algo-2').map((l) => l.message),
      ['tqdm 97', 'tqdm 98', 'tqdm 99'],
    );
    assert.deepEqual(
      all.map((l) => l.timestamp),
      [1, 2, 100, 101, 102],
    );
  });
});

// DescribeTrainingJob's answer marks nearly every field optional: a field that is missing gets the
// SDK's own fallback where it has one (Python's `.get(key, default)`), an empty part where it has none,
// never "undefined" in a printed line.
describe('answers with fields missing', () => {
  it('prints no status line for an answer without SecondaryStatusTransitions, first or later', () => {
    const bare: TrainingJobDescription = { TrainingJobName: 'j', TrainingJobStatus: 'InProgress' };
    assert.deepEqual(statusLinesSince(bare, undefined), []);
    const earlier = aJob().transition('Starting', 'Starting the training job', '2021-04-01T13:00:10Z').build();
    assert.deepEqual(statusLinesSince(bare, earlier), []);
    assert.equal(secondaryStatusChanged(bare, earlier), false, 'no transition is no change');
  });

  it('writes a transition without time, status or message with empty parts, never "undefined"', () => {
    const d: TrainingJobDescription = { SecondaryStatusTransitions: [{} as NonNullable<TrainingJobDescription['SecondaryStatusTransitions']>[number]] };
    assert.deepEqual(statusLinesSince(d, undefined), ['  - ']);
  });

  it('takes two answers whose newest transition has no message for unchanged, and a first message after none for a change', () => {
    const noMessage = (...statuses: string[]): TrainingJobDescription => ({
      SecondaryStatusTransitions: statuses.map((Status) => ({ Status, StartTime: new Date('2021-04-01T13:00:10Z') })),
    });
    assert.deepEqual(statusLinesSince(noMessage('Starting'), noMessage('Starting')), []);
    assert.deepEqual(statusLinesSince(noMessage('Starting'), { TrainingJobStatus: 'InProgress' }), []);
    const withMessage = aJob().transition('Starting', 'Starting the training job', '2021-04-01T13:00:10Z').build();
    assert.deepEqual(statusLinesSince(withMessage, noMessage('Starting')), ['2021-04-01 13:00:10 Starting - Starting the training job']);
  });

  it('writes a rule without a name or a status with empty parts', () => {
    assert.deepEqual(ruleStatusLines({ ProfilerRuleEvaluationStatuses: [{}] }, undefined), [': ']);
  });

  it('sums up an answer without a name or a status, and a failure without a reason', () => {
    const bare = summarizeJobEnd({}, []);
    assert.equal(bare.jobName, '');
    assert.equal(bare.status, 'Unknown');
    assert.deepEqual(bare.lines, []);
    const failed = summarizeJobEnd({ TrainingJobName: 'j', TrainingJobStatus: 'Failed' }, []);
    assert.equal(failed.failureReason, '(No reason provided)');
    assert.equal(
      failed.lines[0],
      'Error for Training job j: Failed. Reason: (No reason provided). Check troubleshooting guide for common errors: https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-python-sdk-troubleshooting.html',
    );
  });

  it('says "1 more line" for a single omitted line', () => {
    const lines = [line('job/algo-1-1', 10, 'Traceback (most recent call last):')];
    for (let i = 0; i < 10; i++) lines.push(line('job/algo-1-1', 11 + i, `  frame ${i}`));
    const s = summarizeJobEnd(aJob().ended('Failed', 1).with({ FailureReason: 'AlgorithmError: boom' }).build(), lines, { maxExplainingLines: 10 });
    assert.ok(s.lines.includes('  … 1 more line …'), s.lines.join('\n'));
  });

  it('rounds a negative tie to even with its sign, like Python', () => {
    assert.equal(pythonFixed1(-0.25), '-0.2');
    assert.equal(pythonFixed1(-0.35), '-0.3');
    assert.equal(pythonFixed1(-70.25), '-70.2');
  });

  it('points at capacity for InsufficientInstanceCapacity, naming the instance type', () => {
    const hints = failureHints('CapacityError: Unable to provision requested ML compute capacity.', [], aJob().build());
    assert.deepEqual(hints, [
      {
        code: 'capacity',
        message:
          'SageMaker had no ml.p3dn.24xlarge capacity: launch again later, in another region, or with another instance type; managed spot training with a longer max_wait also helps.',
      },
    ]);
  });

  it('sums up a completed job with an empty explanation and no hints, and a failure with neither without their headings', () => {
    const done = summarizeJobEnd(aJob().ended('Completed', 100, 80).build(), []);
    assert.deepEqual(done, {
      jobName: 'hf-bart-samsum',
      status: 'Completed',
      instanceCount: 2,
      explanation: { lines: [], omitted: 0 },
      hints: [],
      lines: ['Training seconds: 200', 'Billable seconds: 160'],
      trainingSeconds: 200,
      billableSeconds: 160,
    });
    const failed = summarizeJobEnd(aJob().ended('Failed', 100).with({ FailureReason: 'Something went wrong' }).build(), []);
    assert.deepEqual(failed.hints, []);
    assert.deepEqual(failed.lines.slice(1), ['Training seconds: 200', 'Billable seconds: 200'], 'no "Last lines" or "Hints" heading over nothing');
  });

  it('places the "more lines" marker in the middle of a shortened block, and none in a whole one', () => {
    const block = (n: number) => [
      line('job/algo-1-1', 10, 'Traceback (most recent call last):'),
      ...Array.from({ length: n }, (_, i) => line('job/algo-1-1', 11 + i, `  frame ${i}`)),
    ];
    const failed = aJob().ended('Failed', 1).with({ FailureReason: 'AlgorithmError: boom' }).build();
    const cut = summarizeJobEnd(failed, block(6), { maxExplainingLines: 4 }).lines;
    const start = cut.indexOf('Last lines before the failure:');
    assert.deepEqual(cut.slice(start, start + 6), [
      'Last lines before the failure:',
      '  [algo-1] Traceback (most recent call last):',
      '  [algo-1]   frame 0',
      '  … 3 more lines …',
      '  [algo-1]   frame 4',
      '  [algo-1]   frame 5',
    ]);
    const whole = summarizeJobEnd(failed, block(3), { maxExplainingLines: 4 }).lines;
    assert.ok(!whole.some((l) => l.includes('more line')), whole.join('\n'));
  });

  it('writes each hint as an indented item under "Hints:"', () => {
    const s = summarizeJobEnd(aJob().ended('Failed', 1).with({ FailureReason: 'AlgorithmError: ExitCode 137' }).build(), []);
    const at = s.lines.indexOf('Hints:');
    assert.ok(at > 0);
    assert.deepEqual(
      s.lines.slice(at + 1, at + 1 + s.hints.length),
      s.hints.map((h) => `  - ${h.message}`),
    );
    assert.ok(s.hints.length > 0);
  });

  it('counts a Pending transition, or one whose message says capacity, as waiting for capacity', () => {
    const at = (t: string) => new Date(`2021-04-01T13:${t}Z`);
    const pending = aJob()
      .ended('Completed', 10)
      .with({ SecondaryStatusTransitions: [{ Status: 'Pending', StartTime: at('00:00'), EndTime: at('02:05') }] })
      .build();
    assert.equal(summarizeJobEnd(pending, []).capacityWaitSeconds, 125);
    const starting = aJob()
      .ended('Completed', 10)
      .with({
        SecondaryStatusTransitions: [
          { Status: 'Starting', StatusMessage: 'Insufficient capacity error from EC2 while launching instances, retrying!', StartTime: at('00:00'), EndTime: at('01:00') },
        ],
      })
      .build();
    assert.equal(summarizeJobEnd(starting, []).capacityWaitSeconds, 60);
    const plain = aJob()
      .ended('Completed', 10)
      .with({ SecondaryStatusTransitions: [{ Status: 'Starting', StatusMessage: 'Launching requested ML instances', StartTime: at('00:00'), EndTime: at('01:00') }] })
      .build();
    assert.equal(summarizeJobEnd(plain, []).capacityWaitSeconds, undefined);
  });

  it('rounds only exact ties to even: 70.5 and 0.251 are not ties', () => {
    assert.equal(pythonFixed1(70.5), '70.5');
    assert.equal(pythonFixed1(0.251), '0.3');
    assert.equal(pythonFixed1(0.25), '0.2');
  });

  it('gives no smddprun hint on any of the four instance types smdistributed data parallel supports', () => {
    const smddpLines = [line('job/algo-1-1', 1, 'mpirun ... smddprun /opt/conda/bin/python3.8 -m mpi4py run.py'), line('job/algo-1-1', 2, 'RuntimeError: boom')];
    for (const InstanceType of ['ml.p3.16xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge']) {
      const d = aJob()
        .with({ ResourceConfig: { InstanceType, InstanceCount: 2 } })
        .build();
      assert.ok(!failureHints('AlgorithmError: ExecuteUserScriptError', smddpLines, d).some((h) => h.code === 'smddprun'), InstanceType);
    }
  });
});

describe('the failure explanation and hints, rule by rule', () => {
  const messages = (lines: readonly LogLine[]) => lines.map((l) => l.message);

  it('anchors on the first error-looking line when there is no traceback, whatever the exception is called', () => {
    const lines = [line('job/algo-1-1', 1, 'step 1'), line('job/algo-1-1', 2, 'ValueError: bad column'), line('job/algo-1-1', 3, 'cleaning up')];
    assert.deepEqual(messages(explainFailure(lines).lines), ['ValueError: bad column', 'cleaning up']);
    // mpirun's rank tags in front of a line do not hide it.
    const tagged = [line('job/algo-1-1', 1, '[1,0]<stdout>:step 1'), line('job/algo-1-1', 2, '[1,12]<stderr>:ValueError: bad column')];
    assert.deepEqual(messages(explainFailure(tagged).lines), ['[1,12]<stderr>:ValueError: bad column']);
  });

  it('prefers a traceback to an earlier error-looking line', () => {
    const lines = [
      line('job/algo-1-1', 1, 'ConnectionError: retrying in 1 s'),
      line('job/algo-1-1', 2, 'step 2'),
      line('job/algo-1-1', 5, 'Traceback (most recent call last):'),
      line('job/algo-1-1', 6, 'KeyError: labels'),
    ];
    assert.deepEqual(messages(explainFailure(lines).lines), ['Traceback (most recent call last):', 'KeyError: labels']);
  });

  it('takes the host whose traceback came first in time, and the first listed on a tie', () => {
    const later = [line('job/algo-1-1', 20, 'Traceback (most recent call last):'), line('job/algo-1-1', 21, 'RuntimeError: NCCL')];
    const earlier = [line('job/algo-2-1', 10, 'Traceback (most recent call last):'), line('job/algo-2-1', 11, 'RuntimeError: CUDA out of memory.')];
    assert.deepEqual(
      explainFailure([...later, ...earlier]).lines.map((l) => l.host),
      ['algo-2', 'algo-2'],
    );
    const tie = [line('job/algo-1-1', 10, 'Traceback (most recent call last):'), line('job/algo-2-1', 10, 'Traceback (most recent call last):')];
    assert.deepEqual(
      explainFailure(tie).lines.map((l) => l.host),
      ['algo-1'],
    );
  });

  it('names the instance type of the first instance group, and words the quota and capacity hints without one when the job has none', () => {
    const quota = (d: TrainingJobDescription) => failureHints('ResourceLimitExceeded', [], d)[0]!.message;
    const capacity = (d: TrainingJobDescription) => failureHints('CapacityError: Unable to provision requested ML compute capacity.', [], d)[0]!.message;
    const groups: TrainingJobDescription = { ResourceConfig: { InstanceGroups: [{ InstanceGroupName: 'a', InstanceType: 'ml.g5.12xlarge', InstanceCount: 1 }] } };
    assert.match(quota(groups), /^Your account's quota for ml\.g5\.12xlarge is too low \("ml\.g5\.12xlarge for training job usage"\)/);
    assert.match(capacity(groups), /^SageMaker had no ml\.g5\.12xlarge capacity: /);
    for (const d of [{}, { ResourceConfig: { InstanceCount: 1 } }, { ResourceConfig: { InstanceGroups: [] } }] as TrainingJobDescription[]) {
      assert.match(quota(d), /^Your account's quota for the job's instance type is too low \("<instance type> for training job usage"\): request/);
      assert.match(capacity(d), /^SageMaker had no capacity of the instance type: launch again later/);
    }
  });

  it('words each memory and max_run hint in full', () => {
    const only = (text: string) => failureHints(text, []).map((h) => [h.code, h.message]);
    assert.deepEqual(only('RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB'), [
      [
        'cudaOutOfMemory',
        'A GPU ran out of memory: lower per_device_train_batch_size (raise gradient_accumulation_steps to keep the effective batch size), turn on fp16/bf16 or gradient_checkpointing, shorten the maximum sequence lengths, or use an instance with larger GPUs (ml.p4d.24xlarge: 8 × 40 GB A100; ml.p4de.24xlarge: 8 × 80 GB).',
      ],
    ]);
    const host = [
      'hostOutOfMemory',
      'A process was killed by the kernel for lack of host memory (exit code 137): load the dataset lazily or in streaming mode, use fewer dataloader workers, or pick an instance with more RAM.',
    ];
    assert.deepEqual(only('the process ended with exit code 137'), [host]);
    assert.deepEqual(only('exit code: 137'), [host]);
    const maxRun = ['maxRuntime', 'The job reached its max_run limit: raise max_run (seconds, up to 28 days), or save checkpoints (checkpoint_s3_uri) and resume.'];
    for (const text of ['Training job exceeded max runtime', 'exceeded the maximum run time', 'exceeded maximumruntime']) assert.deepEqual(only(text), [maxRun], text);
  });

  it('gives the smddprun hint on a supported instance type when smdistributed is missing or refuses, however it says so', () => {
    for (const text of ['smddprun: No module named smdistributed', 'smddprun: smdistributed is not supported on this image']) {
      assert.ok(
        failureHints('AlgorithmError', [line('job/algo-1-1', 1, text)], aJob().build()).some((h) => h.code === 'smddprun'),
        text,
      );
    }
  });

  it('words the smddprun, MPI and script hints in full, with a multi-digit exit code', () => {
    const onP5 = aJob()
      .with({ ResourceConfig: { InstanceType: 'ml.p5.48xlarge', InstanceCount: 2 } })
      .build();
    const hints = failureHints('AlgorithmError: ExecuteUserScriptError: ExitCode 127', [line('job/algo-1-1', 1, 'smddprun /opt/conda/bin/python3.8 run.py')], onP5);
    assert.deepEqual(hints, [
      {
        code: 'smddprun',
        message:
          'The job ran smdistributed data parallel (smddprun). It works on ml.p3.16xlarge, ml.p3dn.24xlarge, ml.p4d.24xlarge and ml.p4de.24xlarge only (not on p5 or g5), and only with images that ship it (not the transformers 4.36 image); on newer images use distribution torch_distributed instead.',
      },
      {
        code: 'mpi',
        message:
          'MPI only reports that a rank exited; the real error is what the rank that failed first printed. Look for the first traceback in the host lines above (a `[1,N]<stderr>` prefix names rank N), whichever host it is on.',
      },
      {
        code: 'executeUserScript',
        message:
          "Your training script ended with an error (exit code 127); the traceback above is the script's own. Run the job file with the local backend to reproduce it in seconds before launching again.",
      },
    ]);
    assert.match(failureHints('ExecuteUserScriptError', [])[0]!.message, /^Your training script ended with an error; the traceback/);
  });

  it('gives the MPI hint for each way MPI reports a rank that died, without smddp', () => {
    for (const text of [
      'MPI_ABORT was invoked on rank 3',
      'mpirun noticed that process rank 1 exited',
      'ORTE has lost communication with a remote daemon',
      'an orted daemon died',
      'Orted process exited',
      'prterun detected a failure',
      'Primary job  terminated normally, but 1 process returned',
    ]) {
      assert.deepEqual(
        failureHints('AlgorithmError', [line('job/algo-1-1', 1, text)]).map((h) => h.code),
        ['mpi'],
        text,
      );
    }
    assert.deepEqual(failureHints('AlgorithmError', [line('job/algo-1-1', 1, 'sorted the dataset')]), [], 'a word that only contains "orted"');
  });

  it('tells smdistributed trouble on a supported instance type by each of its messages', () => {
    const launcher = line('job/algo-1-1', 1, 'smddprun /opt/conda/bin/python3.8 run.py');
    for (const text of [
      "No module named 'smdistributed'",
      'smdistributed.dataparallel not supported on this image',
      'smdistributed is not installed',
      'smdistributed not found',
      'SMDDP not supported',
      'SMDDPCommsError: ring broken',
      'smddprun: launcher failed',
      'smddprun: rank 3 error',
      'smddprun: mpirun not found',
      'NCCL error: unhandled system error',
      'NCCL WARN NET/OFI request to peer failed',
      'libfabric:efa provider error',
      'libfabric: send fail',
    ]) {
      assert.ok(
        failureHints('AlgorithmError', [launcher, line('job/algo-1-1', 2, text)], aJob().build()).some((h) => h.code === 'smddprun'),
        text,
      );
    }
    assert.ok(!failureHints('AlgorithmError', [launcher, line('job/algo-1-1', 2, 'smddprun: step 10, loss 1.2')], aJob().build()).some((h) => h.code === 'smddprun'));
  });

  it('compares rule statuses like the SDK: by position, a rule against the same rule, any one changed', () => {
    const debug = (...rules: Array<[string, string]>): TrainingJobDescription => ({
      DebugRuleEvaluationStatuses: rules.map(([RuleConfigurationName, RuleEvaluationStatus]) => ({ RuleConfigurationName, RuleEvaluationStatus })),
    });
    // The second of two changed: both are printed.
    assert.deepEqual(ruleStatusLines(debug(['A', 'InProgress'], ['B', 'IssuesFound']), debug(['A', 'InProgress'], ['B', 'InProgress'])), ['A: InProgress', 'B: IssuesFound']);
    // A rule added, none changed: nothing (Python's zip stops at the shorter list).
    assert.deepEqual(ruleStatusLines(debug(['A', 'InProgress'], ['B', 'InProgress']), debug(['A', 'InProgress'])), []);
    // Another rule in the same place is not a change of status.
    assert.deepEqual(ruleStatusLines(debug(['B', 'NoIssuesFound']), debug(['A', 'InProgress'])), []);
    // An earlier answer with an empty list counts as none.
    assert.deepEqual(ruleStatusLines(debug(['A', 'InProgress']), debug()), ['A: InProgress']);
  });

  it('prints every transition when the previous answer had none, and says whether anything changed against no answer', () => {
    const withMessage = aJob()
      .transition('Starting', 'Starting the training job', '2021-04-01T13:00:10Z')
      .transition('Downloading', 'Downloading input data', '2021-04-01T13:01:10Z')
      .build();
    assert.deepEqual(statusLinesSince(withMessage, { TrainingJobStatus: 'InProgress' }), [
      '2021-04-01 13:00:10 Starting - Starting the training job',
      '2021-04-01 13:01:10 Downloading - Downloading input data',
    ]);
    assert.equal(secondaryStatusChanged(withMessage, undefined), true);
  });
});
