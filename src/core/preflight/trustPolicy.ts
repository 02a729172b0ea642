/**
 * Does a role's trust policy let SageMaker assume it? IAM GetRole returns the policy URL-encoded
 * (RFC 3986); this reads that or plain JSON and evaluates the statements the way IAM would for
 * the one request that matters: sagemaker.amazonaws.com calling sts:AssumeRole. Conditions are
 * not evaluated (SageMaker's own requests satisfy the usual aws:SourceAccount / aws:SourceArn
 * ones), only reported.
 */
import { SAGEMAKER_SERVICE_PRINCIPAL } from './nextSteps';

export interface TrustVerdict {
  trusted: boolean;
  /** One sentence for the checklist. */
  reason: string;
  /** The principals the policy lets assume the role, for a message that says who is trusted instead. */
  principals: string[];
}

// China regions have used the .com.cn form of service principals.
const SAGEMAKER_PRINCIPALS = new Set([SAGEMAKER_SERVICE_PRINCIPAL, `${SAGEMAKER_SERVICE_PRINCIPAL}.cn`]);

/** The policy document as an object: URL-decoded when it came from IAM, parsed as JSON; undefined when unreadable. */
export function decodePolicyDocument(raw: string | undefined): unknown {
  if (!raw) return undefined;
  const text = raw.trim();
  const attempts = text.startsWith('{') ? [text] : [safeDecode(text), text];
  for (const candidate of attempts) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // Try the next form.
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  Condition?: unknown;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return asList(value).filter((v): v is string => typeof v === 'string');
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/** The principals of a statement, flattened to strings (`Service:x`, `AWS:arn…`, `*`). */
function principalsOf(statement: Statement): string[] {
  const p = statement.Principal;
  if (p === '*') return ['*'];
  if (!p || typeof p !== 'object') return [];
  return Object.entries(p as Record<string, unknown>).flatMap(([kind, v]) => strings(v).map((value) => (value === '*' ? '*' : `${kind}:${value}`)));
}

function coversSageMaker(statement: Statement): boolean {
  const assumes = strings(statement.Action).some((a) => actionMatches(a, 'sts:AssumeRole'));
  if (!assumes) return false;
  return principalsOf(statement).some((p) => p === '*' || (p.startsWith('Service:') && SAGEMAKER_PRINCIPALS.has(p.slice('Service:'.length))));
}

export function sagemakerTrust(document: unknown): TrustVerdict {
  if (!document || typeof document !== 'object') {
    return { trusted: false, reason: 'its trust policy could not be read', principals: [] };
  }
  const statements = asList((document as { Statement?: unknown }).Statement).filter((s): s is Statement => typeof s === 'object' && s !== null);
  const allow = statements.filter((s) => s.Effect === 'Allow');
  const principals = [...new Set(allow.filter((s) => strings(s.Action).some((a) => actionMatches(a, 'sts:AssumeRole'))).flatMap(principalsOf))];
  const denied = statements.some((s) => s.Effect === 'Deny' && coversSageMaker(s) && s.Condition === undefined);
  if (denied) {
    return { trusted: false, reason: `its trust policy denies ${SAGEMAKER_SERVICE_PRINCIPAL} sts:AssumeRole`, principals };
  }
  const granting = allow.filter(coversSageMaker);
  if (granting.length === 0) {
    const who = principals.length > 0 ? `it trusts ${principals.join(', ')}` : 'its trust policy allows no one to assume it';
    return { trusted: false, reason: `${who}, not ${SAGEMAKER_SERVICE_PRINCIPAL}`, principals };
  }
  const wildcard = granting.every((s) => principalsOf(s).includes('*'));
  const conditional = granting.every((s) => s.Condition !== undefined);
  const notes = [
    wildcard ? 'through a "*" principal, which lets anyone assume it' : undefined,
    conditional ? "under conditions, which SageMaker's requests are assumed to meet" : undefined,
  ].filter(Boolean);
  return { trusted: true, reason: `trusts ${SAGEMAKER_SERVICE_PRINCIPAL}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`, principals };
}
