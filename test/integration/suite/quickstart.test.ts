import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { QUICKSTART_FILES } from '../../../src/core/quickstartFiles';

const extensionId = 'sagemaker-hf.sagemaker-hf-trainer';
const workspace = () => vscode.workspace.workspaceFolders![0]!.uri;

async function until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Create Quickstart Project, then Run Locally from the walkthrough (no job file editor active)', () => {
  let target: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension(extensionId)!.activate();
    target = vscode.Uri.joinPath(workspace(), 'qs-integration');
  });

  it('copies every file of the shipped quickstart into a new folder and opens its job file, which has no errors', async () => {
    const created = await vscode.commands.executeCommand<vscode.Uri>('sagemakerHf.createQuickstart', target);
    assert.equal(created?.fsPath, target.fsPath);
    const shipped = path.join(vscode.extensions.getExtension(extensionId)!.extensionUri.fsPath, 'examples', 'quickstart');
    for (const f of QUICKSTART_FILES) {
      assert.ok(fs.readFileSync(path.join(target.fsPath, f)).equals(fs.readFileSync(path.join(shipped, f))), `${f} differs from the shipped one`);
    }
    const jobFile = vscode.Uri.joinPath(target, 'quickstart.sagemaker.yaml');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, jobFile.fsPath);
    const problems = await until(
      () => {
        const d = vscode.languages.getDiagnostics(jobFile).filter((x) => x.source === 'sagemaker-hf');
        // Validated when opened: local input folders get an information each.
        return d.length > 0 ? d : undefined;
      },
      'the job file was never validated',
      15_000,
    );
    assert.deepEqual(
      problems.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message),
      [],
    );
  });

  it('refuses a folder that exists, and changes nothing in it', async () => {
    const jobFile = path.join(target.fsPath, 'quickstart.sagemaker.yaml');
    fs.writeFileSync(jobFile, '# mine\n');
    assert.equal(await vscode.commands.executeCommand('sagemakerHf.createQuickstart', target), undefined);
    assert.equal(fs.readFileSync(jobFile, 'utf8'), '# mine\n');
    fs.rmSync(target.fsPath, { recursive: true, force: true });
    await vscode.commands.executeCommand('sagemakerHf.createQuickstart', target);
  });

  it('Check Setup without an argument checks the job file in view (its role and instance type), not the settings alone', async () => {
    const jobFile = vscode.Uri.joinPath(target, 'quickstart.sagemaker.yaml');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(jobFile, { viewColumn: vscode.ViewColumn.One });
    await vscode.window.showTextDocument(vscode.Uri.joinPath(target, 'README.md'), { viewColumn: vscode.ViewColumn.Two });
    const checklist = await vscode.commands.executeCommand<{ items: Array<{ id: string; title: string }> }>('sagemakerHf.checkSetup');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(checklist, 'Check Setup returned no checklist');
    const ids = checklist.items.map((i) => i.id);
    assert.ok(ids.includes('role'), `no role item: ${ids.join(', ')}`);
    assert.ok(
      checklist.items.some((i) => i.title.includes('ml.p3.2xlarge')),
      checklist.items.map((i) => i.title).join(' | '),
    );
  });

  it('Run Locally without an argument takes the one job file among the visible editors, and the job completes', async () => {
    const jobFile = vscode.Uri.joinPath(target, 'quickstart.sagemaker.yaml');
    // The job file beside, a file that is not a job file active: what a walkthrough button leaves.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(jobFile, { viewColumn: vscode.ViewColumn.One });
    await vscode.window.showTextDocument(vscode.Uri.joinPath(target, 'README.md'), { viewColumn: vscode.ViewColumn.Two });
    assert.doesNotMatch(vscode.window.activeTextEditor!.document.uri.path, /\.sagemaker\.yaml$/);

    const root = path.join(workspace().fsPath, '.sagemaker-local');
    const before = new Set(fs.existsSync(root) ? fs.readdirSync(root) : []);
    await vscode.commands.executeCommand('sagemakerHf.runLocally');
    const jobName = await until(
      () => (fs.existsSync(root) ? fs.readdirSync(root).find((n) => !before.has(n) && n.startsWith('quickstart-summarizer-')) : undefined),
      'no local job folder appeared',
      30_000,
    );
    const record = await until(
      () => {
        try {
          const r = JSON.parse(fs.readFileSync(path.join(root, jobName, 'job.json'), 'utf8')) as { TrainingJobStatus: string; FailureReason?: string };
          return r.TrainingJobStatus === 'InProgress' ? undefined : r;
        } catch {
          return undefined; // not written yet, or being written
        }
      },
      `${jobName} did not end`,
      120_000,
    );
    assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
    assert.ok(fs.existsSync(path.join(root, jobName, 'output', 'model.tar.gz')));
  });
});
