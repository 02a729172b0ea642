// The Open Model Card command: finds the model folder to show, then opens its panel.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { ModelFolderError, readModelFolder } from '../../artifacts/modelFolder';
import type { JobDescriptionForCard } from '../../core/modelCard/modelCardJob';
import { Cancelled } from '../../host/commandRunner';
import type { Services } from '../../host/services';
import type { ModelCardTarget } from './modelCardPanel';
import type { ModelCardPanels } from './modelCardPanels';

/** How the command finds out about a job it is given by name (the jobs tree passes its DescribeTrainingJob). */
export interface ModelCardJobLookup {
  describe(jobName: string): Promise<JobDescriptionForCard>;
}

/** What the command accepts: a folder (Explorer), a job (tree node or name, from a notification), or a target. */
export type OpenModelCardArg = vscode.Uri | ModelCardTarget | string | { view: { name: string } } | undefined;

/**
 * The Open Model Card command. A folder from the Explorer's context menu (or the folder of a
 * file, README.md or trainer_state.json); a training job, by tree node or name, whose model was
 * downloaded to `models/<job>/` in a workspace folder (else the user picks the folder); or nothing, and
 * a folder dialog asks.
 */
export function openModelCard(services: Services, panels: ModelCardPanels, jobs?: ModelCardJobLookup) {
  return async (arg?: OpenModelCardArg): Promise<void> => {
    if (arg instanceof vscode.Uri || arg === undefined) {
      const uri = arg ?? (await pickFolder('Open Model Card'));
      panels.show({ folder: await modelFolderOf(uri) });
      return;
    }
    if (typeof arg === 'object' && 'folder' in arg && typeof arg.folder === 'string') {
      panels.show(arg);
      return;
    }
    const jobName = typeof arg === 'string' ? arg : typeof arg === 'object' && 'view' in arg && typeof arg.view?.name === 'string' ? arg.view.name : undefined;
    if (!jobName) throw new TypeError('Open Model Card takes a model folder or a training job.');
    const description = jobs
      ? await jobs.describe(jobName).catch((err: unknown) => {
          services.log.for('modelCard').warn(`cannot describe ${jobName}; the card will not describe the job:`, err);
          return undefined;
        })
      : undefined;
    let folder = await downloadedModelFolder(jobName);
    if (!folder) {
      const choose = 'Choose Folder…';
      const choice = await vscode.window.showInformationMessage(
        `The model of ${jobName} is not in models/${jobName}/ of this workspace. Download it first, or choose the folder it was extracted to.`,
        choose,
      );
      if (choice !== choose) throw new Cancelled();
      folder = await modelFolderOf(await pickFolder(`Model Folder of ${jobName}`));
    }
    panels.show({ folder, ...(description ? { job: description } : {}) });
  };
}

async function pickFolder(title: string): Promise<vscode.Uri> {
  const workspaceRoot = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    title,
    openLabel: 'Open Model Card',
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    ...(workspaceRoot ? { defaultUri: vscode.Uri.joinPath(workspaceRoot, 'models') } : {}),
  });
  if (!picked?.[0]) throw new Cancelled();
  return picked[0];
}

/** The folder to show for `uri` (a file stands for its folder); fails with the reason when it has no card to show. */
async function modelFolderOf(uri: vscode.Uri): Promise<string> {
  if (uri.scheme !== 'file') {
    throw new ModelFolderError('modelCard.folderUnreadable', `The Model Card reads folders on this machine's disk; ${uri.toString(true)} is not one.`, { folder: uri.toString() });
  }
  const stat = await vscode.workspace.fs.stat(uri).then(
    (s) => s,
    () => undefined,
  );
  const folder = stat && (stat.type & vscode.FileType.Directory) === 0 ? path.dirname(uri.fsPath) : uri.fsPath;
  await readModelFolder(folder);
  return folder;
}

/** `models/<job>/` in a workspace folder: where "Download Model" puts a job's model by default. */
async function downloadedModelFolder(jobName: string): Promise<string | undefined> {
  // SageMaker's job-name pattern; anything else is not looked up as a path.
  if (!/^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$/.test(jobName)) return undefined;
  for (const root of vscode.workspace.workspaceFolders ?? []) {
    const folder = vscode.Uri.joinPath(root.uri, 'models', jobName);
    const stat = await vscode.workspace.fs.stat(folder).then(
      (s) => s,
      () => undefined,
    );
    if (stat && stat.type & vscode.FileType.Directory) return folder.fsPath;
  }
  return undefined;
}
