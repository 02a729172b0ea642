// Re-validating a job file (validateJobFile) against parsing the same text with `yaml` alone.
import { fmtMs, fmtRatio, runJson } from '../lib/harness.mjs';

export const title = 'Job-file validation';
export const entries = ['bench/validation.ts'];

export async function run(ctx) {
  const script = ctx.built['bench/validation.ts'];
  const warm = await runJson(process.execPath, [script, ...(ctx.quick ? ['--quick'] : [])], { timeoutMs: 300_000 });
  // The first validation of a session compiles the schema (ajv); a few fresh processes for its median.
  const colds = [];
  for (let i = 0; i < (ctx.quick ? 1 : 5); i++) colds.push(await runJson(process.execPath, [script, '--cold'], { timeoutMs: 60_000 }));
  const coldMedian = (key) => colds.map((c) => c[key]).sort((a, b) => a - b)[Math.floor(colds.length / 2)];

  const rows = [];
  const first = warm.sizes[0];
  const last = warm.sizes[warm.sizes.length - 1];
  for (const s of warm.sizes) {
    const is200 = s === first;
    rows.push({
      measure: `re-validate ${s.lines} lines (${s.problems} problem${s.problems === 1 ? '' : 's'})`,
      ours: fmtMs(s.candidateMs),
      baseline: `${fmtMs(s.baselineMs)} yaml`,
      ratio: fmtRatio(s.ratio),
      target: is200 ? '≤ 2 ms' : '',
      met: is200 ? s.candidateMs <= 2 : null,
    });
  }
  // "Linear": the per-line cost at 5,000 lines within 1.5× of the per-line cost at 200 lines.
  const growth = last.candidateUsPerLine / first.candidateUsPerLine;
  const baselineGrowth = (last.baselineMs / last.lines) / (first.baselineMs / first.lines);
  rows.push({
    measure: `growth: per-line cost ${last.lines} vs ${first.lines} lines`,
    ours: `${growth.toFixed(2)}× (${last.candidateUsPerLine.toFixed(1)} vs ${first.candidateUsPerLine.toFixed(1)} µs/line)`,
    baseline: `${baselineGrowth.toFixed(2)}× yaml`,
    ratio: '',
    target: 'linear (≤ 1.5×)',
    met: growth <= 1.5,
  });
  rows.push({
    measure: 'first validation in a session (schema compile)',
    ours: fmtMs(coldMedian('firstCandidateMs')),
    baseline: `${fmtMs(coldMedian('firstBaselineMs'))} yaml`,
    ratio: fmtRatio(coldMedian('firstCandidateMs') / coldMedian('firstBaselineMs')),
    target: '',
    met: null,
  });
  if (warm.whatIf) {
    for (const w of warm.whatIf) {
      rows.push({
        measure: `what-if: yaml without uniqueKeys + a linear duplicate-key pass, ${w.lines} lines`,
        ours: fmtMs(w.linearMs),
        baseline: `${fmtMs(w.uniqueKeysMs)} yaml`,
        ratio: fmtRatio(w.linearMs / w.uniqueKeysMs),
        target: '',
        met: null,
      });
    }
  }
  const notes = [
    `${first.iterations}/${warm.sizes[1]?.iterations}/${last.iterations} alternating calls per size, warm (after ${Math.max(3, Math.floor(first.iterations / 4))} warm-up calls); medians.`,
    `The baseline is yaml.parseDocument with the validator's own options (uniqueKeys, strict): what any range-keeping YAML validator must pay. ${warm.sizes.map((s) => `${s.lines} lines: validation adds ${((s.ratio - 1) * 100).toFixed(0)} %`).join('; ')}.`,
  ];
  return { rows, notes, details: { warm, colds } };
}
