import * as vscode from 'vscode';
import type { Checklist, CheckItem, NextStep } from '../core/preflight/checklist';
import { validateJobFile } from '../language/jobFileTools';
import { WalkthroughDone } from '../host/ids';
import type { Services } from '../host/services';
import { markWalkthroughStep } from '../host/walkthrough';
import { contextFor } from '../language/jobFileDiagnostics';
import { jobFileIfAny } from './jobFileTarget';

const ICON: Record<CheckItem['status'], string> = { passed: '$(pass-filled)', failed: '$(error)', unknown: '$(question)' };

/**
 * "Check Setup": credentials, region, the job's role, its buckets, the instance type's availability
 * and quota, and the image, as a checklist to read at a glance. Picking an item acts on its next
 * step: opens the console page, or copies the command or document to paste.
 */
export function checkSetup(services: Services) {
  return async (arg?: vscode.Uri): Promise<Checklist> => {
    // With no job file to go by, the checks that need one (role, buckets, instance type) are skipped.
    const doc = await jobFileIfAny(arg);
    const spec = doc ? validateJobFile(doc.getText(), contextFor(doc.uri, services.settings.region)).spec : undefined;
    const clients = services.aws.clients();
    const checklist = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking the AWS setup${doc ? ` for ${vscode.workspace.asRelativePath(doc.uri)}` : ''}…` },
      () => services.preflight.check(clients, spec, spec?.region ?? services.settings.region, true),
    );
    markWalkthroughStep(WalkthroughDone.setupChecked);
    void showChecklist(checklist, doc ? vscode.workspace.asRelativePath(doc.uri) : undefined, (r) => requestQuotaIncrease(services, r));
    return checklist;
  };
}

type QuotaRequest = NonNullable<NextStep['requestQuota']>;

/**
 * "Request increase": asks, then RequestServiceQuotaIncrease with the quota's code and the value the
 * job needs. Check Setup shows the request's status from then on, until it is approved or denied.
 * Returns the request's status, or undefined when not asked or refused (the refusal is shown).
 */
export async function requestQuotaIncrease(services: Services, r: QuotaRequest): Promise<string | undefined> {
  const request = 'Request Increase';
  const choice = await vscode.window.showInformationMessage(
    `Request an increase of "${r.quotaName}" to ${r.desiredValue} in ${r.region}?`,
    {
      modal: true,
      detail: `Service Quotas (quota code ${r.quotaCode}) sends it to AWS; approval takes from minutes to days. Check Setup shows its status until it is approved or denied.`,
    },
    request,
  );
  if (choice !== request) return undefined;
  const { requestQuotaIncrease: send, QuotaRequestError } = require('../aws/preflight/serviceQuotas') as typeof import('../aws/preflight/serviceQuotas');
  try {
    const result = await send(services.aws.clients(r.region).serviceQuotas(), r.quotaCode, r.desiredValue, r.quotaName);
    void vscode.window.showInformationMessage(`Requested "${r.quotaName}" = ${r.desiredValue}: ${result.status}. Run Check Setup again to see its status.`);
    return result.status;
  } catch (err) {
    if (err instanceof QuotaRequestError) {
      void vscode.window.showErrorMessage(err.message);
      return undefined;
    }
    throw err;
  }
}

export async function showChecklist(checklist: Checklist, file?: string, requestIncrease?: (r: QuotaRequest) => Promise<string | undefined>): Promise<void> {
  const failed = checklist.items.filter((i) => i.status === 'failed').length;
  const items = checklist.items.map((item) => ({
    label: `${ICON[item.status]} ${item.title}`,
    description: item.status === 'failed' && item.blocking ? 'blocks launch' : item.status,
    detail: [item.detail, item.nextStep ? `→ ${item.nextStep.action}` : ''].filter(Boolean).join('  '),
    item,
  }));
  const pick = vscode.window.createQuickPick<(typeof items)[number]>();
  pick.title = `Setup check${file ? ` for ${file}` : ''}: ${failed ? `${failed} failed` : 'all clear'}${checklist.accountId ? ` · account ${checklist.accountId}` : ''}${checklist.region ? ` · ${checklist.region}` : ''}`;
  pick.placeholder = 'Pick an item to act on its next step (open the page, or copy the command)';
  pick.items = items;
  pick.matchOnDetail = true;
  // A result to read, often opened from the walkthrough, whose page takes the focus back as it marks
  // the step done: it stays until Escape.
  pick.ignoreFocusOut = true;
  pick.onDidAccept(async () => {
    const step = pick.selectedItems[0]?.item.nextStep;
    if (!step) return;
    if (step.requestQuota && requestIncrease) {
      await requestIncrease(step.requestQuota);
      return;
    }
    if (step.url) await vscode.env.openExternal(vscode.Uri.parse(step.url));
    const paste = step.command ?? step.document;
    if (paste) {
      await vscode.env.clipboard.writeText(paste);
      void vscode.window.showInformationMessage(`Copied: ${paste.length > 80 ? `${paste.slice(0, 77)}…` : paste}`);
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}
