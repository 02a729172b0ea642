// Log tail of a 16-host job: API calls per poll against the SageMaker SDK's per-stream algorithm on
// the same emulator and job, and the merge-and-format path's throughput in-process.
import { fmtMs, fmtRatio, runJson } from '../lib/harness.mjs';

export const title = 'Log tail, 16 hosts';
export const entries = ['bench/logTail.ts'];

export async function run(ctx) {
  const script = ctx.built['bench/logTail.ts'];
  const flag = ctx.quick ? ['--quick'] : [];
  const live = await runJson(process.execPath, [script, 'live', ...flag], { timeoutMs: 900_000 });
  const merge = await runJson(process.execPath, [script, 'merge', ...flag], { timeoutMs: 300_000 });
  const perPoll = (r) => r.logReads / r.polls;
  const rows = [
    {
      measure: `log-read requests per poll (${live.linesPerHost.toLocaleString('en-US')} lines × ${live.hosts} hosts)`,
      ours: `${perPoll(live.ours).toFixed(2)} FilterLogEvents`,
      baseline: `${perPoll(live.sdk).toFixed(1)} GetLogEvents + DescribeLogStreams`,
      ratio: fmtRatio(live.logReadsPerPollRatio),
      target: '≤ 1/8 (0.125×)',
      met: live.logReadsPerPollRatio <= 0.125,
    },
    {
      measure: 'all requests per poll (DescribeTrainingJob included)',
      ours: (live.ours.allRequests / live.ours.polls).toFixed(2),
      baseline: (live.sdk.allRequests / live.sdk.polls).toFixed(1),
      ratio: fmtRatio(live.allPerPollRatio),
      target: '',
      met: null,
    },
    {
      measure: `merge + format, ${merge.lines.toLocaleString('en-US')} lines`,
      ours: `${Math.round(merge.oursLinesPerSecond).toLocaleString('en-US')} lines/s`,
      baseline: `${Math.round(merge.sdkLinesPerSecond).toLocaleString('en-US')} lines/s SDK merge`,
      ratio: fmtRatio(merge.ratio),
      target: '≥ 100,000 lines/s',
      met: merge.oursLinesPerSecond >= 100_000,
    },
    {
      measure: 'longest event-loop stall while pages arrive',
      ours: `${fmtMs(merge.maxEventLoopDelayMs)} (p99 ${fmtMs(merge.p99EventLoopDelayMs)})`,
      baseline: '',
      ratio: '',
      target: '≤ 50 ms (no long task)',
      met: merge.maxEventLoopDelayMs <= 50,
    },
  ];
  const notes = [
    `Live: both read the same job at the same time, through separate counting proxies, ${live.compression}× time-compressed (ours: the default policy's intervals ÷ ${live.compression}; the SDK: poll 10 s and describe 30 s ÷ ${live.compression}). The lines stand for a one-hour job (${live.linesPerHostPerSecond.toFixed(1)} lines/s per host). Ours: ${live.ours.polls} polls, ${live.ours.logReads} FilterLogEvents, ${live.ours.lines.toLocaleString('en-US')} lines${live.ours.inOrder ? ', every line once and in order per host' : ' — LINES MISSING OR OUT OF ORDER'}; the SDK: ${live.sdk.polls} polls, ${live.sdk.logReads} log reads, ${live.sdk.lines.toLocaleString('en-US')} lines. Per hour of the job: ours ${Math.round(live.logReadsPerJobHour.ours)} log reads, the SDK ${Math.round(live.logReadsPerJobHour.sdk)}.`,
    `Merge: ${merge.pages} pages of 10,000 events through LogCursor.acceptPage, RecentLines, HistoryLimit and formatLogLine (the log channel's path), median of ${merge.runs}; the SDK baseline builds per-stream lists, mergeByTimestamp and the same formatting. Slowest single page ${fmtMs(merge.slowestPageMs)}.`,
  ];
  if (!live.ours.inOrder) throw new Error(`our tail lost, repeated or reordered lines (${live.ours.lines} of ${live.hosts * live.linesPerHost})`);
  return { rows, notes, details: { live, merge } };
}
