import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const workspace = () => vscode.workspace.workspaceFolders![0]!.uri;

async function diagnosticsOf(uri: vscode.Uri, until: (d: readonly vscode.Diagnostic[]) => boolean, timeoutMs = 10000): Promise<readonly vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'sagemaker-hf');
    if (until(d) || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('job files in the editor', () => {
  it('an invalid job file shows the expected problems at the expected lines', async () => {
    const uri = vscode.Uri.joinPath(workspace(), 'broken.sagemaker.yaml');
    await vscode.window.showTextDocument(uri);
    const diags = await diagnosticsOf(uri, (d) => d.length >= 13);
    const byCode = (code: string) => diags.find((d) => d.code === code);
    // Same file and expectations as test/fixtures/jobFiles/invalid/broken-seed.expected.json (1-based lines there).
    assert.equal(diags.length, 13, diags.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
    assert.equal(byCode('version.yamlNumber')?.range.start.line, 9);
    assert.equal(byCode('version.yamlNumber')?.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(byCode('schema.unknownKey')?.range.start.line, 12);
    assert.match(byCode('schema.unknownKey')!.message, /Did you mean `region`\?/);
    assert.equal(byCode('instance.unknown')?.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([byCode('schema.unknownKey')!.range.start.character, byCode('schema.unknownKey')!.range.end.character], [0, 6]);
  });

  it('a valid job file has no problems', async () => {
    const uri = vscode.Uri.joinPath(workspace(), 'train.sagemaker.yaml');
    await vscode.window.showTextDocument(uri);
    await new Promise((r) => setTimeout(r, 500));
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'sagemaker-hf' && d.severity !== vscode.DiagnosticSeverity.Information);
    assert.deepEqual(
      errors.map((d) => d.message),
      [],
    );
  });

  it('problems follow edits as you type', async () => {
    const uri = vscode.Uri.joinPath(workspace(), 'typing.sagemaker.yaml');
    await vscode.workspace.fs.writeFile(
      uri,
      Buffer.from('entry_point: train.py\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\n'),
    );
    const editor = await vscode.window.showTextDocument(uri);
    assert.equal((await diagnosticsOf(uri, (d) => d.length === 0)).length, 0);
    await editor.edit((e) => e.insert(new vscode.Position(5, 0), 'instance_count: 0\n'));
    const after = await diagnosticsOf(uri, (d) => d.length > 0);
    assert.equal(after.length, 1);
    assert.equal(after[0]!.range.start.line, 5);
    assert.match(after[0]!.message, /instance_count/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });

  it('completion offers instance types with their GPUs', async () => {
    const uri = vscode.Uri.joinPath(workspace(), 'train.sagemaker.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('instance_type:'));
    assert.ok(line >= 0, 'the fixture has an instance_type line');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, 'instance_type: '.length));
    const p3dn = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'ml.p3dn.24xlarge');
    assert.ok(p3dn, `ml.p3dn.24xlarge among ${list.items.length} items`);
    assert.match(String(p3dn.detail), /8 × NVIDIA V100 32 GB/);
  });

  it('hover shows the documentation of a key', async () => {
    const uri = vscode.Uri.joinPath(workspace(), 'train.sagemaker.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('instance_count:'));
    assert.ok(line >= 0, 'the fixture has an instance_count line');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /instance_count/);
    assert.match(text, /Default: `1`/);
  });

  it('"Validate All Job Files" finds problems in files that are not open', async () => {
    const uri = vscode.Uri.joinPath(workspace(), 'closed.sagemaker.yaml');
    await vscode.workspace.fs.writeFile(
      uri,
      Buffer.from('entry_point: train.py\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: 2.10\n'),
    );
    try {
      void vscode.commands.executeCommand('sagemakerHf.validateWorkspace');
      const diags = await diagnosticsOf(uri, (d) => d.length > 0);
      assert.equal(diags[0]?.code, 'version.yamlNumber');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });
});
