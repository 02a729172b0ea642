import * as vscode from 'vscode';
import { validateJobFile } from './jobFileTools';
import type { Problem } from '../core/jobFile/problem';
import type { JobFileContext } from '../core/jobFile/semanticChecks';
import { JOB_FILE_PATTERN, DIAGNOSTIC_SOURCE } from '../host/ids';
import { Disposable } from '../host/lifecycle';
import type { Services } from '../host/services';
import { jobFileContext } from '../source/jobFileOnDisk';
import { toDiagnostic } from './convert';

export function isJobFile(doc: vscode.TextDocument): boolean {
  return JOB_FILE_PATTERN.test(doc.uri.path);
}

/**
 * Problems of open job files, as you type (debounced) and on open. The same validator as
 * `sagemaker-hf validate`, so the editor and the terminal always agree.
 */
export class JobFileDiagnostics extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly services: Services) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.validateNow(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)));
    this.register(vscode.workspace.onDidSaveTextDocument((d) => this.validateNow(d)));
    this.register({ dispose: () => this.pending.forEach((t) => clearTimeout(t)) });
    for (const d of vscode.workspace.textDocuments) this.validateNow(d);
  }

  /** Validates a document now and returns its diagnostics (used by "Validate All Job Files" too). */
  validateNow(doc: vscode.TextDocument): readonly vscode.Diagnostic[] {
    if (!isJobFile(doc)) return [];
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    const diagnostics = validateJobFile(doc.getText(), contextFor(doc.uri, this.services.settings.region)).problems.map(toDiagnostic);
    this.collection.set(doc.uri, diagnostics);
    return diagnostics;
  }

  /** Shows problems a caller already has for the document (a plan's), without validating again. */
  publish(uri: vscode.Uri, problems: readonly Problem[]): void {
    this.collection.set(uri, problems.map(toDiagnostic));
  }

  validateText(uri: vscode.Uri, text: string): readonly vscode.Diagnostic[] {
    const diagnostics = validateJobFile(text, contextFor(uri, this.services.settings.region)).problems.map(toDiagnostic);
    this.collection.set(uri, diagnostics);
    return diagnostics;
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isJobFile(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => this.validateNow(doc), this.services.settings.validationDelayMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    // Keep problems of files found by "Validate All Job Files" (not opened by the user) until they change.
    this.collection.delete(uri);
  }
}

/** File checks (source_dir, entry_point) only for files on disk; untitled and virtual files skip them. */
export function contextFor(uri: vscode.Uri, defaultRegion: string | undefined): JobFileContext {
  if (uri.scheme === 'file') return jobFileContext(uri.fsPath, defaultRegion);
  return defaultRegion ? { defaultRegion } : {};
}
