import * as path from 'node:path';
import { parseArgs } from './args';
import { AwsClients } from '../aws/awsClients';
import { CloudJobMetrics } from '../aws/jobMetrics';
import type { JobMetricsClients } from '../aws/jobMetrics';
import { LogTailError } from '../aws/logTail';
import { TrainingJobError } from '../aws/trainingJobs';
import { formatDuration } from '../core/format';
import type { JobMetricsSnapshot } from '../core/metrics/jobMetrics';
import { seriesJson } from '../core/metrics/metricSeries';
import type { MetricSeries } from '../core/metrics/metricSeries';
import { showControlCharacters } from '../core/logs/logFormat';
import { sleep } from '../core/sleep';
import { defaultLocalRoot } from '../local/localJob';
import { LocalJobMetrics } from '../local/localJobMetrics';
import { UsageError } from './cliError';
import type { CliIo } from './cliError';
import { AWS_OPTIONS, awsConnectionFromCli } from './jobsCommand';

export interface MetricsCommandDeps {
  clients?: JobMetricsClients;
  signal?: AbortSignal;
  /** Seconds between polls with --follow when --poll is not given. */
  defaultPollSeconds?: number;
}

const USAGE = 'sagemaker-hf metrics JOB [--follow] [--json] [--poll S] [--local [--root DIR]]';

/**
 * `sagemaker-hf metrics JOB [--follow] [--json]`: every series of a job — the hosts' instance metrics
 * (`system`), the curves parsed from its log (`log`) and its metric_definitions in CloudWatch (`sagemaker`).
 * `--json` prints one object, `{"job", "series": [{"name", "host", "source", "unit", "points": [[ms, v]]}]}`,
 * once the reading is done (with --follow, when the job has ended). `--local` reads a job run on this machine.
 */
export async function metricsCommand(args: string[], terminal: CliIo, deps: MetricsCommandDeps = {}): Promise<number> {
  const io: CliIo = { ...terminal, stdout: (t) => terminal.stdout(showControlCharacters(t)), stderr: (t) => terminal.stderr(showControlCharacters(t)) };
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      follow: { type: 'boolean', short: 'f', default: false },
      json: { type: 'boolean', default: false },
      poll: { type: 'string' },
      local: { type: 'boolean', default: false },
      root: { type: 'string' },
      ...AWS_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`metrics needs exactly one training job name: ${USAGE}`);
  if (values.root !== undefined && !values.local) throw new UsageError('--root goes with --local (the folder of local jobs).');
  const jobName = positionals[0]!;
  const pollSeconds = values.poll !== undefined ? Number(values.poll) : (deps.defaultPollSeconds ?? (values.local ? 2 : 30));
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) throw new UsageError(`--poll must be a positive number of seconds (got ${values.poll}).`);

  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  deps.signal?.addEventListener('abort', interrupt, { once: true });
  if (!deps.signal) process.once('SIGINT', interrupt);
  const owned = deps.clients || values.local ? undefined : new AwsClients({ ...awsConnectionFromCli(values, io.env), maxAttempts: 8 });
  const reader = values.local
    ? new LocalJobMetrics(path.join(values.root ? path.resolve(io.cwd, values.root) : defaultLocalRoot(io.cwd), jobName))
    : new CloudJobMetrics(deps.clients ?? owned!, jobName);
  try {
    let last: JobMetricsSnapshot | undefined;
    let problemsShown = '';
    for (let first = true; ; first = false) {
      const { snapshot, changed } = await reader.poll(controller.signal);
      last = snapshot;
      const problems = snapshot.problems.join('\n');
      if (problems && problems !== problemsShown) io.stderr(`${problems}\n`);
      problemsShown = problems;
      if (!values.json) io.stdout(first ? summaryText(snapshot) : pointsText(changed));
      if (!values.follow || reader.done || controller.signal.aborted) break;
      await sleep(pollSeconds * 1000, controller.signal).catch(() => undefined);
      if (controller.signal.aborted) break;
    }
    if (values.json) io.stdout(`${JSON.stringify({ job: last.job, series: last.series.map(seriesJson) })}\n`);
    else if (values.follow && last.final) io.stdout(summaryText(last));
    return controller.signal.aborted ? 130 : 0;
  } catch (error) {
    if (error instanceof TrainingJobError || error instanceof LogTailError) {
      io.stderr(`sagemaker-hf metrics: ${error.message}\n`);
      return 2;
    }
    if (values.local && error instanceof Error && /holds no local job/.test(error.message)) {
      io.stderr(`sagemaker-hf metrics: ${error.message} Give the folder of local jobs with --root.\n`);
      return 2;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
    deps.signal?.removeEventListener('abort', interrupt);
    owned?.destroy();
  }
}

function summaryText(s: JobMetricsSnapshot): string {
  const lines = [`${s.job}${s.local ? ' (local)' : ''}: ${s.status}${s.secondaryStatus ? ` (${s.secondaryStatus})` : ''}${s.failureReason ? ` — ${s.failureReason}` : ''}`];
  for (const p of s.progress) {
    const parts = [p.host];
    if (p.step !== undefined) parts.push(`step ${p.step}${p.maxSteps !== undefined ? `/${p.maxSteps}` : ''}`);
    if (p.epoch !== undefined) parts.push(`epoch ${p.epoch}${p.numEpochs !== undefined ? `/${p.numEpochs}` : ''}`);
    if (p.samplesPerSecond !== undefined) parts.push(`${p.samplesPerSecond.toFixed(1)} samples/s`);
    else if (p.stepsPerSecond !== undefined) parts.push(`${p.stepsPerSecond.toFixed(2)} steps/s`);
    if (p.etaSeconds !== undefined && s.status === 'InProgress') parts.push(`ETA ${formatDuration(Math.round(p.etaSeconds))}`);
    lines.push(`  ${parts.join('  ')}`);
  }
  if (s.series.length === 0) lines.push('  no series yet');
  for (const x of s.series) {
    const last = x.points.at(-1);
    lines.push(
      `  ${x.source.padEnd(9)} ${(x.host ?? '-').padEnd(8)} ${x.name.padEnd(28)} ${last ? formatValue(last[1], x.unit) : '-'}  (${x.points.length} point${x.points.length === 1 ? '' : 's'})`,
    );
  }
  for (const w of s.warnings) lines.push(`! ${w.message} ${w.action}`);
  return `${lines.join('\n')}\n`;
}

function pointsText(changed: readonly MetricSeries[]): string {
  const rows: Array<[number, string]> = [];
  for (const x of changed)
    for (const [t, v] of x.points) rows.push([t, `${new Date(t).toISOString()}  ${x.source.padEnd(9)} ${(x.host ?? '-').padEnd(8)} ${x.name} = ${formatValue(v, x.unit)}`]);
  rows.sort((a, b) => a[0] - b[0]);
  return rows.map(([, r]) => `${r}\n`).join('');
}

function formatValue(v: number, unit: string): string {
  if (!Number.isFinite(v)) return String(v);
  const n = Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(4);
  return unit === 'Percent' ? `${n} %` : unit === 'Bytes' ? `${n} B` : n;
}
