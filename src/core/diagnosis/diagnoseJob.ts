/**
 * The failure triage of a training job, cloud or local, in the order a person reads it:
 *
 * 1. FailureReason and the secondary status the job was in when it failed;
 * 2. the first Python traceback of each host, its frames under /opt/ml/code mapped to the
 *    workspace files of the job's source_dir;
 * 3. the cause, classified (classify.ts), with the fix.
 *
 * Pure: the caller brings DescribeTrainingJob (or a local job's job.json), every host's log lines
 * and where source_dir is; the CLI (`sagemaker-hf diagnose`), the end-of-job notification and the
 * dashboard render the same `Diagnosis`. Its JSON form is what `diagnose --json` prints.
 */
import { classifyFailure } from './classify';
import type { DiagnosisJob, FailureCause } from './classify';
import { mapFrameFile } from './frameMapping';
import type { SourceMapping } from './frameMapping';
import { firstTraceback } from './traceback';
import type { HostLog, ParsedTraceback } from './traceback';
import type { LogLine } from '../logs/logCursor';

/** Lines a caller keeps per host for a diagnosis: a failure's first traceback and last lines are near its end. */
export const DIAGNOSIS_LINES_PER_HOST = 5000;

export interface DiagnosisFrame {
  /** As Python printed it. */
  file: string;
  line: number;
  /** The workspace file it came from (written like SourceMapping.sourceDir), or null when it is not the job's code. */
  local: string | null;
}

export interface HostTraceback {
  host: string;
  /** The exception line at the end of the traceback. */
  error: string;
  /** Outermost first. */
  frames: DiagnosisFrame[];
}

export interface Diagnosis {
  job: string;
  /** TrainingJobStatus. */
  status: string;
  failureReason: string | null;
  /** The secondary status the job was in when it failed (e.g. Training, Downloading), with its message. */
  failedIn: { status: string; message: string | null } | null;
  /** Null when the job did not fail. */
  cause: FailureCause | null;
  /** One per host that printed a traceback, in host order. */
  tracebacks: HostTraceback[];
}

export interface DiagnoseInput {
  job: DiagnosisJob;
  /** Every host's log (or its last lines: at least the 30 before the end). */
  logs: readonly HostLog[];
  /** Where the job's source_dir is; without it no frame is mapped. */
  source?: SourceMapping;
}

/** Secondary statuses a job ends in, which say how it ended rather than where. */
const ENDING_STATUSES = new Set(['Failed', 'Stopped', 'Stopping', 'Completed', 'MaxRuntimeExceeded', 'MaxWaitTimeExceeded', 'Interrupted']);

/**
 * Whether a job ended in a failure worth diagnosing: Failed, or Stopped by SageMaker (its
 * max_run or max_wait reached, or a spot interruption); a job stopped by its user did not fail.
 */
export function jobFailed(job: Pick<DiagnosisJob, 'TrainingJobStatus' | 'SecondaryStatus'>): boolean {
  if (job.TrainingJobStatus === 'Failed') return true;
  return job.TrainingJobStatus === 'Stopped' && ['MaxRuntimeExceeded', 'MaxWaitTimeExceeded', 'Interrupted'].includes(job.SecondaryStatus ?? '');
}

/** The diagnosis of a job; for a job that did not fail, its status with no cause. */
export function diagnoseJob(input: DiagnoseInput): Diagnosis {
  const { job } = input;
  const logs = [...input.logs].sort((a, b) => compareHosts(a.host, b.host));
  const failed = jobFailed(job);
  const parsed = failed ? logs.map(firstTraceback).filter((t): t is ParsedTraceback => t !== undefined) : [];
  return {
    job: job.TrainingJobName ?? '',
    status: job.TrainingJobStatus ?? 'Unknown',
    failureReason: job.FailureReason ?? null,
    failedIn: failed ? failedIn(job) : null,
    cause: failed ? classifyFailure(job, logs, parsed) : null,
    tracebacks: parsed.map((t) => ({
      host: t.host,
      error: t.error,
      frames: t.frames.map((f) => ({ file: f.file, line: f.line, local: mapFrameFile(f.file, input.source) })),
    })),
  };
}

