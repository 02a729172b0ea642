// Compare Runs' table cell by cell (core/jobs/runComparison.ts, from its Managed spot row on): the spot and
// cost cells and when the cost row differs, hyperparameters compared as Python values (None, True, "3"
// against 3, lists, dicts, strings that are not JSON), which of a run's series stands for a metric (the
// log of the lowest algo-N host, else CloudWatch), how final metrics are written, and the order of the
// metric rows and curves. Descriptions are DescribeTrainingJob-shaped answers; nothing is mocked.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobCostFromDescription, localJobCost } from '../../src/core/cost/jobCost';
import { compareRuns } from '../../src/core/jobs/runComparison';
import type { ComparisonRow, RunComparison, RunInput } from '../../src/core/jobs/runComparison';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import type { MetricSeries } from '../../src/core/metrics/metricSeries';
import { completedRun as cloud, NOW, pricedCost, T0 } from './runFixtures';

const priced = pricedCost;
const unpriced = (d: TrainingJobDescription): RunInput['cost'] => jobCostFromDescription(d, () => undefined, NOW);

function run(d: TrainingJobDescription, extra: Partial<RunInput> = {}): RunInput {
  return { origin: 'cloud', description: d, series: [], ...extra };
}

function log(name: string, host: string | null, points: Array<[number, number]>): MetricSeries {
  return { name, host, source: 'log', unit: 'None', points: points.map(([s, v]) => [T0 + s * 1000, v]) };
}

function cloudWatch(name: string, points: Array<[number, number]>): MetricSeries {
  return { name, host: null, source: 'sagemaker', unit: 'None', points: points.map(([s, v]) => [T0 + s * 1000, v]) };
}

function rowOf(c: RunComparison, key: string): ComparisonRow {
  const r = c.rows.find((x) => x.key === key);
  assert.ok(r, `no row ${key} in ${c.rows.map((x) => x.key).join(', ')}`);
  return r;
}

const triples = (r: ComparisonRow) => r.cells.map((x) => [x.value, x.display, x.source]);

describe('compareRuns: the Managed spot row', () => {
  it('says yes or no with its source for cloud runs, and marks the row when they differ', () => {
    const c = compareRuns([run(cloud('spot', { EnableManagedSpotTraining: true })), run(cloud('on-demand', { EnableManagedSpotTraining: false })), run(cloud('unset'))], NOW);
    const spot = rowOf(c, 'job.spot');
    assert.equal(spot.label, 'Managed spot');
    assert.deepEqual(triples(spot), [
      [true, 'yes', 'EnableManagedSpotTraining (DescribeTrainingJob)'],
      [false, 'no', 'EnableManagedSpotTraining (DescribeTrainingJob)'],
      [false, 'no', 'EnableManagedSpotTraining (DescribeTrainingJob)'],
    ]);
    assert.equal(spot.differs, true);
    assert.equal(rowOf(compareRuns([run(cloud('a', { EnableManagedSpotTraining: false })), run(cloud('b'))], NOW), 'job.spot').differs, false, 'false and unset are both "no"');
  });
});

describe('compareRuns: the Cost row', () => {
  it('shows "no price" with the reason when the instance type has no known price', () => {
    const d = cloud('no-price');
    const c = compareRuns([run(d, { cost: unpriced(d) }), run(cloud('not-read'), { costProblem: 'AWS denied pricing:GetProducts' })], NOW);
    const cost = rowOf(c, 'job.cost');
    assert.equal(cost.label, 'Cost');
    assert.deepEqual(cost.cells, [
      { value: null, display: 'no price', source: 'no price is known for ml.g5.xlarge' },
      { value: null, display: 'not priced', source: 'AWS denied pricing:GetProducts' },
    ]);
    // Two runs without a figure, for different reasons, are marked like any other row whose cells read differently.
    assert.equal(cost.differs, true);
  });

  it('does not mark $0 (local) against a cloud job that cost $0.00, and marks $0 against one not priced', () => {
    const free = cloud('free', { TrainingTimeInSeconds: 0, BillableTimeInSeconds: 0 });
    const local = run(cloud('here'), { origin: 'local', cost: localJobCost('here') });
    const same = rowOf(compareRuns([local, run(free, { cost: priced(free) })], NOW), 'job.cost');
    assert.deepEqual(
      same.cells.map((x) => [x.value, x.display]),
      [
        [0, '$0 (local)'],
        [0, '$0.00'],
      ],
    );
    assert.equal(same.differs, false);
    const other = rowOf(compareRuns([local, run(cloud('unknown'), { costProblem: 'no region' })], NOW), 'job.cost');
    assert.deepEqual(
      other.cells.map((x) => [x.value, x.display]),
      [
        [0, '$0 (local)'],
        [null, 'not priced'],
      ],
    );
    assert.equal(other.differs, true);
  });
});

