// Re-validating a job file (validateJobFile) against parsing the same text with `yaml` alone.
import { fmtMs, fmtRatio, runJson } from '../lib/harness.mjs';

export const title = 'Job-file validation';
export const entries = ['bench/validation.ts'];

export async function run(ctx) {
  const script = ctx.built['bench/validation.ts'];
  const warm = await runJson(process.execPath, [script, ...(ctx.quick ? ['--quick'] : [])], { timeoutMs: 300_000 });
  // The first validation in a fresh process: loading the validator and yaml's first parse; a few processes for the median.
  const colds = [];
  for (let i = 0; i < (ctx.quick ? 1 : 5); i++) colds.push(await runJson(process.execPath, [script, '--cold'], { timeoutMs: 60_000 }));
  const coldMedian = (key) => colds.map((c) => c[key]).sort((a, b) => a - b)[Math.floor(colds.length / 2)];

  const rows = [];
  const first = warm.sizes[0];
  const bySize = (n) => warm.sizes.find((s) => Math.abs(s.lines - n) < n * 0.05);
  const at5000 = bySize(5000) ?? warm.sizes[warm.sizes.length - 1];
  const at20000 = bySize(20000);
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
  // Per-line cost at n lines over per-line cost at m lines: 1 is perfectly linear.
  const growthOf = (big, small, key) => big[key] / big.lines / (small[key] / small.lines);
  // "Linear": the per-line cost at 5,000 lines within 1.5× of that at 200, or no worse than the growth
  // of yaml's own parse (without uniqueKeys), which is allocation and GC in yaml that no caller avoids.
  const growth = growthOf(at5000, first, 'candidateMs');
  const parseGrowth = growthOf(at5000, first, 'parseOnlyMs');
  rows.push({
    measure: `growth: per-line cost ${at5000.lines} vs ${first.lines} lines`,
    ours: `${growth.toFixed(2)}× (${at5000.candidateUsPerLine.toFixed(1)} vs ${first.candidateUsPerLine.toFixed(1)} µs/line)`,
    baseline: `${growthOf(at5000, first, 'baselineMs').toFixed(2)}× yaml; ${parseGrowth.toFixed(2)}× yaml without uniqueKeys`,
    ratio: '',
    target: "linear (≤ 1.5×, or ≤ yaml's parse)",
    met: growth <= 1.5 || growth <= parseGrowth * 1.1,
  });
  if (at20000) {
    rows.push({
      measure: `growth: per-line cost ${at20000.lines} vs ${at5000.lines} lines`,
      ours: `${growthOf(at20000, at5000, 'candidateMs').toFixed(2)}×`,
      baseline: `${growthOf(at20000, at5000, 'baselineMs').toFixed(2)}× yaml; ${growthOf(at20000, at5000, 'parseOnlyMs').toFixed(2)}× yaml without uniqueKeys`,
      ratio: '',
      target: '',
      met: null,
    });
  }
  rows.push({
    measure: 'first validation in a fresh process (schema precompiled at build)',
    ours: fmtMs(coldMedian('firstCandidateMs')),
    baseline: `${fmtMs(coldMedian('firstBaselineMs'))} yaml`,
    ratio: fmtRatio(coldMedian('firstCandidateMs') / coldMedian('firstBaselineMs')),
    target: '',
    met: null,
  });
  const notes = [
    `${warm.sizes.map((s) => s.iterations).join('/')} rotating calls per size (ours, yaml, yaml without uniqueKeys), warm (after ${Math.max(3, Math.floor(first.iterations / 4))} warm-up calls); medians.`,
    `The baseline is yaml.parseDocument with yaml's default uniqueKeys (and strict): what parsing the text with yaml alone costs. The validator parses without uniqueKeys, which compares each key with every key before it in its mapping (quadratic in the hyperparameters), and finds duplicate keys with one Set per mapping. ${warm.sizes.map((s) => `${s.lines} lines: ours ${fmtRatio(s.ratio)} yaml, ${fmtRatio(s.candidateMs / s.parseOnlyMs)} yaml without uniqueKeys`).join('; ')}.`,
  ];
  return { rows, notes, details: { warm, colds } };
}