/** The last secondary status before the job's ending one. */
function failedIn(job: DiagnosisJob): Diagnosis['failedIn'] {
  const transitions = job.SecondaryStatusTransitions ?? [];
  for (let i = transitions.length - 1; i >= 0; i--) {
    const t = transitions[i]!;
    if (t.Status && !ENDING_STATUSES.has(t.Status)) return { status: t.Status, message: t.StatusMessage ?? null };
  }
  return null;
}

/** CloudWatch lines (all hosts, as the log tail delivers them) grouped per host, each host's order kept. */
export function hostLogsFromLines(lines: readonly LogLine[]): HostLog[] {
  const byHost = new Map<string, Array<{ message: string; timestamp: number }>>();
  for (const line of lines) {
    let list = byHost.get(line.host);
    if (!list) byHost.set(line.host, (list = []));
    list.push({ message: line.message, timestamp: line.timestamp });
  }
  return [...byHost].map(([host, hostLines]) => ({ host, lines: hostLines })).sort((a, b) => compareHosts(a.host, b.host));
}

/** algo-2 before algo-10. */
export function compareHosts(a: string, b: string): number {
  const na = /^algo-(\d+)$/.exec(a)?.[1];
  const nb = /^algo-(\d+)$/.exec(b)?.[1];
  if (na !== undefined && nb !== undefined) return Number(na) - Number(nb);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The frame to open for a traceback: the innermost one mapped to a workspace file (the user's own
 * line nearest the error), or undefined when none maps.
 */
export function frameToOpen(traceback: HostTraceback): (DiagnosisFrame & { local: string }) | undefined {
  for (let i = traceback.frames.length - 1; i >= 0; i--) {
    const frame = traceback.frames[i]!;
    if (frame.local !== null) return frame as DiagnosisFrame & { local: string };
  }
  return undefined;
}

/** The traceback of the cause's host (else the first one): what "Show Diagnosis" opens. */
export function causeTraceback(diagnosis: Diagnosis): HostTraceback | undefined {
  return diagnosis.tracebacks.find((t) => t.host === diagnosis.cause?.host) ?? diagnosis.tracebacks[0];
}

/** The diagnosis as text, for the terminal and the notification's detail: reason, where, cause and fix, tracebacks, last lines. */
export function formatDiagnosis(d: Diagnosis): string[] {
  if (!d.cause) return [`${d.job} is ${d.status}: it did not fail, there is nothing to diagnose.`];
  const lines: string[] = [`${d.job}: ${d.status}${d.failedIn ? ` during ${d.failedIn.status}${d.failedIn.message ? ` (${d.failedIn.message})` : ''}` : ''}`];
  if (d.failureReason) {
    const [first, ...rest] = d.failureReason.split('\n');
    lines.push(`FailureReason: ${first}`, ...rest.map((l) => `  ${l}`));
  }
  lines.push('', `Cause: ${d.cause.kind}${d.cause.host ? ` on ${d.cause.host}` : ''}`, `  ${d.cause.message}`, `Fix: ${d.cause.fix}`);
  for (const t of d.tracebacks) {
    lines.push('', `First traceback on ${t.host}: ${t.error}`);
    for (const f of t.frames) lines.push(`  ${f.file}:${f.line}${f.local !== null ? `  →  ${f.local}:${f.line}` : ''}`);
  }
  if (d.cause.lines && d.cause.lines.length > 0) {
    lines.push('', `Last ${d.cause.lines.length} lines of ${d.cause.host}:`);
    for (const l of d.cause.lines) lines.push(`  ${l}`);
  }
  return lines;
}