describe('compareRuns: hyperparameters as Python values', () => {
  const hps = (c: RunComparison, name: string) => rowOf(c, `hyperparameters.${name}`);

  it('says where a value not set would have come from, for a cloud and a local run', () => {
    const c = compareRuns([run(cloud('with', { HyperParameters: { epochs: '3' } })), run(cloud('without', { HyperParameters: {} }), { origin: 'local' })], NOW);
    assert.deepEqual(triples(hps(c, 'epochs')), [
      ['n:3', '3', 'HyperParameters (DescribeTrainingJob)'],
      [null, 'not set', 'HyperParameters (job.json (local job folder))'],
    ]);
  });

  it('compares a value that is not JSON as its raw text', () => {
    const c = compareRuns(
      [run(cloud('a', { HyperParameters: { optim: 'adamw', scheduler: 'linear' } })), run(cloud('b', { HyperParameters: { optim: 'sgd', scheduler: 'linear' } }))],
      NOW,
    );
    assert.deepEqual(triples(hps(c, 'optim')), [
      ['raw:adamw', 'adamw', 'HyperParameters (DescribeTrainingJob)'],
      ['raw:sgd', 'sgd', 'HyperParameters (DescribeTrainingJob)'],
    ]);
    assert.equal(hps(c, 'optim').differs, true);
    assert.equal(hps(c, 'scheduler').differs, false);
  });

  it('gives each kind of value its own comparable form', () => {
    const c = compareRuns(
      [
        run(
          cloud('kinds', {
            HyperParameters: {
              none: 'null',
              yes: 'true',
              no: 'false',
              int: '3',
              float: '2.5',
              str: '"3"',
              list: '[1, 2.0, "x", [true]]',
              dict: '{"a": 1, "b": [false, null], "c": {"d": "e"}}',
              empty: '{}',
            },
          }),
        ),
      ],
      NOW,
    );
    assert.deepEqual(
      c.rows.filter((r) => r.section === 'hyperparameters').map((r) => [r.label, r.cells[0]!.value]),
      [
        ['none', 'None'],
        ['yes', 'True'],
        ['no', 'False'],
        ['int', 'n:3'],
        ['float', 'n:2.5'],
        ['str', 's:"3"'],
        ['list', '[n:1,n:2,s:"x",[True]]'],
        ['dict', '{"a":n:1,"b":[False,None],"c":{"d":s:"e"}}'],
        ['empty', '{}'],
      ],
    );
  });

  it('marks None against False, "3" against 3 and differing items; not 1 against 1.0 inside a list or dict', () => {
    const a = { n: 'null', s: '"3"', name: '"bert"', list: '[1, 2]', dict: '{"a": 1}', other: '[1, 2]', keys: '{"a": 1}' };
    const b = { n: 'false', s: '3', name: '"roberta"', list: '[1.0, 2.0]', dict: '{"a": 1.0}', other: '[1, 3]', keys: '{"b": 1}' };
    const c = compareRuns([run(cloud('a', { HyperParameters: a })), run(cloud('b', { HyperParameters: b }))], NOW);
    assert.deepEqual(
      c.rows.filter((r) => r.section === 'hyperparameters').map((r) => [r.label, r.differs]),
      [
        ['n', true],
        ['s', true],
        ['name', true],
        ['list', false],
        ['dict', false],
        ['other', true],
        ['keys', true],
      ],
    );
  });

  it('compares an int and an integral float at any size as Python does: 10**21 == 1e21, 10**22 + 1 != 1e22', () => {
    const a = { big: '1000000000000000000000', bigger: '10000000000000000000001', three: '3' };
    const b = { big: '1e21', bigger: '1e22', three: '3.0' };
    const c = compareRuns([run(cloud('int', { HyperParameters: a })), run(cloud('float', { HyperParameters: b }))], NOW);
    assert.deepEqual(
      c.rows.filter((r) => r.section === 'hyperparameters').map((r) => [r.label, r.differs, r.cells[1]!.display]),
      [
        ['big', false, '1e21'],
        ['bigger', true, '1e22'],
        ['three', false, '3.0'],
      ],
    );
    assert.deepEqual(hps(c, 'big').cells[1]!.value, 'n:1000000000000000000000');
  });
});

