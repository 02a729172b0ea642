// TrainerLogParser.progress and what feeds it, on Trainer-shaped lines: which hosts are listed, the step and
// epoch read from the Trainer's dicts (the step derived from the epoch once the run's size is known), the
// "Running training" banner, the log_metrics block (one point, not two, for what the final dict said),
// tqdm bars (preprocessing and evaluation bars left out), the ETA from epochs, and a series' points kept in
// time order when lines arrive out of order.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrainerLogParser } from '../../src/core/metrics/trainerLog';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const H = 'algo-1';

function parserWith(lines: Array<[number, string]>, host = H): TrainerLogParser {
  const p = new TrainerLogParser();
  for (const [t, line] of lines) p.feed(host, t, line);
  return p;
}

function points(p: TrainerLogParser, name: string, host = H): Array<[number, number]> {
  return p.allSeries().find((s) => s.host === host && s.name === name)?.points ?? [];
}

const BANNER = (epochs: string, steps: string): Array<[number, string]> => [
  [T0, '***** Running training *****'],
  [T0, '  Num examples = 40,000'],
  [T0, `  Num Epochs = ${epochs}`],
  [T0, '  Total train batch size (w. parallel, distributed & accumulation) = 32'],
  [T0, `  Total optimization steps = ${steps}`],
];

describe('TrainerLogParser.progress: which hosts', () => {
  it('lists a host once it logged a step, an epoch or the run size, in the order hosts first logged', () => {
    const p = new TrainerLogParser();
    p.feed('noise', T0, 'Downloading model.safetensors');
    p.feed('steps', T0, "{'step': 10}");
    p.feed('epochs', T0, "{'loss': 0.5, 'epoch': 0.5}");
    p.feed('banner', T0, '***** Running training *****');
    p.feed('banner', T0, '  Total optimization steps = 1,250');
    assert.deepEqual(p.progress(T0), [
      { host: 'steps', step: 10 },
      { host: 'epochs', epoch: 0.5, updatedAt: T0 },
      { host: 'banner', maxSteps: 1250 },
    ]);
  });
});

describe('TrainerLogParser.progress: the Running-training banner', () => {
  it('reads Num Epochs, the total batch size and Total optimization steps with thousands separators', () => {
    const p = parserWith(BANNER('3', '3,750'));
    assert.deepEqual(p.progress(T0), [{ host: H, maxSteps: 3750, numEpochs: 3, totalBatchSize: 32 }]);
  });

  it('leaves a figure unknown when its row does not hold a number', () => {
    const p = parserWith([...BANNER('unknown', '1,250')]);
    assert.deepEqual(p.progress(T0), [{ host: H, maxSteps: 1250, totalBatchSize: 32 }]);
  });
});

describe('TrainerLogParser.progress: the step and epoch from dicts', () => {
  it('derives the step from the epoch once Num Epochs and Total optimization steps are known', () => {
    const p = parserWith([...BANNER('3', '300'), [T0, "{'loss': 0.5, 'epoch': 1.5}"], [T0 + 10_000, "{'loss': 0.4, 'epoch': 2.0}"]]);
    assert.deepEqual(p.progress(T0 + 10_000), [
      { host: H, step: 200, maxSteps: 300, epoch: 2, numEpochs: 3, totalBatchSize: 32, updatedAt: T0 + 10_000, stepsPerSecond: 5, samplesPerSecond: 160, etaSeconds: 20 },
    ]);
  });

  it('does not move the step back when the epoch says less than the progress bar', () => {
    const p = parserWith([...BANNER('3', '300'), [T0, ' 54%|█████▍    | 162/300 [01:40<01:20,  1.62it/s]'], [T0 + 1000, "{'eval_loss': 0.3, 'epoch': 1.5}"]]);
    const [h] = p.progress(T0 + 1000);
    assert.equal(h!.step, 162);
    assert.equal(h!.epoch, 1.5);
  });

  it('makes up no step from the epoch while the run size is half known', () => {
    const epochsOnly = parserWith([
      [T0, '***** Running training *****'],
      [T0, '  Num Epochs = 3'],
      [T0, "{'loss': 0.5, 'epoch': 1.5}"],
    ]);
    assert.deepEqual(epochsOnly.progress(T0), [{ host: H, epoch: 1.5, numEpochs: 3, updatedAt: T0 }]);
    const stepsOnly = parserWith([
      [T0, '***** Running training *****'],
      [T0, '  Total optimization steps = 300'],
      [T0, "{'loss': 0.5, 'epoch': 1.5}"],
    ]);
    assert.deepEqual(stepsOnly.progress(T0), [{ host: H, maxSteps: 300, epoch: 1.5, updatedAt: T0 }]);
  });

  it('keeps the last epoch and step through dicts without them or with nan', () => {
    const p = parserWith([
      [T0, "{'loss': 0.5, 'epoch': 0.5}"],
      [T0 + 1000, "{'step': 10}"],
      [T0 + 2000, "{'eval_loss': 0.4}"],
      [T0 + 3000, "{'loss': 0.3, 'epoch': nan}"],
      [T0 + 4000, "{'loss': 0.3, 'step': nan}"],
    ]);
    assert.deepEqual(p.progress(T0 + 4000), [{ host: H, step: 10, epoch: 0.5, updatedAt: T0 }]);
  });

  it('estimates the time left from the epochs when no step is known', () => {
    const p = parserWith([
      [T0, '***** Running training *****'],
      [T0, '  Num Epochs = 3'],
      [T0, "{'loss': 0.5, 'epoch': 1.0}"],
      [T0 + 100_000, "{'loss': 0.4, 'epoch': 2.0}"],
    ]);
    assert.deepEqual(p.progress(T0 + 100_000), [{ host: H, epoch: 2, numEpochs: 3, updatedAt: T0 + 100_000, etaSeconds: 100 }]);
  });

  it("keeps the Trainer's own train_samples_per_second through later dicts", () => {
    const p = parserWith([
      [T0, "{'train_runtime': 812.3, 'train_samples_per_second': 52.1, 'train_steps_per_second': 1.6, 'train_loss': 0.5, 'epoch': 3.0}"],
      [T0 + 1000, "{'eval_loss': 0.3, 'epoch': 3.0}"],
    ]);
    assert.deepEqual(p.progress(T0 + 1000), [{ host: H, epoch: 3, updatedAt: T0 + 1000, samplesPerSecond: 52.1 }]);
  });
});

