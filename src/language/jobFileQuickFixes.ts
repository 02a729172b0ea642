import * as vscode from 'vscode';
import { isSameProblem, quickFixes } from '../core/jobFile/quickFixes';
import type { Problem } from '../core/jobFile/problem';
import { DIAGNOSTIC_SOURCE } from '../host/ids';
import type { Services } from '../host/services';
import { toRange } from './convert';
import { contextFor } from './jobFileDiagnostics';
import { validateJobFile } from './jobFileTools';

/**
 * Quick fixes for the validator's problems that carry their own fix (`Problem.fixes`): the key or
 * value a typo most likely meant, a version quoted as written. The diagnostics in the request are
 * matched to the problems of the document's current text, so a fix never applies to text that
 * has changed since it was computed.
 */
export class JobFileQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  private cached: { uri: string; version: number; problems: readonly Problem[] } | undefined;

  constructor(private readonly services: Services) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
    if (ours.length === 0) return [];
    const problems = this.problemsOf(doc);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const key = { code: String(diagnostic.code), message: diagnostic.message, range: fromRange(diagnostic.range) };
      const problem = problems.find((p) => isSameProblem(key, p));
      if (!problem) continue;
      for (const { fix, isPreferred } of quickFixes([problem])) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, toRange(fix.range), fix.newText);
        action.diagnostics = [diagnostic];
        action.isPreferred = isPreferred;
        actions.push(action);
      }
    }
    return actions;
  }

  private problemsOf(doc: vscode.TextDocument): readonly Problem[] {
    const uri = doc.uri.toString();
    if (this.cached?.uri !== uri || this.cached.version !== doc.version) {
      this.cached = { uri, version: doc.version, problems: validateJobFile(doc.getText(), contextFor(doc.uri, this.services.settings.region)).problems };
    }
    return this.cached.problems;
  }
}

function fromRange(r: vscode.Range) {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}