describe("compareRuns: which of a run's series stands for a metric", () => {
  /** The host (or CloudWatch) each run's loss cell and curve came from. */
  function picked(...seriesPerRun: MetricSeries[][]): string[] {
    const c = compareRuns(
      seriesPerRun.map((series, i) => run(cloud(`run-${i}`), { series })),
      NOW,
    );
    const cells = rowOf(c, 'metrics.loss').cells.map((x) => x.source);
    const lines = c.curves.find((k) => k.metric === 'loss')!.lines;
    assert.deepEqual(
      lines.map((l) => cells[l.run]!.startsWith(l.from)),
      lines.map(() => true),
      'the curve comes from the series the cell does',
    );
    return cells.map((s) => (s ?? '').replace(/ \(last of \d+ values?\)$/, ''));
  }

  it('takes the lowest-numbered algo-N host by number, not by text, in either order', () => {
    const two = log('loss', 'algo-2', [[10, 2]]);
    const ten = log('loss', 'algo-10', [[10, 10]]);
    const one = log('loss', 'algo-1', [[10, 1]]);
    assert.deepEqual(picked([ten, two], [two, ten], [one, two], [two, one]), ['the log, algo-2', 'the log, algo-2', 'the log, algo-1', 'the log, algo-1']);
  });

  it('ranks only hosts named exactly algo-N: algo-2 before algo-1-profiler and my-algo-1', () => {
    const two = log('loss', 'algo-2', [[10, 2]]);
    assert.deepEqual(picked([log('loss', 'algo-1-profiler', [[10, 1]]), two], [log('loss', 'my-algo-1', [[10, 1]]), two], [two, log('loss', 'algo-1-profiler', [[10, 1]])]), [
      'the log, algo-2',
      'the log, algo-2',
      'the log, algo-2',
    ]);
  });

  it('puts an algo-N host before one otherwise named or unnamed (a log without a host is "job")', () => {
    const ten = log('loss', 'algo-10', [[10, 10]]);
    const unnamed = log('loss', null, [[10, 0]]);
    const worker = log('loss', 'worker', [[10, 0]]);
    assert.deepEqual(picked([unnamed, ten], [ten, unnamed], [worker, ten], [unnamed]), ['the log, algo-10', 'the log, algo-10', 'the log, algo-10', 'the log, job']);
  });

  it('orders other hosts by name, an unnamed one first', () => {
    const a = log('loss', 'a-host', [[10, 1]]);
    const b = log('loss', 'b-host', [[10, 2]]);
    const main = log('loss', 'Main', [[10, 3]]);
    const unnamed = log('loss', null, [[10, 4]]);
    assert.deepEqual(picked([a, b], [b, a], [main, unnamed], [unnamed, main]), ['the log, a-host', 'the log, a-host', 'the log, job', 'the log, job']);
  });

  it("prefers any host's log to CloudWatch, listed before or after it", () => {
    const cw = cloudWatch('loss', [[10, 9]]);
    const worker = log('loss', 'worker', [[10, 1]]);
    const algo = log('loss', 'algo-3', [[10, 3]]);
    assert.deepEqual(picked([cw, worker], [worker, cw], [cw, algo], [cw]), ['the log, worker', 'the log, worker', 'the log, algo-3', 'CloudWatch (metric_definitions)']);
  });

  it('ignores a series without points: CloudWatch stands in for an empty log series', () => {
    const c = compareRuns([run(cloud('empty-log'), { series: [log('eval_loss', 'algo-1', []), cloudWatch('eval_loss', [[30, 0.4]])] })], NOW);
    assert.deepEqual(rowOf(c, 'metrics.eval_loss').cells, [{ value: 0.4, display: '0.4', source: 'CloudWatch (metric_definitions) (last of 1 value)' }]);
    assert.deepEqual(
      c.curves.map((k) => k.lines.map((l) => [l.source, l.host, l.points])),
      [[['sagemaker', null, [[30_000, 0.4]]]]],
    );
    const none = compareRuns([run(cloud('only-empty'), { series: [log('loss', 'algo-1', [])] })], NOW);
    assert.deepEqual(
      none.rows.filter((r) => r.section === 'metrics'),
      [],
    );
    assert.deepEqual(none.curves, []);
  });

  it('says how many values the last one was taken from', () => {
    const c = compareRuns(
      [
        run(cloud('three'), {
          series: [
            log('loss', 'algo-1', [
              [10, 3],
              [20, 2],
              [30, 1],
            ]),
          ],
        }),
        run(cloud('one'), { series: [log('loss', 'algo-1', [[10, 5]])] }),
      ],
      NOW,
    );
    assert.deepEqual(
      rowOf(c, 'metrics.loss').cells.map((x) => x.source),
      ['the log, algo-1 (last of 3 values)', 'the log, algo-1 (last of 1 value)'],
    );
  });
});

