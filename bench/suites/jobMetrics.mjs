// The job dashboard: parsing + laying out 100,000 log lines without a long task, and API requests per poll
// for 16 hosts × 5 instance metrics + 10 metric_definitions series.
import { fmtMs, fmtRatio, runJson } from '../lib/harness.mjs';

export const title = 'Job dashboard metrics';
export const entries = ['bench/jobMetrics.ts'];

export async function run(ctx) {
  const script = ctx.built['bench/jobMetrics.ts'];
  const flag = ctx.quick ? ['--quick'] : [];
  const parse = await runJson(process.execPath, [script, 'parse', ...flag], { timeoutMs: 300_000 });
  const calls = await runJson(process.execPath, [script, 'calls', ...flag], { timeoutMs: 300_000 });
  const perPoll = (counts, name) => (counts[name] ?? 0) / calls.polls;
  const ourMetricCalls = perPoll(calls.ours, 'GetMetricDataCommand');
  const baselineMetricCalls = perPoll(calls.baseline, 'GetMetricStatisticsCommand');
  const rows = [
    {
      measure: `parse + lay out ${parse.lines.toLocaleString('en-US')} log lines (16 hosts), longest ${parse.chunk.toLocaleString('en-US')}-line chunk (median of runs; worst run ${fmtMs(parse.maxChunkMs)})`,
      ours: fmtMs(parse.medianMaxChunkMs),
      baseline: '',
      ratio: '',
      target: '≤ 50 ms (no long task)',
      met: parse.medianMaxChunkMs <= 50,
    },
    {
      measure: `parse + lay out ${parse.lines.toLocaleString('en-US')} lines in all (${parse.points.toLocaleString('en-US')} points)`,
      ours: fmtMs(parse.totalMs),
      baseline: `${fmtMs(parse.baselineMs)} one regex per line`,
      ratio: fmtRatio(parse.totalMs / parse.baselineMs),
      target: '',
      met: null,
    },
    {
      measure: `CloudWatch metric requests per poll (${calls.hosts} hosts × ${calls.systemMetrics} + ${calls.definitions} series)`,
      ours: `${ourMetricCalls.toFixed(2)} GetMetricData`,
      baseline: `${baselineMetricCalls.toFixed(0)} GetMetricStatistics`,
      ratio: fmtRatio(ourMetricCalls / baselineMetricCalls),
      target: '1',
      met: ourMetricCalls === 1 && calls.seriesWithPoints === calls.hosts * calls.systemMetrics + calls.definitions,
    },
    {
      measure: 'all requests per poll (log read and DescribeTrainingJob included)',
      ours: (Object.values(calls.ours).reduce((a, b) => a + b, 0) / calls.polls).toFixed(2),
      baseline: '',
      ratio: '',
      target: '',
      met: null,
    },
  ];
  return {
    rows,
    notes: [`The chart drawing itself (canvas strokes) is not measured here: the page draws at most four points per pixel column per series, which the layout above produces.`],
  };
}
