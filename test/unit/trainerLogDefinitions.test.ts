// The helpers around the Trainer log parser: what SageMaker reads with a metric definition (readDefinition), the
// Trainer's metric lines and the definition made for them, how a Python regular expression is translated
// (compileDefinition), the units, the tqdm bar reader, the metrics-block values, and each host's progress
// (rates over the kept observations, the samples per second, the ETA from the steps or the epochs).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricDefinition } from '../../src/core/metrics/trainerLog';
import { compileDefinition, readDefinition, TrainerLogParser, trainerMetricDefinition, trainerMetricLines, unitOf } from '../../src/core/metrics/trainerLog';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const H = 'algo-1';

/** A tqdm training bar as the Trainer prints it. */
function bar(step: number, total: number): string {
  const pct = Math.floor((step / total) * 100);
  return `${String(pct).padStart(3)}%|█         | ${step}/${total} [00:19<01:21,  1.00it/s]`;
}

function feedAll(parser: TrainerLogParser, lines: Array<[number, string]>): void {
  for (const [t, line] of lines) parser.feed(H, t, line);
}

function progressOf(lines: Array<[number, string]>, now: number): ReturnType<TrainerLogParser['progress']> {
  const parser = new TrainerLogParser();
  feedAll(parser, lines);
  return parser.progress(now);
}

function compiled(d: MetricDefinition): { name: string; regex: RegExp } {
  const c = compileDefinition(d);
  assert.equal(typeof c, 'object', String(c));
  return c as { name: string; regex: RegExp };
}

describe('readDefinition (what SageMaker takes from a line)', () => {
  it('is undefined when the expression does not match or its first group took no part', () => {
    assert.equal(readDefinition(/loss=(\d+)/, 'acc=3'), undefined);
    assert.equal(readDefinition(/a(b)?c/, 'ac'), undefined);
  });

  it('reads the group as float() would: trimmed, signs and exponents, nan in any case', () => {
    const v = /v=(.*);/;
    assert.deepEqual(readDefinition(v, 'v= 0.5 ;'), { captured: ' 0.5 ', value: 0.5 });
    assert.deepEqual(readDefinition(v, 'v=-2.5e-3;'), { captured: '-2.5e-3', value: -2.5e-3 });
    assert.deepEqual(readDefinition(v, 'v= nan ;'), { captured: ' nan ', value: NaN });
    for (const nan of ['nan', 'NaN', '-nan', '+NaN']) assert.deepEqual(readDefinition(v, `v=${nan};`), { captured: nan, value: NaN }, nan);
  });

  it('gives no value for text float() refuses: empty, blank, words around nan, hex/octal/binary', () => {
    const v = /v=(.*);/;
    for (const text of ['', '  ', 'xnan', 'nanx', 'n/a', '0x10', '0o17', '0b1', '0X1F']) {
      assert.deepEqual(readDefinition(v, `v=${text};`), { captured: text, value: undefined }, JSON.stringify(text));
    }
  });
});

describe('trainerMetricLines and trainerMetricDefinition', () => {
  it('lists the forms the Trainer prints a metric in, with what prints each', () => {
    assert.deepEqual(trainerMetricLines('eval_accuracy'), [
      { line: "{'eval_accuracy': 0.4123, 'epoch': 1.0}", value: 0.4123, printedBy: 'Trainer.log / Trainer.evaluate' },
      { line: '  eval_accuracy            =     0.4123', value: 0.4123, printedBy: 'Trainer.log_metrics' },
      { line: "{'eval_accuracy': np.float64(0.4123), 'epoch': 1.0}", value: 0.4123, printedBy: 'Trainer.evaluate with numpy 2' },
      { line: "{'eval_accuracy': 47, 'epoch': 1.0}", value: 47, printedBy: 'Trainer.log (a whole number)' },
      { line: "[1,0]<stdout>:{'eval_accuracy': 0.4123, 'epoch': 1.0}", value: 0.4123, printedBy: 'a rank under mpirun' },
      { line: "{'eval_accuracy': 1.5e-05, 'epoch': 1.0}", value: 1.5e-5, printedBy: 'Trainer.log (a small value)' },
    ]);
  });

  it("does not repeat the epoch key when the metric is 'epoch' itself", () => {
    assert.deepEqual(
      trainerMetricLines('epoch').map((l) => l.line),
      ["{'epoch': 0.4123}", '  epoch                    =     0.4123', "{'epoch': np.float64(0.4123)}", "{'epoch': 47}", "[1,0]<stdout>:{'epoch': 0.4123}", "{'epoch': 1.5e-05}"],
    );
  });

  it("quotes a key as Python's repr does (double quotes for a key with only single quotes, escapes otherwise)", () => {
    assert.equal(trainerMetricLines("it's")[0]!.line, `{"it's": 0.4123, 'epoch': 1.0}`);
    assert.equal(trainerMetricLines(`a'b"c`)[0]!.line, `{'a\\'b"c': 0.4123, 'epoch': 1.0}`);
    assert.equal(trainerMetricLines('a\\b')[0]!.line, "{'a\\\\b': 0.4123, 'epoch': 1.0}");
  });

  it('escapes regular-expression characters of the key, and the definition reads every form but the block row', () => {
    const d = trainerMetricDefinition('eval_f1.5');
    assert.deepEqual(d, { Name: 'eval_f1.5', Regex: "'eval_f1\\.5': (?:np\\.float\\d+\\()?([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)" });
    const { regex } = compiled(d);
    for (const form of trainerMetricLines('eval_f1.5')) {
      const read = readDefinition(regex, form.line);
      if (form.printedBy === 'Trainer.log_metrics') assert.equal(read, undefined);
      else assert.equal(read?.value, form.value, form.printedBy);
    }
    assert.equal(readDefinition(regex, "{'eval_f1x5': 0.3}"), undefined);
  });
});

