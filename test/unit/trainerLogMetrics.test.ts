// The log-line metrics parser, the CloudWatch query plan, the warnings and the chart layout, on real-shaped
// Trainer output (transformers 4.3x–4.4x: Trainer.log dicts through tqdm.write, numpy 2 scalars' repr,
// log_metrics blocks, the "Running training" banner, tqdm bars joined by carriage returns).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutLine, niceTicks } from '../../src/core/metrics/chartLayout';
import { MAX_QUERIES_PER_CALL, planMetricQueries, seriesFromResults, SYSTEM_METRICS } from '../../src/core/metrics/cloudWatchQueries';
import { SeriesStore } from '../../src/core/metrics/jobMetrics';
import type { MetricSeries } from '../../src/core/metrics/metricSeries';
import { mergePoints, seriesJson, trainingMetricOrder } from '../../src/core/metrics/metricSeries';
import { parsePythonDict } from '../../src/core/metrics/pythonDict';
import { compileDefinition, TrainerLogParser } from '../../src/core/metrics/trainerLog';
import { jobWarnings } from '../../src/core/metrics/warnings';
import { groupSample, parseNvidiaSmi } from '../../src/local/localJobMetrics';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

function series(parser: TrainerLogParser, host: string, name: string): Array<[number, number]> {
  return parser.allSeries().find((s) => s.host === host && s.name === name)?.points ?? [];
}

describe('Python dict repr', () => {
  it('reads floats, exponents, nan, inf, numpy 2 scalars and tensors; skips strings, lists and None', () => {
    const text = `{'loss': 0.6931, 'grad_norm': tensor(4.2031, device='cuda:0'), 'learning_rate': 4.9e-05, 'eval_acc': np.float64(0.8125), 'x': nan, 'y': -inf, 'name': 'a}b', 'list': [1, {'z': 2}], 'none': None, 'ok': True, 'n': np.int64(12), 'epoch': 0.03}`;
    const d = parsePythonDict(text, 0)!;
    assert.equal(d.end, text.length);
    assert.deepEqual(
      [...d.values],
      [
        ['loss', 0.6931],
        ['grad_norm', 4.2031],
        ['learning_rate', 4.9e-5],
        ['eval_acc', 0.8125],
        ['x', NaN],
        ['y', -Infinity],
        ['n', 12],
        ['epoch', 0.03],
      ],
    );
  });

  it('refuses what is not a dict with string keys', () => {
    for (const text of ['{1: 2}', "{'a' 1}", "{'a': 1", '{', "{'a': np.float64(1}"]) assert.equal(parsePythonDict(text, 0), undefined, text);
  });

  it('reads an empty dict, a trailing comma, tabs, double quotes and escaped quotes', () => {
    const read = (text: string) => {
      const d = parsePythonDict(text, 0);
      return d && { values: Object.fromEntries(d.values), end: d.end };
    };
    assert.deepEqual(read('{ } tail'), { values: {}, end: 3 });
    assert.deepEqual(read("{'a': 1, } tail"), { values: { a: 1 }, end: 10 });
    assert.deepEqual(read("{'a':\t1,\t'b' :\t2\t}"), { values: { a: 1, b: 2 }, end: 18 });
    assert.deepEqual(read(`{"a": 1, 'b': "it's", 'c': 3}`), { values: { a: 1, c: 3 }, end: 29 });
    assert.deepEqual(read(String.raw`{'it\'s': 1, "say \"hi\"": 2, 'back\\': 3, 'n': 4}`)?.values, { "it's": 1, 'say "hi"': 2, 'back\\': 3, n: 4 });
  });

  it('reads inf with and without a sign, 1e5, .5 and 1_000 as Python does', () => {
    const d = parsePythonDict("{'a': inf, 'b': +inf, 'c': -inf, 'd': 1e5, 'e': .5, 'f': -.5e-1, 'g': 1_000, 'h': -nan}", 0)!;
    assert.deepEqual(Object.fromEntries(d.values), { a: Infinity, b: Infinity, c: -Infinity, d: 100000, e: 0.5, f: -0.05, g: 1000, h: NaN });
  });

  it("reads numpy 2's quoted longdouble repr", () => {
    const d = parsePythonDict(`{'eval_loss': np.longdouble('0.25'), 'x': np.longdouble("-inf"), 'epoch': 1.0}`, 0)!;
    assert.deepEqual(
      [...d.values],
      [
        ['eval_loss', 0.25],
        ['x', -Infinity],
        ['epoch', 1],
      ],
    );
  });

  it('skips tuples, nested dicts, calls, wrapped non-numbers and bare names, keeping the numbers after them', () => {
    const values = [
      '(0.9, 0.999)',
      "{'b': 1, 'c': (2, 3)}",
      'datetime.timedelta(seconds=95, microseconds=1)',
      'tensor([1.5, 2.5])',
      '[\'a]b\', "c)d", \'(\', "{"]',
      'inference',
      'nanny',
      'torch.float16',
      'ShardingStrategy.FULL_SHARD',
      'cuda0',
      'Z9',
      'lazy',
      'None',
    ];
    for (const value of values) {
      const text = `{'x': ${value}, 'loss': 0.5}`;
      const d = parsePythonDict(text, 0);
      assert.deepEqual(d && [...d.values], [['loss', 0.5]], text);
      assert.equal(d?.end, text.length, text);
    }
  });

  it('refuses separators other than colon and comma, missing values, and text that is not a dict', () => {
    for (const text of ["{'a'; 1}", "{'a' 12}", "{'a': 1; 'b': 2}", "{'a': }", "{'a': , 'b': 1}", "{'a': -., 'b': 1}", "{'a': ['x", "x'a': 1}", '{0: 1, 10: 2}'])
      assert.equal(parsePythonDict(text, 0), undefined, text);
    // A dict cut off inside a value, whatever precedes it on the line.
    for (const text of ["}{'a': tensor(1.5", "}{'a': [1, 2", "}{'a': max(1, 2"]) assert.equal(parsePythonDict(text, 1), undefined, text);
  });

  it('reads a 200 kB line in linear time (no backtracking)', () => {
    const big = `{'a': '${'x'.repeat(200_000)}', 'loss': 1.5}`;
    const started = performance.now();
    assert.equal(parsePythonDict(big, 0)!.values.get('loss'), 1.5);
    assert.ok(performance.now() - started < 500);
  });
});

