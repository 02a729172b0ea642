// The job dashboard's warnings (core/metrics/warnings.ts), in node: GPUs idle for the last fifteen minutes of a
// running job (the window's edges, GPUs per host, a series too short to tell), GPU memory at its ceiling and a
// nearly full disk (each at and just under its threshold), a NaN or infinite loss in any of the loss series, a
// diverging training loss (each of its conditions on its own), and a straggling host (finished hosts and hosts
// without a rate left out). Every message and action is checked word for word; only system series with a host
// and points count for the instance warnings, and only the log's loss series for the loss warnings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricSeries, SeriesPoint, SeriesSource } from '../../src/core/metrics/metricSeries';
import type { HostProgress } from '../../src/core/metrics/trainerLog';
import { jobWarnings, type WarningInput } from '../../src/core/metrics/warnings';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const MIN = 60_000;

const sys = (name: string, host: string | null, points: SeriesPoint[], source: SeriesSource = 'system'): MetricSeries => ({ name, host, source, unit: 'Percent', points });
const log = (name: string, host: string | null, values: number[], source: SeriesSource = 'log'): MetricSeries => ({
  name,
  host,
  source,
  unit: 'None',
  points: values.map((v, i) => [T0 + i * 1000, v]),
});
const warn = (input: Partial<WarningInput>) => jobWarnings({ status: 'InProgress', series: [], progress: [], now: T0, ...input });

const IDLE_ACTION =
  'Check that the script puts the model on the GPU and that data loading keeps up (dataloader_num_workers, preprocessing done before training); stop the job if it is stuck.';
const MEMORY_ACTION =
  'Lower per_device_train_batch_size and raise gradient_accumulation_steps to keep the effective batch, turn on gradient_checkpointing or bf16, or choose an instance with more GPU memory.';
const DISK_ACTION = 'Raise volume_size in the job file, and keep fewer checkpoints (save_total_limit) or write them to /opt/ml/checkpoints so SageMaker moves them to S3.';
const NAN_ACTION = 'Lower learning_rate, keep max_grad_norm (gradient clipping) on, use bf16 rather than fp16, and look for bad samples (empty labels) in the data.';
const DIVERGING_ACTION = 'Lower learning_rate or lengthen warmup (warmup_ratio), keep gradient clipping on; resume from the last good checkpoint rather than waiting.';

describe('GPU idle', () => {
  // now is 20 minutes after T0: the window starts at T0 + 5 min.
  const now = T0 + 20 * MIN;
  const windowStart = now - 15 * MIN;
  /** One point a minute from `from` to now, each `value` unless `at` says otherwise. */
  const gpu = (from: number, value: number, at: Record<number, number> = {}): MetricSeries => {
    const points: SeriesPoint[] = [];
    for (let t = from; t <= now; t += MIN) points.push([t, at[t] ?? value]);
    return sys('GPUUtilization', 'algo-1', points);
  };
  const kinds = (s: MetricSeries, gpusPerHost = 4) => warn({ series: [s], gpusPerHost, now }).map((w) => w.kind);

  it('warns with its message and action when every GPU reading of the last 15 minutes is under 10 % each', () => {
    assert.deepEqual(warn({ series: [gpu(T0, 39)], gpusPerHost: 4, now }), [
      {
        kind: 'gpu-idle',
        host: 'algo-1',
        message: 'algo-1: GPUs under 10 % busy for 15 minutes while the job runs — you are paying for idle GPUs.',
        action: IDLE_ACTION,
      },
    ]);
  });

  it('looks only at the window: busy before it does not hide an idle window; one busy reading in it does', () => {
    // Busy (75 % each) until the window opens, idle from its first minute on.
    const busyBefore: Record<number, number> = {};
    for (let t = T0; t < windowStart; t += MIN) busyBefore[t] = 300;
    assert.deepEqual(kinds(gpu(T0, 20, busyBefore)), ['gpu-idle']);
    // A busy reading exactly at the window's start belongs to the window.
    assert.deepEqual(kinds(gpu(T0, 20, { [windowStart]: 300 })), []);
    // One busy reading in the middle of the window.
    assert.deepEqual(kinds(gpu(T0, 20, { [windowStart + 7 * MIN]: 300 })), []);
  });

  it('counts 10 % per GPU as busy (the sum over 4 GPUs is divided by 4)', () => {
    assert.deepEqual(kinds(gpu(T0, 40)), []);
    assert.deepEqual(kinds(gpu(T0, 39.9)), ['gpu-idle']);
    // Unknown GPU count: the value is read as one GPU's.
    assert.deepEqual(kinds(gpu(T0, 9.9), 0), ['gpu-idle']);
    assert.deepEqual(kinds(gpu(T0, 10), 0), []);
  });

  it('needs a series reaching back to within a minute of the window start', () => {
    assert.deepEqual(kinds(gpu(windowStart + MIN, 20)), ['gpu-idle']);
    const late = gpu(windowStart + MIN, 20);
    late.points[0]![0] += 1;
    assert.deepEqual(kinds(late), []);
  });

  it('needs readings inside the window: an old idle series that stopped reporting is not news', () => {
    const stale = sys('GPUUtilization', 'algo-1', [
      [T0, 0],
      [T0 + MIN, 0],
    ]);
    assert.deepEqual(kinds(stale), []);
  });

  it('only while the job runs', () => {
    assert.deepEqual(warn({ status: 'Stopping', series: [gpu(T0, 0)], gpusPerHost: 4, now }), []);
  });
});

