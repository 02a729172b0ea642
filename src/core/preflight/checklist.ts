/**
 * The setup check's result: one item per thing that can stop a training job before it starts
 * (credentials, region, the execution role, buckets, the instance type, its quota, the image),
 * each passed, failed or unknown, with the fix a user can act on. Launch refuses on a failed
 * blocking item unless the user overrides; an unknown item never blocks, because "could not
 * check" is not evidence that something is wrong.
 */

export type CheckStatus = 'passed' | 'failed' | 'unknown';

export type CheckKind = 'credentials' | 'region' | 'role' | 'bucket' | 'instanceType' | 'quota' | 'image';

/** What to do about a failed or unknown item: one sentence, and whatever makes it copy-and-paste. */
export interface NextStep {
  action: string;
  /** A shell command that does it (AWS CLI). */
  command?: string;
  /** The console page where it is done. */
  url?: string;
  /** A document to paste, e.g. the trust policy JSON. */
  document?: string;
  /** "Request increase": the Service Quotas request this step makes (RequestServiceQuotaIncrease). */
  requestQuota?: { quotaCode: string; quotaName: string; desiredValue: number; region: string };
}

export interface CheckItem {
  /** Stable within one checklist: the kind, plus the bucket name for buckets (`bucket:my-bucket`). */
  id: string;
  kind: CheckKind;
  title: string;
  status: CheckStatus;
  /** When failed, the job cannot start (or would fail at once); launch refuses unless overridden. */
  blocking: boolean;
  /** What was found; for unknown items, why it could not be checked. */
  detail: string;
  nextStep?: NextStep;
  /** Served from the preflight cache rather than asked again. */
  cached?: boolean;
}

export interface Checklist {
  items: CheckItem[];
  region?: string;
  accountId?: string;
  /** The caller's ARN (STS GetCallerIdentity). */
  principal?: string;
  /** ISO 8601. */
  checkedAt: string;
}

export interface ChecklistSummary {
  passed: number;
  failed: number;
  unknown: number;
  /** Failed items that stop a launch. */
  blocking: number;
}

export function summarizeChecklist(checklist: Checklist): ChecklistSummary {
  const count = (status: CheckStatus) => checklist.items.filter((i) => i.status === status).length;
  return { passed: count('passed'), failed: count('failed'), unknown: count('unknown'), blocking: blockingFailures(checklist).length };
}

/** The items a launch must not go past without the user's say-so. */
export function blockingFailures(checklist: Checklist): CheckItem[] {
  return checklist.items.filter((i) => i.status === 'failed' && i.blocking);
}

/** True when nothing blocks: every item passed, could not be checked, or failed without blocking. */
export function isReadyToLaunch(checklist: Checklist): boolean {
  return blockingFailures(checklist).length === 0;
}

const MARK: Record<CheckStatus, string> = { passed: '✓', failed: '✗', unknown: '?' };

/**
 * The checklist for a terminal: a line per item, its detail, and the next step indented below
 * failed and unknown items. Plain text, no colour: it is also what gets pasted into an issue.
 */
export function renderChecklistText(checklist: Checklist): string {
  const lines: string[] = [];
  const where = [checklist.accountId ? `account ${checklist.accountId}` : undefined, checklist.region ? `region ${checklist.region}` : undefined].filter(Boolean);
  lines.push(`Setup check${where.length > 0 ? ` (${where.join(', ')})` : ''}`);
  for (const item of checklist.items) {
    const label = item.status === 'failed' ? (item.blocking ? 'FAILED' : 'warning') : item.status;
    lines.push(`  ${MARK[item.status]} ${label.padEnd(7)} ${item.title}${item.cached ? ' (cached)' : ''}`);
    for (const line of item.detail.split('\n')) lines.push(`              ${line}`);
    if (item.nextStep && item.status !== 'passed') {
      lines.push(`              → ${item.nextStep.action}`);
      if (item.nextStep.url) lines.push(`                ${item.nextStep.url}`);
      if (item.nextStep.command) lines.push(`                $ ${item.nextStep.command}`);
      if (item.nextStep.document) for (const docLine of item.nextStep.document.split('\n')) lines.push(`                ${docLine}`);
    }
  }
  const s = summarizeChecklist(checklist);
  const verdict = s.blocking > 0 ? `${s.blocking} blocking problem${s.blocking === 1 ? '' : 's'}: a launch would fail before training starts` : 'nothing blocks a launch';
  lines.push(`${s.passed} passed, ${s.failed} failed, ${s.unknown} could not be checked — ${verdict}.`);
  return `${lines.join('\n')}\n`;
}
