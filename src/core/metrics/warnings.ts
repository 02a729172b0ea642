// The warnings a person watching a job would want, each with what to do. Pure: series and status in, warnings out.

import type { HostProgress } from './trainerLog';
import type { MetricSeries } from './metricSeries';

export type WarningKind = 'gpu-idle' | 'gpu-memory-ceiling' | 'loss-nan' | 'loss-diverging' | 'straggler' | 'disk-full';

export interface JobWarning {
  kind: WarningKind;
  /** The host it is about, when one. */
  host?: string;
  message: string;
  /** What to do about it. */
  action: string;
}

export interface WarningInput {
  status: string;
  series: readonly MetricSeries[];
  progress: readonly HostProgress[];
  /** GPUs per host (CloudWatch sums utilisation over them: 4 GPUs read 0–400 %); 0 or undefined when unknown. */
  gpusPerHost?: number;
  now: number;
}

export const GPU_IDLE_PERCENT = 10;
export const GPU_IDLE_MINUTES = 15;
export const GPU_MEMORY_CEILING_PERCENT = 95;
export const DISK_FULL_PERCENT = 90;
/** A host whose step rate is below this share of the fastest host's is a straggler. */
export const STRAGGLER_SHARE = 0.5;

export function jobWarnings(input: WarningInput): JobWarning[] {
  const warnings: JobWarning[] = [];
  const perGpu = Math.max(1, input.gpusPerHost ?? 1);
  const system = (name: string) => input.series.filter((s) => s.source === 'system' && s.name === name && s.host !== null && s.points.length > 0);

  if (input.status === 'InProgress') {
    const windowStart = input.now - GPU_IDLE_MINUTES * 60_000;
    for (const s of system('GPUUtilization')) {
      const recent = s.points.filter(([t]) => t >= windowStart);
      // Idle for the whole window: the series reaches back that far and nothing in it is busy.
      const covers = s.points[0]![0] <= windowStart + 60_000 && recent.length > 0;
      if (covers && recent.every(([, v]) => v / perGpu < GPU_IDLE_PERCENT)) {
        warnings.push({
          kind: 'gpu-idle',
          host: s.host!,
          message: `${s.host}: GPUs under ${GPU_IDLE_PERCENT} % busy for ${GPU_IDLE_MINUTES} minutes while the job runs — you are paying for idle GPUs.`,
          action:
            'Check that the script puts the model on the GPU and that data loading keeps up (dataloader_num_workers, preprocessing done before training); stop the job if it is stuck.',
        });
      }
    }
  }
  for (const s of system('GPUMemoryUtilization')) {
    const last = s.points.at(-1)![1];
    if (last / perGpu >= GPU_MEMORY_CEILING_PERCENT) {
      warnings.push({
        kind: 'gpu-memory-ceiling',
        host: s.host!,
        message: `${s.host}: GPU memory at ${(last / perGpu).toFixed(0)} % — an out-of-memory failure is likely.`,
        action:
          'Lower per_device_train_batch_size and raise gradient_accumulation_steps to keep the effective batch, turn on gradient_checkpointing or bf16, or choose an instance with more GPU memory.',
      });
    }
  }
  for (const s of system('DiskUtilization')) {
    const last = s.points.at(-1)![1];
    if (last >= DISK_FULL_PERCENT) {
      warnings.push({
        kind: 'disk-full',
        host: s.host!,
        message: `${s.host}: disk ${last.toFixed(0)} % full.`,
        action: 'Raise volume_size in the job file, and keep fewer checkpoints (save_total_limit) or write them to /opt/ml/checkpoints so SageMaker moves them to S3.',
      });
    }
  }
  for (const s of input.series.filter((x) => x.source === 'log' && (x.name === 'loss' || x.name === 'train_loss' || x.name === 'eval_loss'))) {
    const bad = s.points.find(([, v]) => !Number.isFinite(v));
    if (bad) {
      warnings.push({
        kind: 'loss-nan',
        ...(s.host ? { host: s.host } : {}),
        message: `${s.host ?? 'the job'}: ${s.name} became ${Number.isNaN(bad[1]) ? 'NaN' : 'infinite'} — the run is no longer learning.`,
        action: 'Lower learning_rate, keep max_grad_norm (gradient clipping) on, use bf16 rather than fp16, and look for bad samples (empty labels) in the data.',
      });
      continue;
    }
    if (s.name !== 'loss' || s.points.length < 10) continue;
    const values = s.points.map(([, v]) => v);
    const min = Math.min(...values);
    const recent = values.slice(-3);
    const recentMean = recent.reduce((a, b) => a + b, 0) / recent.length;
    const first = values.slice(0, 3).reduce((a, b) => a + b, 0) / 3;
    if (recentMean > first * 1.5 && recentMean > min * 3) {
      warnings.push({
        kind: 'loss-diverging',
        ...(s.host ? { host: s.host } : {}),
        message: `${s.host ?? 'the job'}: the training loss is rising (${recentMean.toPrecision(3)} now, ${min.toPrecision(3)} at best) — the run is diverging.`,
        action: 'Lower learning_rate or lengthen warmup (warmup_ratio), keep gradient clipping on; resume from the last good checkpoint rather than waiting.',
      });
    }
  }
  const rated = input.progress.filter((p) => p.stepsPerSecond !== undefined && (p.maxSteps === undefined || (p.step ?? 0) < p.maxSteps));
  if (rated.length >= 2) {
    const fastest = Math.max(...rated.map((p) => p.stepsPerSecond!));
    for (const p of rated) {
      if (p.stepsPerSecond! < fastest * STRAGGLER_SHARE) {
        warnings.push({
          kind: 'straggler',
          host: p.host,
          message: `${p.host} is far slower than the others (${p.stepsPerSecond!.toFixed(2)} steps/s against ${fastest.toFixed(2)}) — with distributed training every host waits for it.`,
          action: `Compare ${p.host}'s CPU, GPU and disk lines with the others'; uneven data shards or a slow input channel are the usual causes. Stopping and relaunching gets other instances.`,
        });
      }
    }
  }
  return warnings;
}
