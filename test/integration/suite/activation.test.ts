import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const extensionId = 'sagemaker-hf.sagemaker-hf-trainer';
// out/test/integration/suite -> repository root: the checkout under test.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded; the runner must pass the repository root as extensionDevelopmentPath`);
  return extension;
}

/** Resolves when `isActive` turns true, or after `limitMs` with whatever state it reached. */
async function settleActivation(extension: vscode.Extension<unknown>, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!extension.isActive && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return extension.isActive;
}

describe('extension activation', () => {
  it('is loaded from this checkout', () => {
    const extension = ourExtension();
    assert.equal(path.resolve(extension.extensionUri.fsPath), repoRoot);
    assert.equal(extension.packageJSON.name, 'sagemaker-hf-trainer');
  });

  it('activates by itself in a workspace with a job file', async () => {
    const extension = ourExtension();
    const [jobFile] = await vscode.workspace.findFiles('**/*.sagemaker.{yaml,yml}', '**/node_modules/**', 1);
    assert.ok(jobFile, 'the test workspace has no *.sagemaker.yaml; the default one is test/fixtures/workspace');
    const document = await vscode.workspace.openTextDocument(jobFile);
    await vscode.window.showTextDocument(document);

    // Only the manifest's activation events may activate it here: calling activate() first would
    // hide a broken `activationEvents`. The limit bounds the wait, it is not a speed requirement.
    if (!(await settleActivation(extension, 15_000))) {
      // activate() rethrows the error of a failed activation, which makes a far better message.
      await extension.activate();
      assert.fail(`${extensionId} did not activate for ${vscode.workspace.asRelativePath(jobFile)}; check activationEvents in package.json`);
    }
  });

  it('registers every command it contributes', async () => {
    const extension = ourExtension();
    await extension.activate();
    const contributed: ContributedCommand[] = extension.packageJSON.contributes?.commands ?? [];
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'commands in contributes.commands that activation did not register');
  });
});