describe('TrainerLogParser', () => {
  it('reads the Trainer dicts, the banner, tqdm bars and the metrics blocks of one host', () => {
    const p = new TrainerLogParser();
    const lines = [
      '***** Running training *****',
      '  Num examples = 14,732',
      '  Num Epochs = 3',
      '  Instantaneous batch size per device = 8',
      '  Total train batch size (w. parallel, distributed & accumulation) = 32',
      '  Gradient Accumulation steps = 1',
      '  Total optimization steps = 1,383',
      '  Number of trainable parameters = 406,291,456',
      '  0%|          | 0/1383 [00:00<?, ?it/s]\r  7%|▋         | 100/1383 [01:20<17:06,  1.25it/s]',
      "\r  7%|▋         | 100/1383 [01:20<17:06,  1.25it/s]{'loss': 2.1503, 'grad_norm': 7.91, 'learning_rate': 4.64e-05, 'epoch': 0.22}",
      " 14%|█▍        | 200/1383 [02:40<15:46,  1.25it/s]{'loss': 1.6022, 'grad_norm': 5.2, 'learning_rate': 4.28e-05, 'epoch': 0.43}",
      "{'eval_loss': 1.5123, 'eval_rouge1': np.float64(41.8), 'eval_runtime': 95.1, 'eval_samples_per_second': 8.6, 'eval_steps_per_second': 1.08, 'epoch': 1.0}",
      "{'train_runtime': 1107.3, 'train_samples_per_second': 39.9, 'train_steps_per_second': 1.249, 'train_loss': 1.71, 'epoch': 3.0}",
      '***** train metrics *****',
      '  epoch                    =        3.0',
      '  total_flos               = 13204758GF',
      '  train_loss               =       1.71',
      '  train_runtime            = 0:18:27.30',
      '  train_samples            =      14732',
      '  train_samples_per_second =     39.914',
      'Saving model checkpoint to /opt/ml/model',
    ];
    lines.forEach((l, i) => p.feed('algo-1', T0 + i * 1000, l));
    assert.deepEqual(
      series(p, 'algo-1', 'loss').map(([, v]) => v),
      [2.1503, 1.6022],
    );
    assert.deepEqual(
      series(p, 'algo-1', 'grad_norm').map(([, v]) => v),
      [7.91, 5.2],
    );
    assert.deepEqual(series(p, 'algo-1', 'eval_rouge1'), [[T0 + 11 * 1000, 41.8]]);
    assert.deepEqual(series(p, 'algo-1', 'train_runtime'), [[T0 + 12 * 1000, 1107.3]]);
    // The block's train_loss repeats the dict's (one point); its runtime is H:MM:SS.ss and also 1107.3 s.
    assert.equal(series(p, 'algo-1', 'train_loss').length, 1);
    assert.equal(series(p, 'algo-1', 'epoch').length, 0, 'the epoch is progress, not a curve');
    assert.equal(series(p, 'algo-1', 'total_flos').length, 0);
    const [progress] = p.progress(T0 + 21 * 1000);
    assert.equal(progress!.maxSteps, 1383);
    assert.equal(progress!.numEpochs, 3);
    assert.equal(progress!.totalBatchSize, 32);
    assert.equal(progress!.epoch, 3);
    assert.equal(p.allSeries().find((s) => s.name === 'train_samples_per_second')!.unit, 'Count/Second');
  });

  it('gives steps/s, samples/s and an ETA from the bars while training runs', () => {
    const p = new TrainerLogParser();
    p.feed('algo-1', T0, '  Total train batch size (w. parallel, distributed & accumulation) = 16');
    p.feed('algo-1', T0, '  Total optimization steps = 1,000');
    p.feed('algo-1', T0 + 1000, '  1%|          | 10/1000 [00:08<13:12,  1.25it/s]');
    p.feed('algo-1', T0 + 101_000, ' 26%|██▌       | 260/1000 [03:28<09:52,  1.25it/s]');
    // An evaluation bar (another total) must not move the training step.
    p.feed('algo-1', T0 + 102_000, ' 50%|█████     | 25/50 [00:05<00:05,  4.90it/s]');
    const [pr] = p.progress(T0 + 101_000);
    assert.equal(pr!.step, 260);
    assert.equal(pr!.stepsPerSecond, 2.5);
    assert.equal(pr!.samplesPerSecond, 40);
    assert.equal(pr!.etaSeconds, (1000 - 260) / 2.5);
  });

  it('keeps hosts apart and strips MPI rank prefixes', () => {
    const p = new TrainerLogParser();
    p.feed('algo-1', T0, "[1,0]<stdout>:{'loss': 1.5, 'learning_rate': 5e-05, 'epoch': 0.1}");
    p.feed('algo-2', T0, "[1,8]<stdout>:{'loss': 1.7, 'learning_rate': 5e-05, 'epoch': 0.1}");
    assert.deepEqual(series(p, 'algo-1', 'loss'), [[T0, 1.5]]);
    assert.deepEqual(series(p, 'algo-2', 'loss'), [[T0, 1.7]]);
  });

  it('applies metric_definitions as SageMaker does (search, first group) and reports the unusable ones', () => {
    const p = new TrainerLogParser([
      { Name: 'rouge', Regex: "'eval_rouge1': ([0-9.]+)" },
      { Name: 'named', Regex: '(?P<v>[0-9.]+) samples/s' },
      { Name: 'broken', Regex: '([0-9' },
      { Name: 'nogroup', Regex: 'loss' },
    ]);
    p.feed('algo-1', T0, "{'eval_loss': 1.2, 'eval_rouge1': 40.5, 'epoch': 1.0}");
    p.feed('algo-1', T0 + 1, 'throughput 12.5 samples/s');
    assert.deepEqual(series(p, 'algo-1', 'rouge'), [[T0, 40.5]]);
    assert.deepEqual(series(p, 'algo-1', 'named'), [[T0 + 1, 12.5]]);
    assert.equal(p.problems.length, 2);
    assert.match(p.problems[0]!, /metric_definitions\[2\] \(broken\)/);
    assert.match(p.problems[1]!, /no capture group/);
    assert.equal(typeof compileDefinition({ Name: 'x', Regex: '(?i)LOSS: (\\d+)' }), 'object');
  });

  it('hands out only new points with takeNew', () => {
    const p = new TrainerLogParser();
    p.feed('algo-1', T0, "{'loss': 1.5, 'epoch': 0.1}");
    assert.equal(p.takeNew()[0]!.points.length, 1);
    assert.deepEqual(p.takeNew(), []);
    p.feed('algo-1', T0 + 10, "{'loss': 1.4, 'epoch': 0.2}");
    assert.deepEqual(p.takeNew()[0]!.points, [[T0 + 10, 1.4]]);
  });

  it('parses 100,000 lines in chunks of 5,000, each well under a second', () => {
    const p = new TrainerLogParser([{ Name: 'loss_re', Regex: "'loss': ([0-9.]+)" }]);
    let worst = 0;
    for (let chunk = 0; chunk < 20; chunk++) {
      const started = performance.now();
      for (let i = chunk * 5000; i < (chunk + 1) * 5000; i++) {
        const line =
          i % 4 === 0
            ? `{'loss': ${(2 - i / 100_000).toFixed(4)}, 'grad_norm': 3.1, 'learning_rate': 5e-05, 'epoch': ${(i / 50_000).toFixed(2)}}`
            : `${i % 100}%|█| ${i}/100000 [00:01<00:01, 1.0it/s]`;
        p.feed('algo-1', T0 + i, line);
      }
      worst = Math.max(worst, performance.now() - started);
    }
    assert.equal(series(p, 'algo-1', 'loss').length, 25_000);
    assert.ok(worst < 1000, `a chunk took ${worst} ms`);
  });
});

