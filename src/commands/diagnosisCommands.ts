import * as vscode from 'vscode';
import type { Diagnosis } from '../core/diagnosis/diagnoseJob';
import { Cancelled } from '../host/commandRunner';
import { diagnoseTrainingJob } from '../host/jobDiagnosis';
import { findOnPath, missingTools, ssmStartSessionArgs } from '../host/sessionManager';
import { JobNode } from '../views/jobNodes';
import type { JobArg, JobCommandDeps } from './jobCommands';

/**
 * Show Diagnosis (tree, notification, palette) and Open Terminal on algo-N (an InProgress cloud
 * job). Show Diagnosis returns the diagnosis it showed (for tests and the dashboard).
 */
export function diagnosisCommands(deps: JobCommandDeps) {
  const job = async (arg: JobArg, filter: (origin: 'cloud' | 'local', status: string) => boolean) => {
    if (arg instanceof JobNode) return { name: arg.view.name, origin: arg.origin };
    if (typeof arg === 'string') return { name: arg, origin: deps.tree.findJob(arg)?.origin ?? ('cloud' as const) };
    const items = [...deps.tree.jobs()]
      .map((v) => ({ v, origin: deps.tree.findJob(v.name)?.origin ?? ('cloud' as const) }))
      .filter(({ v, origin }) => filter(origin, v.status))
      .map(({ v, origin }) => ({ label: v.name, description: `${v.status}${origin === 'local' ? ' · local' : ''}`, origin }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Training job', placeHolder: items.length ? 'Pick a training job' : 'No such job in the Training Jobs view' });
    if (!picked) throw new Cancelled();
    return { name: picked.label, origin: picked.origin };
  };

  return {
    showDiagnosis: async (arg: JobArg): Promise<Diagnosis> => {
      const picked = await job(arg, (_o, status) => status === 'Failed' || status === 'Stopped');
      const diagnosis = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Diagnosing ${picked.name}…` }, () =>
        diagnoseTrainingJob({ services: deps.services, describe: (n) => deps.tree.description(n) }, picked.name, picked.origin),
      );
      await showDiagnosisPick(diagnosis, deps);
      return diagnosis;
    },

    openTerminal: async (arg: JobArg, hostArg?: string): Promise<vscode.Terminal> => {
      const picked = await job(arg, (origin, status) => origin === 'cloud' && status === 'InProgress');
      const description = await deps.tree.description(picked.name);
      if (description.TrainingJobStatus !== 'InProgress') throw new Error(`${picked.name} is ${description.TrainingJobStatus}: a shell needs a running job.`);
      const count = description.ResourceConfig?.InstanceCount ?? 1;
      const hosts = Array.from({ length: count }, (_, i) => `algo-${i + 1}`);
      const host =
        typeof hostArg === 'string' && hosts.includes(hostArg)
          ? hostArg
          : hosts.length === 1
            ? hosts[0]!
            : await vscode.window.showQuickPick(hosts, { title: `Open a terminal on a host of ${picked.name}` });
      if (!host) throw new Cancelled();
      if ((description as { RemoteDebugConfig?: { EnableRemoteDebug?: boolean } }).RemoteDebugConfig?.EnableRemoteDebug !== true) {
        const go = await vscode.window.showWarningMessage(
          `${picked.name} was not launched with enable_remote_debug: true, so SageMaker did not start the SSM agent in its container and the session will be refused.`,
          { modal: true, detail: 'Add enable_remote_debug: true to the job file and launch again to shell into its hosts.' },
          'Try Anyway',
        );
        if (go !== 'Try Anyway') throw new Cancelled();
      }
      const missing = missingTools(process.env);
      if (missing.length > 0) {
        const what = missing.map((m) => m.name).join(' and ');
        const choice = await vscode.window.showErrorMessage(
          `A shell on ${host} needs ${what} on PATH (not found). ${missing.map((m) => m.how).join(' ')}`,
          ...missing.map((m) => m.button),
        );
        const chosen = missing.find((m) => m.button === choice);
        if (chosen) void vscode.env.openExternal(vscode.Uri.parse(chosen.url));
        throw new Cancelled();
      }
      const region = deps.tree.findJob(picked.name)?.view.region ?? (await deps.services.aws.clients().region());
      const profile = deps.services.aws.profileName();
      const terminal = vscode.window.createTerminal({
        name: `${picked.name} ${host}`,
        shellPath: findOnPath('aws', process.env)!,
        shellArgs: ssmStartSessionArgs(picked.name, host, region, profile),
      });
      terminal.show();
      return terminal;
    },
  };
}

interface DiagnosisItem extends vscode.QuickPickItem {
  open?: { file: string; line: number };
  full?: boolean;
}

/** The diagnosis as a pick: cause, fix, each traceback's mapped frames (picking one opens it at its line), and the full text. */
async function showDiagnosisPick(d: Diagnosis, deps: JobCommandDeps): Promise<void> {
  const { causeTraceback, frameToOpen } = require('../core/diagnosis/diagnoseJob') as typeof import('../core/diagnosis/diagnoseJob');
  if (!d.cause) {
    void vscode.window.showInformationMessage(`${d.job} is ${d.status}: it did not fail, there is nothing to diagnose.`);
    return;
  }
  const items: DiagnosisItem[] = [
    { label: `$(error) ${d.cause.kind}${d.cause.host ? ` on ${d.cause.host}` : ''}`, detail: d.cause.message, full: true },
    { label: '$(lightbulb) Fix', detail: d.cause.fix, full: true },
  ];
  const first = causeTraceback(d);
  const target = first ? frameToOpen(first) : undefined;
  for (const t of d.tracebacks) {
    // A separator's label is drawn over its first row, so it stays short; the error goes in that row's detail.
    items.push({ label: `${t.host} traceback`, kind: vscode.QuickPickItemKind.Separator });
    let first = true;
    for (const f of [...t.frames].reverse()) {
      if (f.local === null) continue;
      items.push({
        label: `$(go-to-file) ${vscode.workspace.asRelativePath(f.local)}:${f.line}`,
        description: `${t.host} · ${f.file}:${f.line}`,
        ...(first ? { detail: t.error } : {}),
        open: { file: f.local, line: f.line },
      });
      first = false;
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(markdown) Open the Full Diagnosis', full: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: `${d.job}: ${d.status}${d.failedIn ? ` during ${d.failedIn.status}` : ''}`,
    placeHolder: target ? `Pick a frame to open it (the error is at ${vscode.workspace.asRelativePath(target.local)}:${target.line})` : 'No frame maps to a workspace file',
    matchOnDetail: true,
  });
  if (!picked) return;
  if (picked.open) await openAt(picked.open.file, picked.open.line);
  else if (picked.full) await deps.services.documents.show(`${d.job}.diagnosis.md`, diagnosisMarkdown(d));
}

export async function openAt(file: string, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: true });
}

/** The diagnosis as markdown: the text form, with each mapped frame a link to its file and line. */
export function diagnosisMarkdown(d: Diagnosis): string {
  const { formatDiagnosis } = require('../core/diagnosis/diagnoseJob') as typeof import('../core/diagnosis/diagnoseJob');
  const lines = formatDiagnosis(d).map((l) => l.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`));
  const links: string[] = [];
  for (const t of d.tracebacks) {
    for (const f of t.frames) {
      if (f.local !== null)
        links.push(
          `- [${t.host} · ${vscode.workspace.asRelativePath(f.local)}:${f.line}](${vscode.Uri.file(f.local)
            .with({ fragment: `L${f.line}` })
            .toString()})`,
        );
    }
  }
  return `# ${d.job}\n\n${lines.join('  \n')}\n${links.length ? `\n## Frames in your code\n\n${links.join('\n')}\n` : ''}`;
}