describe('compileDefinition (Python regular expressions)', () => {
  it('refuses a definition without a Name or a Regex', () => {
    const loose = (d: unknown) => compileDefinition(d as MetricDefinition);
    assert.equal(loose({ Name: '', Regex: 'loss=(\\d+)' }), 'the definition has no Name');
    assert.equal(loose({ Name: 42, Regex: 'loss=(\\d+)' }), 'the definition has no Name');
    assert.equal(loose({ Name: 'loss', Regex: '' }), 'the definition has no Regex');
    assert.equal(loose({ Name: 'loss', Regex: 42 }), 'the definition has no Regex');
  });

  it('turns a leading (?i)/(?m)/(?s) into flags, each once, and refuses (?x)', () => {
    assert.equal(compiled({ Name: 'l', Regex: '(?i)loss=(\\d+)' }).regex.flags, 'i');
    const im = compiled({ Name: 'l', Regex: '(?im)loss=(\\d+)' }).regex;
    assert.equal(im.flags, 'im');
    assert.equal(im.source, 'loss=(\\d+)');
    assert.equal(compiled({ Name: 'l', Regex: '(?ii)loss=(\\d+)' }).regex.flags, 'i');
    assert.equal(compileDefinition({ Name: 'l', Regex: '(?x)loss = (\\d+)' }), 'verbose regular expressions ((?x)) are not supported here');
    // Only a leading group is a flag group: here `(?i)` sits in a character class.
    const cls = compiled({ Name: 'l', Regex: '[(?i)](\\d)' }).regex;
    assert.equal(cls.flags, '');
    assert.equal(readDefinition(cls, '?7')?.value, 7);
  });

  it('renames (?P<name>…) and (?P=name), and turns \\A and \\Z into anchors', () => {
    const named = compiled({ Name: 'l', Regex: '(?P<val>\\d+)x(?P=val)' }).regex;
    assert.equal(readDefinition(named, '12x12')?.value, 12);
    assert.equal(readDefinition(named, '12x13'), undefined);
    const start = compiled({ Name: 'l', Regex: '\\Aloss=(\\d+)' }).regex;
    assert.equal(readDefinition(start, 'loss=3')?.value, 3);
    assert.equal(readDefinition(start, 'eval_loss=3'), undefined);
    const end = compiled({ Name: 'l', Regex: 'loss=(\\d+)\\Z' }).regex;
    assert.equal(readDefinition(end, 'loss=3')?.value, 3);
    assert.equal(readDefinition(end, 'loss=3 steps'), undefined);
  });

  it('quotes at most 80 characters of the expression in its messages', () => {
    const long = 'a'.repeat(100);
    assert.equal(compileDefinition({ Name: 'l', Regex: long }), `the regular expression "${'a'.repeat(80)}" has no capture group: SageMaker takes the value from the first group`);
    const bad = compileDefinition({ Name: 'l', Regex: `(${long}` });
    assert.equal(typeof bad, 'string');
    assert.ok((bad as string).startsWith(`the regular expression "(${'a'.repeat(79)}" is not one this parser can read (`), String(bad));
    assert.match(bad as string, /Unterminated group\)$/);
  });
});

describe('unitOf', () => {
  it('gives rates Count/Second, runtimes Seconds, the rest None', () => {
    assert.equal(unitOf('train_samples_per_second'), 'Count/Second');
    assert.equal(unitOf('eval_runtime'), 'Seconds');
    assert.equal(unitOf('runtime_loss'), 'None');
    assert.equal(unitOf('loss'), 'None');
  });
});