describe('CloudWatch query plan', () => {
  it('asks every host and metric_definitions series in one call for 16 hosts × 5 + 10', () => {
    const hosts = Array.from({ length: 16 }, (_, i) => `algo-${i + 1}`);
    const defs = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const plan = planMetricQueries('job-1', hosts, defs);
    assert.equal(plan.batches.length, 1);
    assert.equal(plan.batches[0]!.length, 90);
    const first = plan.batches[0]![0]!;
    assert.deepEqual(first.MetricStat.Metric, { Namespace: '/aws/sagemaker/TrainingJobs', MetricName: SYSTEM_METRICS[0], Dimensions: [{ Name: 'Host', Value: 'job-1/algo-1' }] });
    const def = plan.batches[0]!.at(-1)!;
    assert.deepEqual(def.MetricStat.Metric.Dimensions, [{ Name: 'TrainingJobName', Value: 'job-1' }]);
  });

  it('splits past 500 queries and maps results back, sorted and de-duplicated', () => {
    const hosts = Array.from({ length: 101 }, (_, i) => `algo-${i + 1}`);
    const plan = planMetricQueries('j', hosts, []);
    assert.deepEqual(
      plan.batches.map((b) => b.length),
      [MAX_QUERIES_PER_CALL, 5],
    );
    const s = seriesFromResults(plan, [{ Id: 'q0', Timestamps: [new Date(T0 + 60_000), new Date(T0), new Date(T0)], Values: [2, 1, 1] }]);
    assert.deepEqual(s[0]!.points, [
      [T0, 1],
      [T0 + 60_000, 2],
    ]);
    assert.equal(s.length, 505);
  });
  it('plans the metric_definitions series without a host, unit None, and no empty call', () => {
    const plan = planMetricQueries('j', ['algo-1'], ['eval_loss', 'eval_loss']);
    assert.equal(plan.series.size, 6);
    assert.deepEqual(plan.series.get('q5'), { name: 'eval_loss', host: null, source: 'sagemaker', unit: 'None' });
    assert.deepEqual(plan.series.get('q0'), { name: SYSTEM_METRICS[0], host: 'algo-1', source: 'system', unit: 'Percent' });
    // 100 hosts × 5 metrics: exactly one full call.
    const hosts = Array.from({ length: 100 }, (_, i) => `algo-${i + 1}`);
    assert.deepEqual(
      planMetricQueries('j', hosts, []).batches.map((b) => b.length),
      [MAX_QUERIES_PER_CALL],
    );
    assert.deepEqual(planMetricQueries('j', [], []).batches, []);
  });

  it('reads results with missing or uneven timestamps and values, and leaves unanswered series empty', () => {
    const plan = planMetricQueries('j', ['algo-1'], []);
    const s = seriesFromResults(plan, [
      { Id: 'q0', Timestamps: [new Date(T0), new Date(T0 + 60_000)], Values: [7] },
      { Id: 'q1', Values: [1, 2] },
      { Id: 'q2', Timestamps: [new Date(T0)] },
      { Id: 'q3', Timestamps: [new Date(T0)], Values: [3, 4] },
    ]);
    assert.deepEqual(
      s.map((x) => [x.name, x.points]),
      [
        ['GPUUtilization', [[T0, 7]]],
        ['GPUMemoryUtilization', []],
        ['CPUUtilization', []],
        ['MemoryUtilization', [[T0, 3]]],
        ['DiskUtilization', []],
      ],
    );
  });
});

