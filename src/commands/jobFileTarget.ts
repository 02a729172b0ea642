import * as vscode from 'vscode';
import { Cancelled } from '../host/commandRunner';
import { JOB_FILE_GLOB, JOB_FILE_PATTERN, JOB_FILE_SEARCH_EXCLUDE } from '../host/ids';

const isJobFile = (uri: vscode.Uri) => JOB_FILE_PATTERN.test(uri.path);

/**
 * The job file the command acts on: the argument (CodeLens, explorer, editor title), else the active
 * editor's, else the one job file among the visible editors, else the workspace's job file (asking
 * which when there are several). A command run from a walkthrough or a terminal link has no active
 * text editor.
 */
export async function jobFileDocument(arg: unknown): Promise<vscode.TextDocument> {
  const found = await jobFileInView(arg);
  if (found) return vscode.workspace.openTextDocument(found);
  const all = await workspaceJobFiles();
  if (all.length === 0) {
    throw new Error('No job file (*.sagemaker.yaml) is open or in this workspace. Create one with "SageMaker HF: New Job File", or try "SageMaker HF: Create Quickstart Project".');
  }
  if (all.length === 1) return vscode.workspace.openTextDocument(all[0]!);
  const items = all.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Which job file?',
    placeHolder: 'No job file is open: choose one of the workspace',
    ignoreFocusOut: true /* the walkthrough takes the focus back */,
  });
  if (!picked) throw new Cancelled();
  return vscode.workspace.openTextDocument(picked.uri);
}

/**
 * The job file a command that can do without one should use, without asking: the argument, the active
 * editor's, the one visible, or the workspace's only job file; undefined otherwise (Check Setup). An
 * argument that is not a job file (a command run on another file) counts as none.
 */
export async function jobFileIfAny(arg: unknown): Promise<vscode.TextDocument | undefined> {
  const found =
    (await jobFileInView(arg instanceof vscode.Uri && !isJobFile(arg) ? undefined : arg)) ?? (await workspaceJobFiles().then((all) => (all.length === 1 ? all[0] : undefined)));
  return found ? vscode.workspace.openTextDocument(found) : undefined;
}

async function jobFileInView(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) {
    if (!isJobFile(arg)) throw new Error(`${vscode.workspace.asRelativePath(arg)} is not a job file: job files are named *.sagemaker.yaml.`);
    return arg;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isJobFile(active)) return active;
  const visible = [...new Map(vscode.window.visibleTextEditors.map((e) => [e.document.uri.toString(), e.document.uri])).values()].filter(isJobFile);
  return visible.length === 1 ? visible[0] : undefined;
}

function workspaceJobFiles(): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles(JOB_FILE_GLOB, JOB_FILE_SEARCH_EXCLUDE, 500);
}