describe('metrics block values', () => {
  function block(rows: string[]): Map<string, Array<[number, number]>> {
    const parser = new TrainerLogParser();
    feedAll(parser, [[T0, '***** train metrics *****'], ...rows.map((r): [number, string] => [T0, r])]);
    return new Map(parser.allSeries().map((s) => [s.name, s.points]));
  }

  it('reads runtimes in seconds, nan as NaN, thousands separators, and skips words', () => {
    const got = block([
      '  train_loss               =     0.6931',
      '  train_runtime            = 2:13:32.30',
      '  eval_a                   =        nan',
      '  eval_b                   =       -nan',
      '  eval_c                   =      1,234',
      '  eval_status              =       done',
      '  train_steps_per_second   =      1.537',
    ]);
    assert.deepEqual(
      [...got.entries()],
      [
        ['train_loss', [[T0, 0.6931]]],
        ['train_runtime', [[T0, 2 * 3600 + 13 * 60 + 32.3]]],
        ['eval_a', [[T0, NaN]]],
        ['eval_b', [[T0, NaN]]],
        ['eval_c', [[T0, 1234]]],
        ['train_steps_per_second', [[T0, 1.537]]],
      ],
    );
  });
});

describe('metrics block of a run over a day', () => {
  it("reads a runtime printed as Python's timedelta with days, and the rows after it", () => {
    const parser = new TrainerLogParser();
    feedAll(parser, [
      [T0, '***** train metrics *****'],
      [T0, '  train_runtime            = 1 day, 2:13:32.30'],
      [T0, '  train_steps_per_second   =      1.537'],
      [T0, '  eval_runtime             = 3 days, 0:00:01.50'],
    ]);
    assert.deepEqual(
      parser.allSeries().map((s) => [s.name, s.points]),
      [
        ['train_runtime', [[T0, 86400 + 2 * 3600 + 13 * 60 + 32.3]]],
        ['train_steps_per_second', [[T0, 1.537]]],
        ['eval_runtime', [[T0, 3 * 86400 + 1.5]]],
      ],
    );
  });
});

describe('tqdm bars', () => {
  function barProgress(line: string): ReturnType<TrainerLogParser['progress']> {
    return progressOf([[T0, line]], T0);
  }
  const at = (step: number, maxSteps: number) => [{ host: H, step, maxSteps, updatedAt: T0 }];

  it('reads the position and total of the last bar, every digit of each', () => {
    assert.deepEqual(barProgress('  19%|█▉        | 19/100 [00:19<01:21,  1.00it/s]'), at(19, 100));
    assert.deepEqual(barProgress('Steps |19/100it'), at(19, 100));
    assert.deepEqual(barProgress('| 19/100'), at(19, 100));
  });

  it('goes back to an earlier bar when the last separator has no count after it', () => {
    assert.deepEqual(barProgress('  19%|█▉        | 19/100 [00:19<01:21,  1.00it/s]|'), at(19, 100));
    assert.deepEqual(barProgress('  19%|█▉        | 19/100 [00:19<01:21,  1.00it/s] |3/?'), at(19, 100));
    assert.deepEqual(barProgress('  19%|█▉        | 19/100 [00:19<01:21,  1.00it/s] |3 4'), at(19, 100));
  });

  it('takes nothing from a separator without a count, a missing position, or a separator at the start', () => {
    assert.deepEqual(barProgress('a |/100'), []);
    assert.deepEqual(barProgress('x7/8 |abc'), []);
    assert.deepEqual(barProgress('|x 3/'), []);
  });
});