describe('series store and JSON', () => {
  it('merges re-read minutes by time and reports only what changed', () => {
    const store = new SeriesStore();
    const base: Omit<MetricSeries, 'points'> = { name: 'CPUUtilization', host: 'algo-1', source: 'system', unit: 'Percent' };
    store.merge([{ ...base, points: [[T0, 1]] }]);
    const changed = store.merge([
      {
        ...base,
        points: [
          [T0, 1],
          [T0 + 60_000, 5],
        ],
      },
    ]);
    assert.deepEqual(changed[0]!.points, [[T0 + 60_000, 5]]);
    assert.deepEqual(
      mergePoints(
        [
          [1, 1],
          [3, 3],
        ],
        [
          [2, 2],
          [3, 4],
        ],
      ),
      [
        [1, 1],
        [2, 2],
        [3, 4],
      ],
    );
    assert.deepEqual(seriesJson({ ...base, points: [[T0, NaN]] }).points, [[T0, null]]);
  });
  it('reports a new series with all its points, a changed minute, and nothing for a repeated poll', () => {
    const store = new SeriesStore();
    const base: Omit<MetricSeries, 'points'> = { name: 'GPUUtilization', host: 'algo-1', source: 'system', unit: 'Percent' };
    const first: MetricSeries = {
      ...base,
      points: [
        [T0, 1],
        [T0 + 60_000, 2],
      ],
    };
    assert.deepEqual(store.merge([first, { ...base, name: 'CPUUtilization', points: [] }]), [first]);
    assert.deepEqual(store.merge([first]), []);
    // CloudWatch re-reads the last minute with its final average.
    assert.deepEqual(store.merge([{ ...base, points: [[T0 + 60_000, 3]] }]), [{ ...base, points: [[T0 + 60_000, 3]] }]);
    assert.deepEqual(
      store.all().map((x) => [x.name, x.points]),
      [
        [
          'GPUUtilization',
          [
            [T0, 1],
            [T0 + 60_000, 3],
          ],
        ],
        ['CPUUtilization', []],
      ],
    );
  });

  it('merges points by time whichever list runs out first, and appends newer points in place', () => {
    const history: Array<[number, number]> = [[1, 1]];
    assert.equal(mergePoints(history, []), history);
    const appended = mergePoints(history, [
      [2, 2],
      [3, 3],
    ]);
    assert.equal(appended, history);
    assert.deepEqual(history, [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    assert.deepEqual(mergePoints([[5, 5]], [[1, 1]]), [
      [1, 1],
      [5, 5],
    ]);
    assert.deepEqual(
      mergePoints(
        [
          [1, 1],
          [3, 3],
          [5, 5],
        ],
        [[2, 2]],
      ),
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [5, 5],
      ],
    );
    assert.deepEqual(
      mergePoints(
        [
          [1, 1],
          [3, 3],
        ],
        [
          [2, 2],
          [4, 4],
        ],
      ),
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ],
    );
    assert.deepEqual(
      mergePoints(
        [
          [1, 1],
          [3, 3],
        ],
        [[3, 4]],
      ),
      [
        [1, 1],
        [3, 4],
      ],
    );
  });

  it('orders training metrics: loss, eval_loss, other eval metrics, learning rate, the rest', () => {
    const names = ['grad_norm', 'learning_rate', 'eval_accuracy', 'epoch_eval_', 'eval_loss', 'train_loss', 'loss'];
    assert.deepEqual(
      names.map((n) => [n, trainingMetricOrder(n)]),
      [
        ['grad_norm', 4],
        ['learning_rate', 3],
        ['eval_accuracy', 2],
        ['epoch_eval_', 4],
        ['eval_loss', 1],
        ['train_loss', 0],
        ['loss', 0],
      ],
    );
  });
});

