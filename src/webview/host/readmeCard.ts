// The Model Card panel's card: README.md read, generated, followed while edited, and replaced on request.
//
// README.md policy. README.md is the card: what the panel shows and what a push uploads.
// - When the folder has none, the panel generates it from the run files (and the job, when known) and
//   writes it on first open, so that Edit and Push work on a real file and what is pushed is what is shown.
// - When it exists, it is shown as it is and never replaced silently: if a run file is newer, the view says
//   so and offers "Regenerate", which asks before replacing text that differs from the generated card.
// - While README.md is open in an editor, the preview follows the editor's text, saved or not.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { ModelFolderError, README, readJobRecord, readModelFolder } from '../../artifacts/modelFolder';
import type { ModelFolderRun } from '../../artifacts/modelFolder';
import { isRunFile } from '../../core/modelCard/runFiles';
import type { JobDescriptionForCard } from '../../core/modelCard/modelCardJob';
import { Disposable } from '../../host/lifecycle';
import type { CardContent, HostMessage } from '../protocol';
import type { FolderMemory } from './folderMemory';
import { buildCardContent, cardJobFromDescription, defaultRepoName, generateCard } from './modelFolderCard';
import type { CardJob } from './modelFolderCard';
import type { PanelPort } from './panelPort';

/** How long the preview waits after the last keystroke in README.md before rendering again. */
const EDIT_DEBOUNCE_MS = 250;

export interface ReadmeCardDeps {
  port: PanelPort;
  memory: FolderMemory;
  /** The job the folder came from, when the opener knew it. */
  job: JobDescriptionForCard | undefined;
  /** The card's title changed (the panel's tab shows it). */
  showTitle(title: string): void;
  /** The repository name the card suggests for a push; `announce` posts the push defaults at once. */
  suggestRepoName(name: string, announce: boolean): void;
}

