import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readModelCardMetadata } from '../../../src/core/modelCard/metadata';

// out/test/integration/suite -> repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'modelCardWorkspace');
const OPEN_MODEL_CARD = 'sagemakerHf.openModelCard';
const VIEW_TYPE = 'sagemakerHf.modelCard';

/** Model Card tabs (a webview tab's viewType carries a prefix VS Code adds). */
function modelCardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(() => undefined);
}

describe('Model Card panel', () => {
  let tmp: string;

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'model-card-it-'));
    // Copies: the panel writes README.md into a folder that has none.
    for (const name of ['hostile-run', 'hostile-readme']) await fs.cp(path.join(fixtures, name), path.join(tmp, name), { recursive: true });
    await fs.mkdir(path.join(tmp, 'not-a-model'));
    await fs.writeFile(path.join(tmp, 'not-a-model', 'notes.txt'), 'nothing to see\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('opens a panel for a run folder and writes the card it generated, hostile strings escaped', async () => {
    const folder = path.join(tmp, 'hostile-run');
    await vscode.commands.executeCommand(OPEN_MODEL_CARD, vscode.Uri.file(folder));
    const tab = await until('a Model Card tab', () => modelCardTabs()[0]);
    // The title names the model once the host has built the card (the generated name, from the job record).
    await until('the card title', () => (modelCardTabs().some((t) => t.label === 'Model Card: bart-large-cnn-script') ? true : undefined));
    assert.equal(tab.group.viewColumn, vscode.ViewColumn.One);

    const readme = await until('README.md in the folder', () => readIfExists(path.join(folder, 'README.md')));
    const card = readModelCardMetadata(readme);
    assert.deepEqual(
      card.problems.filter((p) => p.severity === 'error'),
      [],
      'the generated front matter passes the spec checks',
    );
    const metadata = card.metadata as Record<string, unknown>;
    assert.equal(metadata.base_model, 'facebook/bart-large-cnn');
    assert.equal(metadata.pipeline_tag, 'summarization');
    // The job record beside the model (job.json) reached the card: hardware and hyperparameters.
    assert.match(card.body, /2 × ml\.p3dn\.24xlarge/);
    assert.match(card.body, /Training job: hostile\\?-run\\?-2024/);
    // Outside code blocks, every hostile string is Markdown-escaped text, never HTML or a link.
    const prose = card.body.replace(/^(`{3,})[\s\S]*?^\1/gm, '');
    assert.doesNotMatch(prose, /(?<!\\)<(script|img|svg)/i);
    assert.doesNotMatch(prose, /(?<!\\)\]\(javascript:/i);
    assert.match(prose, /\\<script\\>/, 'the hostile metric name is shown, escaped');
    assert.doesNotMatch(readme, /hf_a{34}/, 'the hub_token hyperparameter is not in the card');
  });

  it('reveals the open panel for the same folder instead of opening a second one', async () => {
    await vscode.commands.executeCommand(OPEN_MODEL_CARD, vscode.Uri.file(path.join(tmp, 'hostile-run')));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(modelCardTabs().length, 1);
  });

  it('shows an existing README.md as it is, without rewriting it', async () => {
    const folder = path.join(tmp, 'hostile-readme');
    const before = await fs.readFile(path.join(folder, 'README.md'));
    // A file stands for its folder (the Explorer passes README.md when it is the one clicked).
    await vscode.commands.executeCommand(OPEN_MODEL_CARD, vscode.Uri.file(path.join(folder, 'README.md')));
    await until('a second Model Card tab', () => (modelCardTabs().length === 2 ? true : undefined));
    // The title comes from the README's model-index name: the host read and parsed it.
    await until('the README title', () => (modelCardTabs().some((t) => t.label === "Model Card: bart-<img src=x onerror=alert('xss-name')>") ? true : undefined));
    assert.deepEqual(await fs.readFile(path.join(folder, 'README.md')), before);
  });

  it('follows unsaved edits to README.md', async () => {
    const readme = vscode.Uri.file(path.join(tmp, 'hostile-readme', 'README.md'));
    const document = await vscode.workspace.openTextDocument(readme);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    const line = document
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('- name: '));
    assert.ok(line > 0, 'the fixture names its model in model-index');
    await editor.edit((e) => e.replace(document.lineAt(line).range, '- name: renamed-in-the-editor'));
    // The card (and with it the tab title) is rebuilt from the editor's text, before any save.
    await until('the renamed card', () => (modelCardTabs().some((t) => t.label === 'Model Card: renamed-in-the-editor') ? true : undefined));
    assert.equal(document.isDirty, true);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('refuses a folder with nothing to show, and opens no panel for it', async () => {
    const count = modelCardTabs().length;
    await vscode.commands.executeCommand(OPEN_MODEL_CARD, vscode.Uri.file(path.join(tmp, 'not-a-model')));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(modelCardTabs().length, count);
    assert.equal(await readIfExists(path.join(tmp, 'not-a-model', 'README.md')), undefined);
  });
});