describe('warnings', () => {
  const sys = (name: string, host: string, points: Array<[number, number]>): MetricSeries => ({ name, host, source: 'system', unit: 'Percent', points });
  const minutes = (n: number, v: number): Array<[number, number]> => Array.from({ length: n }, (_, i) => [T0 + i * 60_000, v]);

  it('GPUs idle for 15 minutes while InProgress, normalised by GPUs per host', () => {
    const now = T0 + 16 * 60_000;
    const idle = sys('GPUUtilization', 'algo-2', minutes(17, 30)); // 4 GPUs: 7.5 % each
    const busy = sys('GPUUtilization', 'algo-1', minutes(17, 300));
    const w = jobWarnings({ status: 'InProgress', series: [idle, busy], progress: [], gpusPerHost: 4, now });
    assert.deepEqual(
      w.map((x) => [x.kind, x.host]),
      [['gpu-idle', 'algo-2']],
    );
    assert.match(w[0]!.action, /data loading|stop the job/);
    assert.deepEqual(jobWarnings({ status: 'Completed', series: [idle], progress: [], gpusPerHost: 4, now }), []);
    // Ten minutes of data cannot say fifteen minutes idle.
    assert.deepEqual(jobWarnings({ status: 'InProgress', series: [sys('GPUUtilization', 'algo-2', minutes(10, 0))], progress: [], gpusPerHost: 4, now: T0 + 9 * 60_000 }), []);
  });

  it('GPU memory at its ceiling, disk nearly full, NaN and diverging loss, a straggler', () => {
    const log = (points: Array<[number, number]>): MetricSeries => ({ name: 'loss', host: 'algo-1', source: 'log', unit: 'None', points });
    const w = jobWarnings({
      status: 'InProgress',
      series: [sys('GPUMemoryUtilization', 'algo-1', [[T0, 390]]), sys('DiskUtilization', 'algo-2', [[T0, 93]]), log([[T0, NaN]])],
      progress: [
        { host: 'algo-1', stepsPerSecond: 2, step: 10, maxSteps: 100 },
        { host: 'algo-2', stepsPerSecond: 0.5, step: 3, maxSteps: 100 },
      ],
      gpusPerHost: 4,
      now: T0,
    });
    assert.deepEqual(w.map((x) => x.kind).sort(), ['disk-full', 'gpu-memory-ceiling', 'loss-nan', 'straggler']);
    assert.equal(w.find((x) => x.kind === 'straggler')!.host, 'algo-2');
    assert.match(w.find((x) => x.kind === 'disk-full')!.action, /volume_size/);
    const rising = log(Array.from({ length: 12 }, (_, i) => [T0 + i, i < 8 ? 1 - i * 0.1 : 2 + i] as [number, number]));
    assert.deepEqual(
      jobWarnings({ status: 'InProgress', series: [rising], progress: [], now: T0 }).map((x) => x.kind),
      ['loss-diverging'],
    );
    const falling = log(Array.from({ length: 12 }, (_, i) => [T0 + i, 2 - i * 0.1] as [number, number]));
    assert.deepEqual(jobWarnings({ status: 'InProgress', series: [falling], progress: [], now: T0 }), []);
  });
});

