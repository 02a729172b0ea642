/**
 * What a tail prints when the job ends: the SDK's closing lines (training and billable seconds times
 * the instance count, the managed spot savings; its failure message or its warning for a stopped
 * job), and, for a failure, the log lines that explain it and hints for the failures users keep
 * hitting with distributed Hugging Face jobs (opaque MPI aborts, smddprun, ExecuteUserScriptError,
 * CUDA out of memory, ResourceLimitExceeded).
 */
import { instanceCountOf } from '../jobs/trainingJobDescription';
import type { TrainingJobDescription } from '../jobs/trainingJobDescription';
import { formatLogLine } from './logFormat';
import { formatDuration } from '../format';
import { isCapacityWait } from '../jobs/trainingJobView';
import { mergeByTimestamp } from './logCursor';
import type { LogLine } from './logCursor';

export const SDK_TROUBLESHOOTING_URL = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-python-sdk-troubleshooting.html';

export type FailureHintCode = 'cudaOutOfMemory' | 'hostOutOfMemory' | 'resourceLimitExceeded' | 'capacity' | 'maxRuntime' | 'smddprun' | 'mpi' | 'executeUserScript';

export interface FailureHint {
  code: FailureHintCode;
  message: string;
}

export interface FailureExplanation {
  /** The lines that explain the failure, in log order. */
  lines: LogLine[];
  /** Lines left out of the middle of a long block (its start and its end are kept). */
  omitted: number;
}

export interface JobEndSummary {
  jobName: string;
  status: string;
  instanceCount: number;
  /** TrainingTimeInSeconds × instances, as the SDK prints it. */
  trainingSeconds?: number;
  /** BillableTimeInSeconds × instances. */
  billableSeconds?: number;
  /** (1 − billable / training) × 100 for managed spot jobs. */
  spotSavingsPercent?: number;
  /** Seconds the job waited for capacity (Pending, or a status message about capacity). */
  capacityWaitSeconds?: number;
  failureReason?: string;
  explanation: FailureExplanation;
  hints: FailureHint[];
  /** The whole summary as printed, line by line. */
  lines: string[];
}

export interface JobEndSummaryOptions {
  /** At most this many explaining lines (default 20). */
  maxExplainingLines?: number;
}

export function summarizeJobEnd(description: TrainingJobDescription, recentLines: readonly LogLine[], options: JobEndSummaryOptions = {}): JobEndSummary {
  const jobName = description.TrainingJobName ?? '';
  const status = description.TrainingJobStatus ?? 'Unknown';
  const instanceCount = instanceCountOf(description);
  const summary: JobEndSummary = { jobName, status, instanceCount, explanation: { lines: [], omitted: 0 }, hints: [], lines: [] };
  const lines = summary.lines;

  if (status === 'Failed') {
    const reason = description.FailureReason ?? '(No reason provided)';
    summary.failureReason = reason;
    lines.push(`Error for Training job ${jobName}: ${status}. Reason: ${reason}. Check troubleshooting guide for common errors: ${SDK_TROUBLESHOOTING_URL}`);
    summary.explanation = explainFailure(recentLines, options.maxExplainingLines ?? 20);
    if (summary.explanation.lines.length > 0) {
      lines.push('Last lines before the failure:');
      summary.explanation.lines.forEach((line, i) => {
        if (summary.explanation.omitted > 0 && i === Math.ceil(summary.explanation.lines.length / 2)) {
          lines.push(`  … ${summary.explanation.omitted} more line${summary.explanation.omitted === 1 ? '' : 's'} …`);
        }
        lines.push(`  ${formatLogLine(line)}`);
      });
    }
    summary.hints = failureHints(reason, recentLines, description);
    if (summary.hints.length > 0) {
      lines.push('Hints:');
      for (const hint of summary.hints) lines.push(`  - ${hint.message}`);
    }
  } else if (status === 'Stopped') {
    lines.push(
      "Job ended with status 'Stopped' rather than 'Completed'. This could mean the job timed out or stopped early for some other reason: Consider checking whether it completed as you expect.",
    );
  }

  // Customers are not billed for provisioning, so billable time can be less than training time.
  const training = description.TrainingTimeInSeconds;
  const billable = description.BillableTimeInSeconds;
  if (training !== undefined) {
    summary.trainingSeconds = training * instanceCount;
    lines.push(`Training seconds: ${summary.trainingSeconds}`);
  }
  if (billable !== undefined) {
    summary.billableSeconds = billable * instanceCount;
    lines.push(`Billable seconds: ${summary.billableSeconds}`);
    if (description.EnableManagedSpotTraining && training) {
      summary.spotSavingsPercent = (1 - billable / training) * 100;
      lines.push(`Managed Spot Training savings: ${pythonFixed1(summary.spotSavingsPercent)}%`);
    }
  }
  const waits = (description.SecondaryStatusTransitions ?? []).filter(
    (t) => isCapacityWait({ status: t.Status ?? '', message: t.StatusMessage ?? '' }) && t.StartTime && t.EndTime,
  );
  if (waits.length > 0) {
    summary.capacityWaitSeconds = Math.round(waits.reduce((n, t) => n + (t.EndTime!.getTime() - t.StartTime!.getTime()), 0) / 1000);
    lines.push(`Waited for capacity: ${formatDuration(summary.capacityWaitSeconds)}`);
  }
  return summary;
}

