import * as vscode from 'vscode';
import type { Services } from '../host/services';
import { Cancelled } from '../host/commandRunner';
import { WalkthroughDone } from '../host/ids';
import { markWalkthroughStep } from '../host/walkthrough';
import { chooseEntryPoint, jobFileTemplate, STARTER_SCRIPT } from '../core/jobFile/newJobFile';

const exists = (uri: vscode.Uri) =>
  vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );

/**
 * Writes a commented job file into the workspace and opens it, with no problems: its entry point is the
 * folder's training script, or a starter train.py written beside it (core/jobFile/newJobFile.ts).
 */
export function newJobFile(_services: Services) {
  return async (): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = await vscode.window.showInputBox({
      title: 'New SageMaker Job File',
      prompt: 'Name of the job file (".sagemaker.yaml" is added)',
      value: 'train',
      validateInput: (v) => (/^[\w.-]+$/.test(v.trim()) ? undefined : 'Use letters, digits, dots, dashes and underscores.'),
      // Started from the walkthrough, the page takes the focus back as it marks the step done.
      ignoreFocusOut: true,
    });
    if (!name) throw new Cancelled();
    const fileName = `${name.trim().replace(/\.sagemaker\.ya?ml$/i, '')}.sagemaker.yaml`;
    const uri = folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.parse(`untitled:${fileName}`);
    if (folder) {
      if (await exists(uri)) throw new Error(`${fileName} already exists in ${folder.fsPath}; choose another name.`);
      // The entry point must exist for the file to start clean: the folder's script, else a starter train.py.
      const names = (await vscode.workspace.fs.readDirectory(folder)).filter(([, type]) => type === vscode.FileType.File).map(([n]) => n);
      const choice = chooseEntryPoint(names);
      const script = vscode.Uri.joinPath(folder, choice.entryPoint);
      const createScript = choice.create && !(await exists(script));
      if (createScript) await vscode.workspace.fs.writeFile(script, Buffer.from(STARTER_SCRIPT, 'utf8'));
      try {
        await vscode.workspace.fs.writeFile(uri, Buffer.from(jobFileTemplate(choice.entryPoint), 'utf8'));
      } catch (e) {
        // No half-made pair: the starter script goes again if the job file could not be written.
        if (createScript) await vscode.workspace.fs.delete(script).then(undefined, () => undefined);
        throw e;
      }
      await vscode.window.showTextDocument(uri);
      if (createScript) {
        void vscode.window.showInformationMessage(
          `Wrote ${choice.entryPoint} beside ${fileName}: a starter entry point that reads SageMaker's environment and hyperparameters and writes to SM_MODEL_DIR. It trains nothing yet; put your training in it.`,
        );
      }
    } else {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), jobFileTemplate('train.py')));
    }
    markWalkthroughStep(WalkthroughDone.jobFile);
  };
}