export class ReadmeCard extends Disposable {
  private readonly folder: string;
  private readonly readmeUri: vscode.Uri;
  private job: JobDescriptionForCard | undefined;
  private run: ModelFolderRun | undefined;
  private card: CardContent | undefined;
  private cardError: string | undefined;
  /** What the panel last did to README.md, shown until the user asks for something else. */
  private notice: string | undefined;
  private loadSeq = 0;
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: ReadmeCardDeps) {
    super();
    this.folder = deps.port.folder;
    this.readmeUri = vscode.Uri.file(path.join(this.folder, README));
    this.job = deps.job;
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.fsPath === this.readmeUri.fsPath) this.scheduleEditPreview();
      }),
    );
    this.register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.fsPath === this.readmeUri.fsPath) this.scheduleReload();
      }),
    );
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(this.folder), '*')));
    const onFile = (uri: vscode.Uri) => {
      const name = path.basename(uri.fsPath);
      if (name === README || isRunFile(name)) this.scheduleReload();
    };
    this.register(watcher.onDidChange(onFile));
    this.register(watcher.onDidCreate(onFile));
    this.register(watcher.onDidDelete(onFile));
    if (deps.job) void deps.memory.rememberJob(deps.job);
  }

  override dispose(): void {
    clearTimeout(this.editTimer);
    clearTimeout(this.reloadTimer);
    super.dispose();
  }

  /** The card, or why there is none, for the page that just said `ready`. */
  snapshot(): HostMessage[] {
    if (this.card) return [{ type: 'card', card: this.card }];
    if (this.cardError) return [{ type: 'cardError', folder: this.folder, message: this.cardError }];
    return [];
  }

  /** The user asked for something else: the last notice about README.md goes. */
  clearNotice(): void {
    this.notice = undefined;
  }

  /** The panel was shown again for this folder, now with its job. */
  async useJob(job: JobDescriptionForCard): Promise<void> {
    this.job = job;
    await this.deps.memory.rememberJob(job);
    await this.load();
  }

  private closed(): boolean {
    return this.isDisposed || this.deps.port.closed;
  }

  private async cardJob(): Promise<CardJob | undefined> {
    const job = this.job ?? this.deps.memory.job ?? (await readJobRecord(this.folder))?.description;
    return cardJobFromDescription(job);
  }

  private openReadme(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.fsPath === this.readmeUri.fsPath && !d.isClosed);
  }

  /** Reads the folder and shows the card; writes README.md first when there is none (see the top of this file). */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    const { port } = this.deps;
    try {
      const run = await readModelFolder(this.folder);
      const cardJob = await this.cardJob();
      const open = this.openReadme();
      let readmeText: string;
      let source: CardContent['readmeSource'];
      if (open?.isDirty) {
        readmeText = open.getText();
        source = 'editor';
      } else if (run.readme) {
        readmeText = run.readme.text;
        source = 'file';
      } else {
        readmeText = generateCard(run, cardJob, this.deps.memory.pushedRepo).readme;
        const written = await this.writeReadme(readmeText);
        source = written === true ? 'file' : 'generated';
        this.notice = written === true ? 'README.md was generated from the run files.' : `README.md could not be written (${written}); this is the generated card, not saved.`;
        if (written === true) run.readme = { text: readmeText, mtimeMs: Date.now() };
      }
      if (seq !== this.loadSeq || this.closed()) return;
      this.run = run;
      this.card = buildCardContent({ run, cardJob, readmeText, readmeSource: source, ...(this.notice ? { notice: this.notice } : {}) });
      this.cardError = undefined;
      this.deps.showTitle(this.card.title);
      port.post({ type: 'card', card: this.card });
      this.deps.suggestRepoName(defaultRepoName({ folder: this.folder, cardJob, readmeText, files: run.files }), true);
    } catch (err) {
      if (seq !== this.loadSeq || this.closed()) return;
      if (!(err instanceof ModelFolderError)) port.log.error('building the card failed:', err);
      this.card = undefined;
      this.cardError = err instanceof Error ? err.message : String(err);
      port.post({ type: 'cardError', folder: this.folder, message: this.cardError });
    }
  }

  /** The preview follows README.md's editor text without touching the disk. */
  private scheduleEditPreview(): void {
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      const open = this.openReadme();
      if (!open || !this.run || this.closed()) return;
      void this.cardJob().then((cardJob) => {
        if (!this.run || this.closed()) return;
        const readmeText = open.getText();
        this.card = buildCardContent({ run: this.run, cardJob, readmeText, readmeSource: open.isDirty ? 'editor' : 'file', ...(this.notice ? { notice: this.notice } : {}) });
        this.deps.showTitle(this.card.title);
        this.deps.suggestRepoName(defaultRepoName({ folder: this.folder, cardJob, readmeText, files: this.run.files }), false);
        this.deps.port.post({ type: 'card', card: this.card });
      });
    }, EDIT_DEBOUNCE_MS);
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(), EDIT_DEBOUNCE_MS);
  }

  /** true, or the reason it could not be written. */
  private async writeReadme(text: string): Promise<true | string> {
    try {
      await vscode.workspace.fs.writeFile(this.readmeUri, new TextEncoder().encode(text));
      return true;
    } catch (err) {
      this.deps.port.log.warn(`cannot write ${this.readmeUri.fsPath}:`, err);
      return err instanceof vscode.FileSystemError ? err.code : err instanceof Error ? err.message : String(err);
    }
  }

  /** Replaces README.md's text, through the editor when it is open so that its undo history keeps the old text. */
  private async replaceReadme(text: string): Promise<void> {
    const open = this.openReadme();
    if (open) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(open.uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), text);
      if (!(await vscode.workspace.applyEdit(edit)) || !(await open.save()))
        throw new Error(`README.md in ${this.folder} could not be replaced: it is open in an editor that refused the change.`);
      return;
    }
    const written = await this.writeReadme(text);
    if (written !== true) throw new Error(`Cannot write README.md in ${this.folder} (${written}).`);
  }

  /** Opens README.md beside the panel, writing the generated card first when there is none. */
  async edit(): Promise<void> {
    if (!this.openReadme()) {
      const run = this.run ?? (await readModelFolder(this.folder));
      if (!run.readme) await this.replaceReadme(generateCard(run, await this.cardJob(), this.deps.memory.pushedRepo).readme);
    }
    await vscode.window.showTextDocument(this.readmeUri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  /** README.md replaced by the card generated from the run files, after asking when that loses text. */
  async regenerate(): Promise<void> {
    const run = await readModelFolder(this.folder);
    const generated = generateCard(run, await this.cardJob(), this.deps.memory.pushedRepo).readme;
    const current = this.openReadme()?.getText() ?? run.readme?.text;
    if (current !== undefined && current !== generated) {
      const replace = 'Replace README.md';
      const choice = await vscode.window.showWarningMessage(
        `Replace README.md in ${path.basename(this.folder)} with a card generated from the run files?`,
        { modal: true, detail: 'Changes made to README.md by hand are lost (when it is open in an editor, Undo brings them back).' },
        replace,
      );
      if (choice !== replace) return;
    }
    if (current !== generated) await this.replaceReadme(generated);
    this.notice = current === generated ? 'README.md is already the card generated from the run files.' : 'README.md was regenerated from the run files.';
    await this.load();
  }

  /**
   * What is pushed is what the panel shows: unsaved edits to README.md are saved, a missing README.md is
   * written, and a README.md still exactly as generated is regenerated with the repository id, so that
   * its usage snippet loads the model from the Hub.
   */
  async prepareForPush(repo: string): Promise<void> {
    const open = this.openReadme();
    if (open?.isDirty && !(await open.save())) throw new Error(`Save README.md in ${this.folder} before pushing: the editor did not save it.`);
    const run = await readModelFolder(this.folder);
    const cardJob = await this.cardJob();
    const current = run.readme?.text;
    const asGenerated = [undefined, this.deps.memory.pushedRepo].map((id) => generateCard(run, cardJob, id).readme);
    if (current === undefined || asGenerated.includes(current)) {
      const forRepo = generateCard(run, cardJob, repo).readme;
      if (forRepo !== current) {
        await this.replaceReadme(forRepo);
        this.notice = `README.md was regenerated for ${repo}: its usage snippet loads the model from the Hub.`;
      }
    }
  }
}