/** Python's `'{:.1f}'.format(x)`: like toFixed(1), but an exact tie rounds to even, as Python does. */
export function pythonFixed1(x: number): string {
  // toFixed(60) spells out the double's exact value, so only true ties (70.25, not 70.35) qualify.
  const digits = Math.abs(x).toFixed(60).split('.')[1] ?? '';
  if (digits[1] === '5' && /^0*$/.test(digits.slice(2))) {
    const down = Math.trunc(Math.abs(x) * 10);
    const even = down % 2 === 0 ? down : down + 1;
    return `${x < 0 ? '-' : ''}${(even / 10).toFixed(1)}`;
  }
  return x.toFixed(1);
}

/** SDK fw_utils `SM_DATAPARALLEL_SUPPORTED_INSTANCE_TYPES` (without `local_gpu`). */
const SMDDP_INSTANCE_TYPES: readonly string[] = ['ml.p3.16xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge'];

// Neither pattern is anchored, so the rank tags `mpirun --tag-output` puts before a line
// (`[1,3]<stderr>:Traceback …`) never stop a match.
const TRACEBACK = /Traceback \(most recent call last\)/;
const ERRORISH = /Traceback \(most recent call last\)|\b\w*(?:Error|Exception)\b|\bERROR\b|MPI_ABORT|\bKilled\b|Segmentation fault|CUDA out of memory|exit code|ExitCode/;

/**
 * The block that explains a failure: from the first traceback (or, without one, the first
 * error-looking line) of the host that failed first, in that host's order. A long block keeps its
 * start (where the traceback begins) and its end (where Python prints the exception).
 */
export function explainFailure(recentLines: readonly LogLine[], max = 20): FailureExplanation {
  const earliest = (pattern: RegExp): LogLine | undefined => {
    let found: LogLine | undefined;
    for (const line of recentLines) {
      if (pattern.test(line.message) && (found === undefined || line.timestamp < found.timestamp)) found = line;
    }
    return found;
  };
  const anchor = earliest(TRACEBACK) ?? earliest(ERRORISH);
  if (!anchor) {
    return { lines: recentLines.slice(-Math.min(max, 10)), omitted: 0 };
  }
  const hostLines = recentLines.filter((l) => l.stream === anchor.stream);
  const block = hostLines.slice(hostLines.indexOf(anchor));
  if (block.length <= max) return { lines: block, omitted: 0 };
  const head = Math.ceil(max / 2);
  const tail = max - head;
  return { lines: [...block.slice(0, head), ...block.slice(block.length - tail)], omitted: block.length - max };
}

