/**
 * A local job's metrics, poll by poll: its job.json (status, hosts, each host's process group), the new part
 * of each host's log file parsed into training curves, and each host's process tree sampled from /proc (CPU
 * as CloudWatch counts it, 100 % per busy core, and resident memory), plus the machine's GPUs from
 * `nvidia-smi` when it exists. Lines of a local log carry no time of their own: a line gets the time it was
 * read, and lines already written when the first poll reads them are spread evenly from the job's start.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SeriesStore } from '../core/metrics/jobMetrics';
import type { JobMetricsSnapshot } from '../core/metrics/jobMetrics';
import type { MetricSeries } from '../core/metrics/metricSeries';
import { TrainerLogParser } from '../core/metrics/trainerLog';
import { jobWarnings } from '../core/metrics/warnings';
import { isTerminalStatus } from '../core/sagemaker/jobStatus';
import { readLocalJob } from './localJobRecord';
import type { LocalJobRecord } from './localJobRecord';

/** The most a poll reads of one log file: a runaway log costs bounded time per poll. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

interface ProcessSample {
  /** utime + stime of every process in the group, in clock ticks. */
  ticks: number;
  rssBytes: number;
  at: number;
}

export interface ProcSource {
  /** Every process as /proc/<pid>/stat text; keyed by pid. */
  stats(): Promise<Map<number, string>>;
  clockTicksPerSecond: number;
  pageSize: number;
}

export interface GpuReading {
  utilizationPercent: number;
  memoryPercent: number;
}

export class LocalJobMetrics {
  private readonly store = new SeriesStore();
  private parser: TrainerLogParser | undefined;
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private readonly previous = new Map<string, ProcessSample>();
  private ended = false;

  constructor(
    readonly folder: string,
    private readonly options: { proc?: ProcSource | null; gpus?: () => Promise<GpuReading[] | undefined>; now?: () => number } = {},
  ) {}

  get done(): boolean {
    return this.ended;
  }

  async poll(): Promise<{ snapshot: JobMetricsSnapshot; changed: MetricSeries[] }> {
    const record = await readLocalJob(this.folder);
    if (!record) throw new Error(`${this.folder} holds no local job (no readable job.json).`);
    const now = (this.options.now ?? Date.now)();
    const parser = (this.parser ??= new TrainerLogParser(
      (record.AlgorithmSpecification as { MetricDefinitions?: Array<{ Name: string; Regex: string }> } | undefined)?.MetricDefinitions ?? [],
    ));
    const problems: string[] = [];
    for (const host of record.Local.hosts) {
      const file = record.Local.logFiles[host];
      if (file) await this.readLog(record, host, file, now, parser).catch((err: Error) => problems.push(`${host}: its log could not be read (${err.message}).`));
    }
    const changed = this.store.merge(parser.takeNew());
    const status = record.TrainingJobStatus;
    if (!isTerminalStatus(status)) {
      const system = await this.sampleSystem(record, now).catch((err: Error) => {
        problems.push(`CPU and memory could not be read from /proc: ${err.message}`);
        return [] as MetricSeries[];
      });
      changed.push(...this.store.merge(system));
    }
    this.ended = isTerminalStatus(status);
    const series = this.store.all();
    const progress = parser.progress(now);
    const snapshot: JobMetricsSnapshot = {
      job: record.TrainingJobName,
      local: true,
      status,
      secondaryStatus: record.SecondaryStatus,
      ...(record.FailureReason ? { failureReason: record.FailureReason } : {}),
      ...(record.ResourceConfig?.InstanceType ? { instanceType: record.ResourceConfig.InstanceType } : {}),
      hosts: [...record.Local.hosts],
      series,
      progress,
      // The machine's GPUs are shared by every local host: utilisation is not per host here, so no idle warning per GPU count.
      warnings: jobWarnings({ status, series, progress, gpusPerHost: 1, now }),
      problems: [...parser.problems, ...problems],
      polledAt: now,
      final: this.ended,
    };
    return { snapshot, changed };
  }