describe('compareRuns: final metrics', () => {
  it('writes a final metric with six significant digits, and below 0.001 or from a million on in exponent form', () => {
    const values: Array<[string, number]> = [
      ['m_zero', 0],
      ['m_digits', 0.123456789],
      ['m_small', 0.00005],
      ['m_thousandth', 0.001],
      ['m_under', 0.000999],
      ['m_negative_small', -0.0002],
      ['m_large', 999_999.4],
      ['m_million', 1_000_000],
      ['m_over', 1_234_567],
      ['m_nan', NaN],
      ['m_inf', Infinity],
    ];
    const c = compareRuns([run(cloud('final', { FinalMetricDataList: values.map(([MetricName, Value]) => ({ MetricName, Value })) }))], NOW);
    assert.deepEqual(
      values.map(([name]) => {
        const x = rowOf(c, `metrics.${name}`).cells[0]!;
        return [name, x.display, x.value];
      }),
      [
        ['m_zero', '0', 0],
        ['m_digits', '0.123457', 0.123456789],
        ['m_small', '5.000e-5', 0.00005],
        ['m_thousandth', '0.001', 0.001],
        ['m_under', '9.990e-4', 0.000999],
        ['m_negative_small', '-2.000e-4', -0.0002],
        ['m_large', '999999', 999_999.4],
        ['m_million', '1.000e+6', 1_000_000],
        ['m_over', '1.235e+6', 1_234_567],
        ['m_nan', 'NaN', null],
        ['m_inf', 'Infinity', null],
      ],
    );
    assert.equal(rowOf(c, 'metrics.m_zero').cells[0]!.source, 'FinalMetricDataList (DescribeTrainingJob)');
  });

  it('skips FinalMetricDataList entries without a name or a value (the log stands in)', () => {
    const d = cloud('partial', { FinalMetricDataList: [{ Value: 1 }, { MetricName: 'eval_loss' }, { MetricName: 'eval_acc', Value: 0.9 }] });
    const c = compareRuns([run(d, { series: [log('eval_loss', 'algo-1', [[10, 0.3]])] })], NOW);
    assert.deepEqual(
      c.rows.filter((r) => r.section === 'metrics').map((r) => [r.key, ...r.cells.map((x) => [x.value, x.source])]),
      [
        ['metrics.eval_loss', [0.3, 'the log, algo-1 (last of 1 value)']],
        ['metrics.eval_acc', [0.9, 'FinalMetricDataList (DescribeTrainingJob)']],
      ],
    );
  });

  it("takes a local run's final metrics from its log, never from a FinalMetricDataList in its job.json", () => {
    const d = cloud('local', { FinalMetricDataList: [{ MetricName: 'loss', Value: 7 }] });
    const c = compareRuns([run(d, { origin: 'local', series: [log('loss', 'algo-1', [[10, 0.5]])] })], NOW);
    assert.deepEqual(triples(rowOf(c, 'metrics.loss')), [[0.5, '0.5', 'the log, algo-1 (last of 1 value)']]);
  });
});

describe('compareRuns: the order of metric rows and curves', () => {
  it('loss first, then eval_loss, the other eval_* metrics, the learning rate, the rest, each kind alphabetically', () => {
    const names = ['zeta', 'alpha', 'learning_rate', 'eval_bleu', 'eval_acc', 'eval_loss', 'train_loss', 'loss'];
    const c = compareRuns([run(cloud('ordered'), { series: names.map((n, i) => log(n, 'algo-1', [[10 + i, i]])) })], NOW);
    const expected = ['loss', 'train_loss', 'eval_loss', 'eval_acc', 'eval_bleu', 'learning_rate', 'alpha', 'zeta'];
    assert.deepEqual(
      c.rows.filter((r) => r.section === 'metrics').map((r) => r.label),
      expected,
    );
    assert.deepEqual(
      c.curves.map((k) => k.metric),
      expected,
    );
  });
});
