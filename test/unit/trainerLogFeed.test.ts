// TrainerLogParser.feed line by line: which keys become curves, MPI rank prefixes, tqdm's carriage
// returns, where a log_metrics block starts and ends, how its values (runtimes included) are read,
// the line count, and what allSeries/takeNew hand out.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrainerLogParser } from '../../src/core/metrics/trainerLog';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

function feedAll(p: TrainerLogParser, lines: string[], host = 'algo-1'): void {
  lines.forEach((l, i) => p.feed(host, T0 + i * 1000, l));
}

/** Every series as `name: values` (host algo-1), in the parser's order. */
function curves(p: TrainerLogParser): Record<string, number[]> {
  return Object.fromEntries(p.allSeries().map((s) => [s.name, s.points.map(([, v]) => v)]));
}

describe('TrainerLogParser: construction and counting', () => {
  it('has no problems without definitions and counts every line fed', () => {
    const p = new TrainerLogParser();
    assert.deepEqual(p.problems, []);
    assert.equal(p.lineCount, 0);
    feedAll(p, ['hello', "{'loss': 1.5, 'epoch': 0.1}", '']);
    assert.equal(p.lineCount, 3);
  });
});

describe('TrainerLogParser: which dict keys are curves', () => {
  it('leaves out epoch, step, total_flos, tokens seen and the sample counts', () => {
    const p = new TrainerLogParser();
    p.feed(
      'algo-1',
      T0,
      "{'loss': 0.5, 'epoch': 1.0, 'total_flos': 1.2e15, 'step': 100, 'num_input_tokens_seen': 51200, 'train_samples': 800, 'eval_samples': 200, 'test_samples': 100, 'predict_samples': 50}",
    );
    assert.deepEqual(curves(p), { loss: [0.5] });
  });
});

describe('TrainerLogParser: MPI rank prefixes', () => {
  it('strips [rank,local]<stdout>: and <stderr>: with several digits before a metrics block', () => {
    const p = new TrainerLogParser();
    feedAll(p, ['[10,12]<stdout>:***** eval metrics *****', '[10,12]<stdout>:  eval_loss               =     0.5123', '[10,12]<stderr>:  eval_accuracy           =      0.812']);
    assert.deepEqual(curves(p), { eval_loss: [0.5123], eval_accuracy: [0.812] });
  });

  it('strips the prefix only at the start of the line', () => {
    const p = new TrainerLogParser([{ Name: 'ranked', Regex: '<stdout>:(\\d+)' }]);
    p.feed('algo-1', T0, '[2026-12-07 10:00:00] relayed [1,0]<stdout>:42');
    assert.deepEqual(curves(p), { ranked: [42] });
  });
});

describe('TrainerLogParser: tqdm carriage returns', () => {
  it('reads a bar after a leading carriage return', () => {
    const p = new TrainerLogParser();
    p.feed('algo-1', T0, '\r 10%|█         | 10/100 [00:08<01:12,  1.25it/s]');
    const [pr] = p.progress(T0);
    assert.equal(pr!.step, 10);
    assert.equal(pr!.maxSteps, 100);
  });

  it('applies definitions to what the line finally says, after the last carriage return', () => {
    const p = new TrainerLogParser([{ Name: 'bar_step', Regex: '\\| (\\d+)/100 ' }]);
    p.feed('algo-1', T0, ' 10%|█         | 10/100 [00:08<01:12,  1.25it/s]\r 20%|██        | 20/100 [00:16<01:04,  1.25it/s]');
    assert.deepEqual(curves(p), { bar_step: [20] });
    assert.equal(p.progress(T0)[0]!.step, 20);
  });
});