describe('GPU memory ceiling and disk full', () => {
  it('warns at 95 % GPU memory per GPU, with the figure per GPU', () => {
    assert.deepEqual(warn({ series: [sys('GPUMemoryUtilization', 'algo-2', [[T0, 390]])], gpusPerHost: 4 }), [
      {
        kind: 'gpu-memory-ceiling',
        host: 'algo-2',
        message: 'algo-2: GPU memory at 98 % — an out-of-memory failure is likely.',
        action: MEMORY_ACTION,
      },
    ]);
    // Exactly 95 % each warns; 94.75 % does not; the last reading is the one that counts.
    assert.equal(warn({ series: [sys('GPUMemoryUtilization', 'algo-2', [[T0, 380]])], gpusPerHost: 4 }).length, 1);
    assert.deepEqual(
      warn({
        series: [
          sys('GPUMemoryUtilization', 'algo-2', [
            [T0, 390],
            [T0 + MIN, 379],
          ]),
        ],
        gpusPerHost: 4,
      }),
      [],
    );
    assert.deepEqual(warn({ series: [sys('GPUMemoryUtilization', 'algo-2', [[T0, 300]])], gpusPerHost: 4 }), []);
  });

  it('warns at 90 % disk, whatever the GPU count', () => {
    assert.deepEqual(warn({ series: [sys('DiskUtilization', 'algo-3', [[T0, 90]])], gpusPerHost: 8 }), [
      { kind: 'disk-full', host: 'algo-3', message: 'algo-3: disk 90 % full.', action: DISK_ACTION },
    ]);
    assert.deepEqual(warn({ series: [sys('DiskUtilization', 'algo-3', [[T0, 89.9]])], gpusPerHost: 8 }), []);
  });

  it('reads only system series with a host and at least one point', () => {
    const full = (source: SeriesSource, host: string | null, points: SeriesPoint[] = [[T0, 99]]) => [
      sys('DiskUtilization', host, points, source),
      sys('GPUMemoryUtilization', host, points, source),
      sys('GPUUtilization', host, points, source),
    ];
    assert.deepEqual(warn({ series: full('sagemaker', 'algo-1') }), []);
    assert.deepEqual(warn({ series: full('log', 'algo-1') }), []);
    assert.deepEqual(warn({ series: full('system', null) }), []);
    assert.deepEqual(warn({ series: full('system', 'algo-1', []) }), []);
  });
});

describe('NaN or infinite loss', () => {
  it('names the host, the series and NaN or infinite; the host is left out when the series has none', () => {
    assert.deepEqual(warn({ series: [log('loss', 'algo-1', [0.7, NaN, 0.6])] }), [
      { kind: 'loss-nan', host: 'algo-1', message: 'algo-1: loss became NaN — the run is no longer learning.', action: NAN_ACTION },
    ]);
    assert.deepEqual(warn({ series: [log('train_loss', 'algo-2', [Infinity])] }), [
      { kind: 'loss-nan', host: 'algo-2', message: 'algo-2: train_loss became infinite — the run is no longer learning.', action: NAN_ACTION },
    ]);
    assert.deepEqual(warn({ series: [log('eval_loss', null, [0.5, -Infinity])] }), [
      { kind: 'loss-nan', message: 'the job: eval_loss became infinite — the run is no longer learning.', action: NAN_ACTION },
    ]);
    assert.deepEqual(
      warn({ series: [log('eval_loss', null, [NaN])] }).map((w) => w.message),
      ['the job: eval_loss became NaN — the run is no longer learning.'],
    );
  });

  it('only for the log’s loss series: not other metrics, not the metric_definitions copy of the loss', () => {
    assert.deepEqual(warn({ series: [log('grad_norm', 'algo-1', [NaN]), log('learning_rate', 'algo-1', [Infinity])] }), []);
    assert.deepEqual(warn({ series: [log('loss', null, [NaN], 'sagemaker'), sys('GPUUtilization', 'algo-1', [[T0, NaN]])], status: 'Completed' }), []);
  });
});