/** Hints for the failure reason and the lines before it; most specific first. */
export function failureHints(reason: string, recentLines: readonly LogLine[], description: TrainingJobDescription = {}): FailureHint[] {
  const text = [reason, ...recentLines.map((l) => l.message)].join('\n');
  const instanceType: string | undefined = description.ResourceConfig?.InstanceType ?? description.ResourceConfig?.InstanceGroups?.[0]?.InstanceType;
  const hints: FailureHint[] = [];
  const add = (code: FailureHintCode, message: string) => hints.push({ code, message });

  if (/CUDA out of memory|OutOfMemoryError: CUDA|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation/.test(text)) {
    add(
      'cudaOutOfMemory',
      'A GPU ran out of memory: lower per_device_train_batch_size (raise gradient_accumulation_steps to keep the effective batch size), turn on fp16/bf16 or gradient_checkpointing, shorten the maximum sequence lengths, or use an instance with larger GPUs (ml.p4d.24xlarge: 8 × 40 GB A100; ml.p4de.24xlarge: 8 × 80 GB).',
    );
  }
  if (/ExitCode 137\b|exit code:? 137\b|OutOfMemory: Process killed by SIGKILL|Out of memory: Killed process/.test(text)) {
    add(
      'hostOutOfMemory',
      'A process was killed by the kernel for lack of host memory (exit code 137): load the dataset lazily or in streaming mode, use fewer dataloader workers, or pick an instance with more RAM.',
    );
  }
  if (/ResourceLimitExceeded/.test(text)) {
    add(
      'resourceLimitExceeded',
      `Your account's quota for ${instanceType ?? "the job's instance type"} is too low ("${instanceType ?? '<instance type>'} for training job usage"): request an increase in Service Quotas (SageMaker), or choose another instance type or region. Debugger and profiler rules use processing-job quota too.`,
    );
  }
  if (/CapacityError|InsufficientInstanceCapacity|insufficient capacity/i.test(text)) {
    add(
      'capacity',
      `SageMaker had no ${instanceType ? `${instanceType} capacity` : 'capacity of the instance type'}: launch again later, in another region, or with another instance type; managed spot training with a longer max_wait also helps.`,
    );
  }
  if (/MaxRuntimeExceeded|MaxRuntimeInSeconds|exceeded (?:the )?max(?:imum)? ?run ?time/i.test(text)) {
    add('maxRuntime', 'The job reached its max_run limit: raise max_run (seconds, up to 28 days), or save checkpoints (checkpoint_s3_uri) and resume.');
  }
  const smddp = /smddprun|SMDataParallel|smdistributed\.dataparallel/.test(text);
  const smddpTrouble =
    !(instanceType && SMDDP_INSTANCE_TYPES.includes(instanceType)) ||
    /No module named '?smdistributed|smdistributed\S* (?:is )?not (?:supported|installed|found)|SMDDP\w* ?(?:Error|error|not supported)|smddprun[^\n]*(?:error|failed|not found)|NCCL (?:error|WARN .*failed)|libfabric[^\n]*(?:error|fail)/i.test(
      text,
    );
  if (smddp && smddpTrouble) {
    add(
      'smddprun',
      'The job ran smdistributed data parallel (smddprun). It works on ml.p3.16xlarge, ml.p3dn.24xlarge, ml.p4d.24xlarge and ml.p4de.24xlarge only (not on p5 or g5), and only with images that ship it (not the transformers 4.36 image); on newer images use distribution torch_distributed instead.',
    );
  }
  if (smddp || /MPI_ABORT|mpirun|\borted\b|\bORTE\b|Orted process|prterun|Primary job\s+terminated/.test(text)) {
    add(
      'mpi',
      'MPI only reports that a rank exited; the real error is what the rank that failed first printed. Look for the first traceback in the host lines above (a `[1,N]<stderr>` prefix names rank N), whichever host it is on.',
    );
  }
  if (/ExecuteUserScriptError/.test(text)) {
    const exitCode = /ExitCode (\d+)/.exec(text)?.[1];
    const exit = exitCode ? ` (exit code ${exitCode})` : '';
    add(
      'executeUserScript',
      `Your training script ended with an error${exit}; the traceback above is the script's own. Run the job file with the local backend to reproduce it in seconds before launching again.`,
    );
  }
  return hints;
}

/**
 * The last lines of each host, for explaining a failure at the end: a ring per host, so a chatty
 * host cannot push out the traceback of the one that failed.
 */
export class RecentLines {
  private readonly byStream = new Map<string, LogLine[]>();

  constructor(private readonly perHost = 200) {}

  add(lines: readonly LogLine[]): void {
    for (const line of lines) {
      let ring = this.byStream.get(line.stream);
      if (!ring) {
        ring = [];
        this.byStream.set(line.stream, ring);
      }
      ring.push(line);
      if (ring.length > this.perHost) ring.splice(0, ring.length - this.perHost);
    }
  }

  /** Every remembered line, all hosts merged by timestamp, each host's order kept. */
  lines(): LogLine[] {
    return mergeByTimestamp([...this.byStream.values()]);
  }
}
