import * as vscode from 'vscode';
import type { Checklist, CheckItem } from '../core/preflight/checklist';
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
    void showChecklist(checklist, doc ? vscode.workspace.asRelativePath(doc.uri) : undefined);
    return checklist;
  };
}

export async function showChecklist(checklist: Checklist, file?: string): Promise<void> {
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