  private async readLog(record: LocalJobRecord, host: string, file: string, now: number, parser: TrainerLogParser): Promise<void> {
    const from = this.offsets.get(host) ?? 0;
    const handle = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!handle) return;
    try {
      const size = (await handle.stat()).size;
      if (size <= from) return;
      const length = Math.min(size - from, MAX_READ_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, from);
      this.offsets.set(host, from + length);
      const text = (this.partial.get(host) ?? '') + buffer.toString('utf8');
      const lines = text.split('\n');
      this.partial.set(host, lines.pop() ?? '');
      // The backlog of a first read is spread from the job's start to now (to its end, when it has ended: a
      // finished job read a day later keeps its own length); later lines get the time they were read.
      const started = Date.parse(record.TrainingStartTime ?? record.CreationTime);
      const ended = record.TrainingEndTime ? Date.parse(record.TrainingEndTime) : NaN;
      const until = Number.isFinite(ended) && ended > started ? Math.min(now, ended) : now;
      const backlog = from === 0 && Number.isFinite(started) && started < until;
      lines.forEach((line, i) => parser.feed(host, backlog ? Math.round(started + ((until - started) * (i + 1)) / lines.length) : now, line));
    } finally {
      await handle.close();
    }
  }

  private async sampleSystem(record: LocalJobRecord, now: number): Promise<MetricSeries[]> {
    const out: MetricSeries[] = [];
    const groups = record.Local.processGroups ?? {};
    const proc = this.options.proc === undefined ? linuxProc() : this.options.proc;
    if (proc && Object.keys(groups).length > 0) {
      const stats = await proc.stats();
      for (const [host, group] of Object.entries(groups)) {
        const sample = groupSample(stats, group, proc.pageSize, now);
        if (!sample) continue;
        const before = this.previous.get(host);
        this.previous.set(host, sample);
        out.push({ name: 'MemoryRSS', host, source: 'system', unit: 'Bytes', points: [[now, sample.rssBytes]] });
        if (before && sample.at > before.at && sample.ticks >= before.ticks) {
          const cpu = ((sample.ticks - before.ticks) / proc.clockTicksPerSecond / ((sample.at - before.at) / 1000)) * 100;
          out.push({ name: 'CPUUtilization', host, source: 'system', unit: 'Percent', points: [[now, Math.round(cpu * 10) / 10]] });
        }
      }
    }
    const gpus = await (this.options.gpus ?? nvidiaSmi)();
    if (gpus && gpus.length > 0) {
      // CloudWatch's convention: summed over the GPUs (2 GPUs read 0–200 %).
      const util = gpus.reduce((a, g) => a + g.utilizationPercent, 0);
      const mem = gpus.reduce((a, g) => a + g.memoryPercent, 0);
      out.push({ name: 'GPUUtilization', host: 'machine', source: 'system', unit: 'Percent', points: [[now, util]] });
      out.push({ name: 'GPUMemoryUtilization', host: 'machine', source: 'system', unit: 'Percent', points: [[now, mem]] });
    }
    return out;
  }
}

/** Sums CPU ticks and resident memory over the processes of group `group` (field 5 of /proc/<pid>/stat). */
export function groupSample(stats: ReadonlyMap<number, string>, group: number, pageSize: number, at: number): ProcessSample | undefined {
  let ticks = 0;
  let rss = 0;
  let found = false;
  for (const text of stats.values()) {
    // The command name (field 2) is in parentheses and may hold spaces; the fields after the last ')' are fixed.
    const close = text.lastIndexOf(')');
    if (close < 0) continue;
    const f = text.slice(close + 2).split(' ');
    // After ')': state(3) ppid(4) pgrp(5) … utime(14) stime(15) … rss(24); f[0] is field 3.
    if (Number(f[2]) !== group) continue;
    found = true;
    ticks += Number(f[11]) + Number(f[12]);
    rss += Number(f[21]) * pageSize;
  }
  return found ? { ticks, rssBytes: rss, at } : undefined;
}

/** /proc on Linux; null elsewhere (no per-process figures then, only what nvidia-smi says). */
function linuxProc(): ProcSource | null {
  if (process.platform !== 'linux') return null;
  return {
    clockTicksPerSecond: 100, // USER_HZ: 100 on every Linux architecture Node runs on
    pageSize: 4096,
    async stats() {
      const out = new Map<number, string>();
      const names = await fs.readdir('/proc');
      await Promise.all(
        names
          .filter((n) => /^\d+$/.test(n))
          .map(async (n) => {
            const text = await fs.readFile(path.join('/proc', n, 'stat'), 'utf8').catch(() => undefined);
            if (text) out.set(Number(n), text);
          }),
      );
      return out;
    },
  };
}

/** `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits` → one reading per GPU. */
export function parseNvidiaSmi(text: string): GpuReading[] {
  const out: GpuReading[] = [];
  for (const line of text.split('\n')) {
    const [util, used, total] = line.split(',').map((x) => Number(x.trim()));
    if (!Number.isFinite(util) || !Number.isFinite(used) || !Number.isFinite(total) || total! <= 0 || line.trim() === '') continue;
    out.push({ utilizationPercent: util!, memoryPercent: Math.round((used! / total!) * 1000) / 10 });
  }
  return out;
}

/** The machine's GPUs, or undefined when nvidia-smi is not there (or answers nothing usable within 5 s). */
function nvidiaSmi(): Promise<GpuReading[] | undefined> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'], { timeout: 5000, windowsHide: true }, (err, stdout) => {
      if (err) resolve(undefined);
      else resolve(parseNvidiaSmi(stdout));
    });
  });
}