describe('TrainerLogParser: log_metrics blocks', () => {
  it('needs five stars on each side of the header', () => {
    const p = new TrainerLogParser();
    feedAll(p, ['* eval metrics *****', '  eval_loss = 0.5', '***** test metrics *', '  test_loss = 0.6']);
    assert.deepEqual(curves(p), {});
  });

  it('ends the block at the first line that is not an indented `key = value` row', () => {
    const p = new TrainerLogParser();
    feedAll(p, [
      '***** eval metrics *****',
      '  eval_loss               =     0.5123 ',
      '  eval_note               = 3 of 4',
      '  eval_loss               =     0.9',
      '***** eval metrics *****',
      '  eval_loss               =     0.4',
      'Saving checkpoint: eval_loss = 0.7',
      '  eval_loss               =     0.3',
    ]);
    assert.deepEqual(curves(p), { eval_loss: [0.5123, 0.4] });
  });

  it('reads H:MM:SS.ss runtimes as seconds, with or without the hundredths', () => {
    const p = new TrainerLogParser();
    feedAll(p, ['***** train metrics *****', '  train_runtime            = 0:18:27.30', '  eval_runtime             = 12:34:56.78', '  test_runtime             = 0:00:05']);
    const c = curves(p);
    assert.deepEqual(Object.keys(c), ['train_runtime', 'eval_runtime', 'test_runtime']);
    assert.ok(Math.abs(c.train_runtime![0]! - 1107.3) < 1e-9, String(c.train_runtime));
    assert.ok(Math.abs(c.eval_runtime![0]! - (12 * 3600 + 34 * 60 + 56.78)) < 1e-9, String(c.eval_runtime));
    assert.deepEqual(c.test_runtime, [5]);
    assert.equal(p.allSeries()[0]!.unit, 'Seconds');
  });

  it('reads runtimes of a day or more as Python prints them (`1 day, 2:03:04.30`) and keeps reading the block', () => {
    const p = new TrainerLogParser();
    feedAll(p, [
      '***** train metrics *****',
      '  train_loss               =       1.71',
      '  train_runtime            = 1 day, 2:03:04.30',
      '  train_samples_per_second =      0.399',
      '***** eval metrics *****',
      '  eval_runtime             = 10 days, 0:00:00.50',
    ]);
    const c = curves(p);
    assert.deepEqual(Object.keys(c), ['train_loss', 'train_runtime', 'train_samples_per_second', 'eval_runtime']);
    assert.ok(Math.abs(c.train_runtime![0]! - (86400 + 2 * 3600 + 3 * 60 + 4.3)) < 1e-9, String(c.train_runtime));
    assert.deepEqual(c.train_samples_per_second, [0.399]);
    assert.deepEqual(c.eval_runtime, [864000.5]);
  });

  it('does not take a date-time or a time of day for a runtime', () => {
    const p = new TrainerLogParser();
    feedAll(p, [
      '***** train metrics *****',
      '  started_at               = 2026-12-07T10:00:00',
      '  finished_at              = 10:18:27Z',
      '  train_loss               =       1.71',
    ]);
    assert.deepEqual(curves(p), { train_loss: [1.71] });
  });
});

describe('TrainerLogParser: the "Running training" banner', () => {
  it("reads epochs, steps and batch size bare, through transformers' explicit format and through logging.basicConfig", () => {
    const forms = [
      (m: string) => m,
      (m: string) => `[INFO|trainer.py:1714] 2026-12-07 10:00:00,001 >> ${m}`,
      (m: string) => `12/07/2026 10:00:00 - INFO - transformers.trainer - ${m}`,
    ];
    for (const form of forms) {
      const p = new TrainerLogParser();
      feedAll(
        p,
        [
          '***** Running training *****',
          '  Num examples = 14,732',
          '  Num Epochs = 3',
          '  Total train batch size (w. parallel, distributed & accumulation) = 32',
          '  Total optimization steps = 1,383',
          "{'loss': 1.0, 'epoch': 0.5}",
        ].map(form),
      );
      const [pr] = p.progress(T0 + 10_000);
      assert.deepEqual(
        { numEpochs: pr!.numEpochs, maxSteps: pr!.maxSteps, totalBatchSize: pr!.totalBatchSize, step: pr!.step, epoch: pr!.epoch },
        { numEpochs: 3, maxSteps: 1383, totalBatchSize: 32, step: 231, epoch: 0.5 },
        form('x'),
      );
    }
  });
});

describe('TrainerLogParser: allSeries and takeNew', () => {
  it('keeps every point in allSeries while takeNew hands each out once, per host and name', () => {
    const p = new TrainerLogParser();
    p.feed('algo-1', T0, "{'loss': 1.5, 'learning_rate': 5e-05, 'epoch': 0.1}");
    p.feed('algo-2', T0, "{'loss': 1.7, 'epoch': 0.1}");
    assert.deepEqual(
      p.takeNew().map((s) => [s.host, s.name, s.points]),
      [
        ['algo-1', 'loss', [[T0, 1.5]]],
        ['algo-1', 'learning_rate', [[T0, 5e-5]]],
        ['algo-2', 'loss', [[T0, 1.7]]],
      ],
    );
    p.feed('algo-1', T0 + 10, "{'loss': 1.4, 'epoch': 0.2}");
    assert.deepEqual(
      p.takeNew().map((s) => [s.host, s.name, s.source, s.points]),
      [['algo-1', 'loss', 'log', [[T0 + 10, 1.4]]]],
    );
    assert.deepEqual(p.takeNew(), []);
    assert.deepEqual(
      p.allSeries().map((s) => [s.host, s.name, s.points.length]),
      [
        ['algo-1', 'loss', 2],
        ['algo-1', 'learning_rate', 1],
        ['algo-2', 'loss', 1],
      ],
    );
  });
});
