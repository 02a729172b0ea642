/**
 * What a job's log channel (and `sagemaker-hf logs`) prints besides the raw lines: host labels and
 * the SageMaker Python SDK's status lines, worded and timed exactly as `estimator.logs()` prints
 * them (SDK v2 `session.py` `_logs_for_job`, `utils.py` `secondary_training_status_changed` /
 * `secondary_training_status_message`), so a notebook user recognises them.
 */
import type { RuleEvaluationStatus, TrainingJobDescription } from '../jobs/trainingJobDescription';
import type { LogLine } from './logCursor';

/**
 * `[algo-2] message`; each line of a multi-line event is labelled, so a channel stays readable.
 * Control characters are shown, not sent (see `showControlCharacters`).
 */
export function formatLogLine(line: Pick<LogLine, 'host' | 'message'>): string {
  const message = line.message.replace(/\r?\n$/, '');
  return message
    .split(/\r?\n/)
    .map((part) => `[${line.host}] ${showControlCharacters(part)}`)
    .join('\n');
}

// C0 controls but tab and line feed, DEL, the C1 controls (0x9b is a one-byte CSI, 0x9d a one-byte
// OSC to some terminals), and the bidirectional overrides and isolates, which reorder what follows.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that came from a training job (its log lines, failure reason, status messages), with every
 * control character written out as an escape (`\x1b`, `\r`, `\u202e`) instead of left for a
 * terminal to obey: a line in CloudWatch must not be able to write the clipboard (OSC 52), retitle
 * the window, clear the screen, move the cursor over earlier lines or reverse the text after it.
 * Tabs and line feeds stay. Backslashes are left alone, so applying it twice changes nothing.
 */
export function showControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the SDK formats `LastModifiedTime`. */
export function formatSdkTime(time: Date): string {
  return time.toISOString().slice(0, 19).replace('T', ' ');
}

/** The SDK's `secondary_training_status_changed`: the newest transition's message differs from the one printed last. */
export function secondaryStatusChanged(current: TrainingJobDescription, previous: TrainingJobDescription | undefined): boolean {
  const transitions = current.SecondaryStatusTransitions ?? [];
  if (transitions.length === 0) return false;
  const before = previous?.SecondaryStatusTransitions ?? [];
  const lastMessage = before.length > 0 ? (before[before.length - 1]!.StatusMessage ?? '') : '';
  return (transitions[transitions.length - 1]!.StatusMessage ?? '') !== lastMessage;
}

/**
 * The SDK's `secondary_training_status_message`: the transitions added since `previous` (all of them
 * when there is none; the newest alone when only its message changed), each as
 * `{time} {Status} - {StatusMessage}`. Each line carries its own transition's StartTime (issue 20):
 * the SDK stamps every line with the job's LastModifiedTime, so a log opened late showed all its
 * status lines at the time it was opened. LastModifiedTime stays the fallback for a transition
 * without a StartTime.
 */
export function secondaryStatusMessageLines(current: TrainingJobDescription, previous: TrainingJobDescription | undefined): string[] {
  const transitions = current.SecondaryStatusTransitions ?? [];
  if (transitions.length === 0) return [];
  const before = previous?.SecondaryStatusTransitions?.length ?? 0;
  // Python's `transitions[before - len(transitions):]`, negative index and all.
  const shown = transitions.length === before ? transitions.slice(-1) : transitions.slice(before - transitions.length);
  const fallback = current.LastModifiedTime ? formatSdkTime(current.LastModifiedTime) : '';
  return shown.map((t) => `${t.StartTime ? formatSdkTime(t.StartTime) : fallback} ${t.Status ?? ''} - ${t.StatusMessage ?? ''}`);
}

/**
 * What the SDK prints for a new DescribeTrainingJob answer: with no previous answer, every
 * transition so far (its first print); afterwards the new ones, only when the newest message changed.
 */
export function statusLinesSince(current: TrainingJobDescription, previous: TrainingJobDescription | undefined): string[] {
  if (previous === undefined) return secondaryStatusMessageLines(current, undefined);
  return secondaryStatusChanged(current, previous) ? secondaryStatusMessageLines(current, previous) : [];
}

/**
 * Debugger and profiler rule lines, `{RuleConfigurationName}: {RuleEvaluationStatus}`, printed for
 * every rule whenever any rule's status changed (the SDK's `_rule_statuses_changed`).
 */
export function ruleStatusLines(current: TrainingJobDescription, previous: TrainingJobDescription | undefined): string[] {
  const lines: string[] = [];
  for (const key of ['DebugRuleEvaluationStatuses', 'ProfilerRuleEvaluationStatuses'] as const) {
    const now = current[key] ?? [];
    if (now.length === 0) continue;
    if (!ruleStatusesChanged(now, previous?.[key])) continue;
    for (const rule of now) lines.push(`${rule.RuleConfigurationName ?? ''}: ${rule.RuleEvaluationStatus ?? ''}`);
  }
  return lines;
}

function ruleStatusesChanged(current: readonly RuleEvaluationStatus[], last: readonly RuleEvaluationStatus[] | undefined): boolean {
  if (!last || last.length === 0) return true;
  return current.some((rule, i) => {
    const before = last[i];
    return before !== undefined && before.RuleConfigurationName === rule.RuleConfigurationName && before.RuleEvaluationStatus !== rule.RuleEvaluationStatus;
  });
}

/** The line that stands for lines a history limit held back. */
export function omittedHistoryLine(omitted: number): string {
  return `… ${omitted} earlier line${omitted === 1 ? '' : 's'} not shown (history limit)`;
}
