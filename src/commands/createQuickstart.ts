import * as vscode from 'vscode';
import { Cancelled } from '../host/commandRunner';
import { CommandId, WalkthroughDone } from '../host/ids';
import { markWalkthroughStep } from '../host/walkthrough';
import type { Services } from '../host/services';
import { QUICKSTART_FILES } from '../core/quickstartFiles';

/**
 * "Create Quickstart Project": copies the quickstart (a summarization job that trains on two local
 * hosts in seconds, no GPU, no downloads) into a new folder of the workspace and opens its job file,
 * so a first Run Locally works a minute after installing. Nothing is overwritten: the folder must
 * not exist yet. An argument (a folder Uri) skips the question, for tests and links.
 */
export function createQuickstart(services: Services) {
  return async (arg?: vscode.Uri): Promise<vscode.Uri | undefined> => {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
    let target = arg instanceof vscode.Uri ? arg : undefined;
    if (!target) {
      if (!workspace) {
        const choice = await vscode.window.showInformationMessage('Open a folder first: the quickstart is written into it, and its local runs are kept there.', 'Open Folder');
        if (choice === 'Open Folder') await vscode.commands.executeCommand('workbench.action.files.openFolder');
        return undefined;
      }
      const name = await vscode.window.showInputBox({
        title: 'Create Quickstart Project',
        prompt: `A new folder in ${workspace.fsPath} for the quickstart's job file, training script and data`,
        value: await freeName(workspace, 'quickstart'),
        validateInput: async (v) => {
          const n = v.trim();
          if (!/^[\w.-]+$/.test(n) || n === '.' || n === '..') return 'Use letters, digits, dots, dashes and underscores.';
          return (await exists(vscode.Uri.joinPath(workspace, n))) ? `${n} already exists; the quickstart goes into a new folder.` : undefined;
        },
        // Started from the walkthrough, the page takes the focus back as it marks the step done.
        ignoreFocusOut: true,
      });
      if (!name) throw new Cancelled();
      target = vscode.Uri.joinPath(workspace, name.trim());
    }
    if (await exists(target)) throw new Error(`${target.fsPath} already exists; the quickstart goes into a new folder, so nothing of yours is overwritten.`);

    const source = vscode.Uri.joinPath(services.context.extensionUri, 'examples', 'quickstart');
    try {
      for (const file of QUICKSTART_FILES) {
        await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, file), vscode.Uri.joinPath(target, file), { overwrite: false });
      }
    } catch (err) {
      // All or nothing: the folder is ours (it did not exist), so a half-written one goes.
      await vscode.workspace.fs.delete(target, { recursive: true, useTrash: false }).then(undefined, () => undefined);
      throw new Error(`Could not create the quickstart in ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    services.log.for('quickstart').info(`created the quickstart in ${target.fsPath}`);
    markWalkthroughStep(WalkthroughDone.quickstart);

    const jobFile = vscode.Uri.joinPath(target, QUICKSTART_FILES[0]);
    await vscode.window.showTextDocument(jobFile, { preview: false });
    void vscode.window
      .showInformationMessage('The quickstart is ready: Run Locally trains it on this machine in seconds (Python 3, no GPU, no AWS account).', 'Run Locally')
      .then((choice) => {
        if (choice === 'Run Locally') void vscode.commands.executeCommand(CommandId.runLocally, jobFile);
      });
    return target;
  };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

/** `base`, or `base-2`, `base-3`… : the first name not taken in `folder`. */
async function freeName(folder: vscode.Uri, base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!(await exists(vscode.Uri.joinPath(folder, name)))) return name;
  }
}