describe('TrainerLogParser: dicts in a line', () => {
  it('reads two dicts printed back to back, double-quoted keys, and a dict after a stray brace', () => {
    const p = parserWith([
      [T0, "{'loss': 0.5, 'epoch': 1.0}{'eval_loss': 0.4, 'epoch': 1.0}"],
      [T0, `{"it's": 0.25}`],
      [T0, "Saving {n} checkpoints {'grad_norm': 4.2}"],
    ]);
    assert.deepEqual(points(p, 'loss'), [[T0, 0.5]]);
    assert.deepEqual(points(p, 'eval_loss'), [[T0, 0.4]]);
    assert.deepEqual(points(p, "it's"), [[T0, 0.25]]);
    assert.deepEqual(points(p, 'grad_norm'), [[T0, 4.2]]);
  });

  it('skips a dict cut short', () => {
    const p = parserWith([[T0, "{'loss': 0."]]);
    assert.deepEqual(p.allSeries(), []);
    assert.deepEqual(p.progress(T0), []);
  });
});

describe('TrainerLogParser: series points in time order', () => {
  it('inserts a line that arrives late at its time, after the points of the same time', () => {
    const p = parserWith([
      [T0 + 30, "{'loss': 1}"],
      [T0 + 10, "{'loss': 2}"],
      [T0 + 20, "{'loss': 3}"],
      [T0 + 10, "{'loss': 4}"],
      [T0 + 40, "{'loss': 5}"],
      [T0 + 40, "{'loss': 6}"],
    ]);
    assert.deepEqual(points(p, 'loss'), [
      [T0 + 10, 2],
      [T0 + 10, 4],
      [T0 + 20, 3],
      [T0 + 30, 1],
      [T0 + 40, 5],
      [T0 + 40, 6],
    ]);
  });
});

describe('TrainerLogParser: the log_metrics block', () => {
  const BLOCK = [
    '***** train metrics *****',
    '  epoch                    =        3.0',
    '  total_flos               =   1234GF',
    '  train_loss               =        0.1',
    '  train_mode               =       done',
    '  train_runtime            = 0:13:32.30',
    '  train_samples            =      40000',
    '  train_samples_per_second =     49.245',
    '  train_steps_per_second   =      1.539',
    '  train_tokens             =      20000',
  ];

  it('gives the epoch and samples per second, and series only for the numbers that are curves', () => {
    const p = parserWith(BLOCK.map((l) => [T0, l]));
    assert.deepEqual(p.progress(T0), [{ host: H, epoch: 3, samplesPerSecond: 49.245 }]);
    assert.deepEqual(
      p.allSeries().map((s) => [s.name, s.points]),
      [
        ['train_loss', [[T0, 0.1]]],
        ['train_runtime', [[T0, 13 * 60 + 32.3]]],
        ['train_samples_per_second', [[T0, 49.245]]],
        ['train_steps_per_second', [[T0, 1.539]]],
        ['train_tokens', [[T0, 20000]]],
      ],
    );
  });

  it('adds no point for what the final dict said, up to its rounding to 4 places, and one for what differs', () => {
    const p = parserWith([
      [T0, "{'train_runtime': 812.3, 'train_samples_per_second': 49.245, 'train_steps_per_second': 1.6, 'train_loss': 0.10004, 'train_tokens': 20002, 'epoch': 3.0}"],
      ...BLOCK.map((l): [number, string] => [T0 + 1, l]),
    ]);
    assert.deepEqual(points(p, 'train_loss'), [[T0, 0.10004]]);
    assert.deepEqual(points(p, 'train_samples_per_second'), [[T0, 49.245]]);
    assert.deepEqual(points(p, 'train_tokens'), [[T0, 20002]]);
    assert.deepEqual(points(p, 'train_steps_per_second'), [
      [T0, 1.6],
      [T0 + 1, 1.539],
    ]);
  });
});

describe('TrainerLogParser.progress: tqdm bars', () => {
  it('leaves out the bars of preprocessing (examples/s, ba/s)', () => {
    const p = new TrainerLogParser();
    p.feed('map', T0, 'Map:  50%|█████     | 500/1000 [00:01<00:01, 480.12 examples/s]');
    p.feed('ba', T0, '100%|██████████| 3/3 [00:00<00:00, 12.50ba/s]');
    assert.deepEqual(p.progress(T0), []);
  });

  it('follows the training bar, not the evaluation bar, and never goes back', () => {
    const bar = (n: number) => ` ${Math.floor(n / 12.5)}%|█         | ${n}/1250 [01:40<15:00,  1.25it/s]`;
    const p = parserWith([
      [T0, bar(125)],
      [T0 + 1000, ' 80%|████████  | 200/250 [00:20<00:05,  9.50it/s]'],
      [T0 + 2000, 'see https://huggingface.co/docs | trainer'],
      [T0 + 5000, bar(125)],
      [T0 + 6000, bar(100)],
    ]);
    assert.deepEqual(p.progress(T0 + 6000), [{ host: H, step: 125, maxSteps: 1250, updatedAt: T0 + 5000 }]);
  });
});