describe('host progress', () => {
  it('keeps one observation per step value, so a bar redrawn later does not slow the rate', () => {
    const lines: Array<[number, string]> = [
      [T0, bar(1, 100)],
      [T0 + 1000, bar(2, 100)],
      [T0 + 2000, bar(3, 100)],
      [T0 + 10000, bar(3, 100)],
    ];
    assert.deepEqual(progressOf(lines, T0 + 10000), [{ host: H, step: 3, maxSteps: 100, updatedAt: T0 + 10000, stepsPerSecond: 1, etaSeconds: 97 }]);
  });

  it('takes the rate over the last 32 observations', () => {
    const lines: Array<[number, string]> = [];
    for (let k = 1; k <= 40; k++) lines.push([T0 + k * k * 10, bar(k, 100)]);
    const [p] = progressOf(lines, T0 + 16000);
    const rate = ((40 - 9) / (16000 - 810)) * 1000;
    assert.ok(Math.abs(p!.stepsPerSecond! - rate) < 1e-9, String(p!.stepsPerSecond));
  });

  it('has no rate when the observations share a time, or the step did not go up', () => {
    assert.deepEqual(
      progressOf(
        [
          [T0, bar(1, 100)],
          [T0, bar(2, 100)],
        ],
        T0,
      ),
      [{ host: H, step: 2, maxSteps: 100, updatedAt: T0 }],
    );
    const steps = (vs: number[]) => vs.map((v, i): [number, string] => [T0 + i * 1000, `{'step': ${v}}`]);
    assert.deepEqual(progressOf(steps([5, 7, 5]), T0 + 5000), [{ host: H, step: 5 }]);
    assert.deepEqual(progressOf(steps([7, 5]), T0 + 5000), [{ host: H, step: 5 }]);
  });

  it('counts the ETA from the step rate, less the time since the last progress', () => {
    const lines: Array<[number, string]> = [
      [T0, bar(10, 100)],
      [T0 + 10000, bar(20, 100)],
    ];
    const p = { host: H, step: 20, maxSteps: 100, updatedAt: T0 + 10000, stepsPerSecond: 1 };
    assert.deepEqual(progressOf(lines, T0 + 15000), [{ ...p, etaSeconds: 75 }]);
    assert.deepEqual(progressOf(lines, T0 + 5000), [{ ...p, etaSeconds: 80 }]);
  });

  it('uses the step rate without a last-progress time (steps from the dicts), and gives no ETA without max_steps', () => {
    const steps: Array<[number, string]> = [
      [T0, "{'loss': 0.5, 'step': 10}"],
      [T0 + 10000, "{'loss': 0.4, 'step': 20}"],
    ];
    assert.deepEqual(progressOf(steps, T0 + 20000), [{ host: H, step: 20, stepsPerSecond: 1 }]);
    const sized: Array<[number, string]> = [[T0, '***** Running training *****'], [T0, '  Total optimization steps = 100'], ...steps];
    assert.deepEqual(progressOf(sized, T0 + 20000), [{ host: H, step: 20, maxSteps: 100, stepsPerSecond: 1, etaSeconds: 80 }]);
  });

  it('has no ETA from a single observation, and 0 once the last step is reached', () => {
    assert.deepEqual(progressOf([[T0, bar(10, 100)]], T0 + 1000), [{ host: H, step: 10, maxSteps: 100, updatedAt: T0 }]);
    assert.deepEqual(progressOf([[T0, bar(100, 100)]], T0 + 1000), [{ host: H, step: 100, maxSteps: 100, updatedAt: T0, etaSeconds: 0 }]);
  });

  it('counts the ETA from the epoch rate when there are no steps', () => {
    const lines: Array<[number, string]> = [
      [T0, "{'loss': 0.5, 'epoch': 1.0}"],
      [T0 + 8000, "{'loss': 0.4, 'epoch': 2.0}"],
    ];
    assert.deepEqual(progressOf(lines, T0 + 12000), [{ host: H, epoch: 2, updatedAt: T0 + 8000 }]);
    const sized: Array<[number, string]> = [[T0, '***** Running training *****'], [T0, '  Num Epochs = 4'], ...lines];
    assert.deepEqual(progressOf(sized, T0 + 12000), [{ host: H, epoch: 2, numEpochs: 4, updatedAt: T0 + 8000, etaSeconds: 12 }]);
    // One epoch observation gives no rate, so no ETA.
    assert.deepEqual(progressOf(sized.slice(0, 3), T0 + 12000), [{ host: H, epoch: 1, numEpochs: 4, updatedAt: T0 }]);
  });

  it('computes samples per second from the batch size, else takes what the Trainer reported', () => {
    const run: Array<[number, string]> = [
      [T0, '***** Running training *****'],
      [T0, '  Total train batch size (w. parallel, distributed & accumulation) = 32'],
      [T0, '  Total optimization steps = 100'],
      [T0, bar(10, 100)],
    ];
    const end: [number, string] = [T0 + 10000, "{'train_runtime': 20.0, 'train_samples_per_second': 99.5}"];
    assert.deepEqual(progressOf([...run, [T0 + 10000, bar(20, 100)], end], T0 + 10000), [
      { host: H, step: 20, maxSteps: 100, totalBatchSize: 32, updatedAt: T0 + 10000, stepsPerSecond: 1, samplesPerSecond: 32, etaSeconds: 80 },
    ]);
    assert.deepEqual(progressOf([...run, end], T0 + 10000), [{ host: H, step: 10, maxSteps: 100, totalBatchSize: 32, updatedAt: T0, samplesPerSecond: 99.5 }]);
  });
});