describe('diverging loss', () => {
  /** A loss series: three first values, a stretch down to `min`, three last values; `length` points in all. */
  const loss = (first: number, min: number, last: number, length = 12, host: string | null = 'algo-1') =>
    log('loss', host, [first, first, first, ...Array<number>(length - 6).fill(min), last, last, last]);
  const kinds = (s: MetricSeries) => warn({ series: [s] }).map((w) => w.kind);

  it('warns with the recent mean and the best value', () => {
    assert.deepEqual(warn({ series: [log('loss', 'algo-1', [1, 1, 1, 0.8, 0.6, 0.5, 0.4, 0.5, 0.9, 2, 3, 4.5])] }), [
      {
        kind: 'loss-diverging',
        host: 'algo-1',
        message: 'algo-1: the training loss is rising (3.17 now, 0.400 at best) — the run is diverging.',
        action: DIVERGING_ACTION,
      },
    ]);
    assert.deepEqual(
      warn({ series: [loss(1, 0.25, 2, 12, null)] }).map((w) => [w.host, w.message]),
      [[undefined, 'the job: the training loss is rising (2.00 now, 0.250 at best) — the run is diverging.']],
    );
  });

  it('needs the recent mean above 1.5 × the first three values’ mean', () => {
    assert.deepEqual(kinds(loss(2, 0.5, 3)), []); // exactly 1.5 ×
    assert.deepEqual(kinds(loss(2, 0.5, 3.01)), ['loss-diverging']);
    assert.deepEqual(kinds(loss(3, 1, 4)), []); // 3 × the best, but under 1.5 × the start
  });

  it('and above 3 × the best value', () => {
    assert.deepEqual(kinds(loss(1, 1, 2)), []); // 2 × the start, but only 2 × the best
    assert.deepEqual(kinds(loss(1, 1, 3)), []); // exactly 3 × the best
    assert.deepEqual(kinds(loss(1, 0.99, 3)), ['loss-diverging']);
  });

  it('needs ten points, and only the step loss (train_loss and eval_loss rising are not divergence)', () => {
    assert.deepEqual(kinds(loss(1, 0.25, 2, 10)), ['loss-diverging']);
    assert.deepEqual(kinds(loss(1, 0.25, 2, 9)), []);
    assert.deepEqual(kinds(loss(1, 0.25, 2, 7)), []);
    for (const name of ['train_loss', 'eval_loss']) {
      const s = loss(1, 0.25, 2);
      assert.deepEqual(kinds({ ...s, name }), [], name);
    }
  });
});

describe('straggler', () => {
  const host = (name: string, stepsPerSecond: number | undefined, step?: number, maxSteps?: number): HostProgress => ({
    host: name,
    ...(stepsPerSecond !== undefined ? { stepsPerSecond } : {}),
    ...(step !== undefined ? { step } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
  });

  it('warns about a host under half the fastest host’s rate, naming both rates', () => {
    assert.deepEqual(warn({ progress: [host('algo-1', 2, 10, 100), host('algo-2', 0.75, 4, 100), host('algo-3', 1.5, 8, 100)] }), [
      {
        kind: 'straggler',
        host: 'algo-2',
        message: 'algo-2 is far slower than the others (0.75 steps/s against 2.00) — with distributed training every host waits for it.',
        action:
          "Compare algo-2's CPU, GPU and disk lines with the others'; uneven data shards or a slow input channel are the usual causes. Stopping and relaunching gets other instances.",
      },
    ]);
    // Exactly half is not a straggler.
    assert.deepEqual(warn({ progress: [host('algo-1', 2, 10, 100), host('algo-2', 1, 4, 100)] }), []);
  });

  it('works without max_steps and without a step count', () => {
    assert.deepEqual(
      warn({ progress: [host('algo-1', 2), host('algo-2', 0.5)] }).map((w) => w.host),
      ['algo-2'],
    );
  });

  it('leaves out hosts without a rate and hosts that have finished', () => {
    // A host that has not logged a rate yet does not stop the others being compared.
    assert.deepEqual(
      warn({ progress: [host('algo-1', 2), host('algo-2', 0.5), host('algo-3', undefined)] }).map((w) => w.host),
      ['algo-2'],
    );
    // A host at max_steps has stopped: its last rate says nothing about the others.
    assert.deepEqual(warn({ progress: [host('algo-1', 1, 50, 100), host('algo-2', 0.9, 45, 100), host('algo-3', 4, 100, 100)] }), []);
  });
});
