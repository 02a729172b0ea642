import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { Cancelled } from '../host/commandRunner';
import { CommandId } from '../host/ids';
import type { Services } from '../host/services';
import { JobNode } from '../views/jobNodes';
import type { TrainingJobsTree } from '../views/trainingJobsTree';

export interface DownloadDeps {
  services: Services;
  tree: TrainingJobsTree;
}

/**
 * "Download Model": a completed job's model streamed from S3 (or a local job's model.tar.gz)
 * into `<workspace>/models/<job>/`, with bytes, rate and cancel in a progress notification; then
 * offers the Model Card.
 */
export function downloadModel(deps: DownloadDeps) {
  /** `then: 'openModelCard'` opens the card right away instead of asking (the end-of-job notification's action). */
  return async (arg?: JobNode | string, then?: 'openModelCard'): Promise<string | undefined> => {
    const jobName = arg instanceof JobNode ? arg.view.name : typeof arg === 'string' ? arg : await pickCompleted(deps);
    const origin = arg instanceof JobNode ? arg.origin : (deps.tree.findJob(jobName)?.origin ?? 'cloud');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) throw new Error('Open a folder first: models are downloaded into its models/ folder.');
    const target = path.join(folder, 'models', jobName);
    const exists = await fs.readdir(target).then(
      (e) => e.length > 0,
      () => false,
    );
    if (exists) {
      const c = await vscode.window.showWarningMessage(
        `models/${jobName} already exists.`,
        { modal: true, detail: 'Replace it with a fresh download? The old folder is removed only once the new one is complete.' },
        'Replace',
      );
      if (c !== 'Replace') throw new Cancelled();
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading the model of ${jobName}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        const report = (bytes: number, total: number | undefined, rate: number) => {
          const increment = total ? ((bytes - reported) / total) * 100 : undefined;
          reported = bytes;
          progress.report({
            message: `${formatBytes(bytes)}${total ? ` of ${formatBytes(total)}` : ''} · ${formatBytes(rate)}/s`,
            ...(increment !== undefined ? { increment } : {}),
          });
        };
        try {
          if (origin === 'local') {
            const record = await deps.services.local.record(jobName);
            const archive = record?.Local.modelArtifact;
            if (!archive) throw new Error(`The local job ${jobName} has no model.tar.gz (it is ${record?.TrainingJobStatus ?? 'unknown'}).`);
            const { extractTarGzFile } = require('../artifacts/extractArchive') as typeof import('../artifacts/extractArchive');
            const started = Date.now();
            await extractTarGzFile(archive, target, {
              overwrite: true,
              recordHashes: true,
              signal: abort.signal,
              onProgress: (p) => report(p.bytesIn, undefined, p.bytesIn / Math.max(0.001, (Date.now() - started) / 1000)),
            });
          } else {
            const { downloadModel: download } = require('../aws/artifacts/downloadModel') as typeof import('../aws/artifacts/downloadModel');
            await download({
              clients: deps.services.aws.clients(),
              jobName,
              targetDir: target,
              overwrite: true,
              signal: abort.signal,
              onProgress: (p) => report(p.bytes, p.total, p.rate),
            });
          }
        } catch (err) {
          if (abort.signal.aborted) throw new Cancelled();
          throw err;
        }
      },
    );
    if (then === 'openModelCard') {
      // By job name: the card then describes the job (hyperparameters, instances, time) too.
      await vscode.commands.executeCommand(CommandId.openModelCard, jobName);
      return target;
    }
    void vscode.window.showInformationMessage(`Downloaded the model of ${jobName} into models/${jobName}.`, 'Open Model Card', 'Reveal in Explorer').then((c) => {
      if (c === 'Open Model Card') void vscode.commands.executeCommand(CommandId.openModelCard, jobName);
      if (c === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(target));
    });
    return target;
  };
}

async function pickCompleted(deps: DownloadDeps): Promise<string> {
  const items = deps.tree
    .jobs()
    .filter((j) => j.status === 'Completed')
    .map((j) => ({ label: j.name, description: j.resources ?? '' }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Download the model of',
    placeHolder: items.length ? 'A completed training job' : 'No completed job loaded: refresh the Training Jobs view',
  });
  if (!picked) throw new Cancelled();
  return picked.label;
}