describe('chart layout', () => {
  it('reduces a long series to at most four points per pixel column, keeping the extremes', () => {
    const points: Array<[number, number]> = Array.from({ length: 100_000 }, (_, i) => [i, i % 2 === 0 ? 0 : 10]);
    const xy = layoutLine(points, { min: 0, max: 99_999 }, { min: 0, max: 10 }, { left: 0, top: 0, width: 100, height: 50 });
    assert.ok(xy.length / 2 <= 101 * 4, `${xy.length / 2} points`);
    const ys = new Set<number>();
    for (let i = 1; i < xy.length; i += 2) ys.add(xy[i]!);
    assert.deepEqual([...ys].sort(), [0, 50]);
  });

  it('breaks the line at a non-finite value', () => {
    const xy = layoutLine(
      [
        [0, 1],
        [1, NaN],
        [2, 1],
      ],
      { min: 0, max: 2 },
      { min: 0, max: 2 },
      { left: 0, top: 0, width: 200, height: 10 },
    );
    assert.ok(Number.isNaN(xy[2]!));
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('local system figures', () => {
  it('sums CPU ticks and RSS over a process group from /proc/<pid>/stat', () => {
    // Field 2 holds spaces and a ')' of its own; pgrp is field 5, utime/stime 14/15, rss 24.
    const stat = (pid: number, pgrp: number, utime: number, stime: number, rss: number) =>
      `${pid} (python3 (x) y) S 1 ${pgrp} ${pgrp} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 3 0 100 1000000 ${rss} 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0`;
    const stats = new Map([
      [10, stat(10, 10, 100, 50, 1000)],
      [11, stat(11, 10, 20, 5, 500)],
      [12, stat(12, 99, 999, 999, 999)],
    ]);
    assert.deepEqual(groupSample(stats, 10, 4096, 5), { ticks: 175, rssBytes: 1500 * 4096, at: 5 });
    assert.equal(groupSample(stats, 7, 4096, 5), undefined);
  });

  it('reads nvidia-smi csv', () => {
    assert.deepEqual(parseNvidiaSmi('87, 30000, 40000\n3, 0, 40000\n'), [
      { utilizationPercent: 87, memoryPercent: 75 },
      { utilizationPercent: 3, memoryPercent: 0 },
    ]);
    assert.deepEqual(parseNvidiaSmi('[N/A], 1, 2\n'), []);
  });
});
