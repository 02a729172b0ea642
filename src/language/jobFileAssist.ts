import * as vscode from 'vscode';
import { completionsAt, hoverAt } from './jobFileTools';
import type { Suggestion } from '../core/jobFile/assist';
import { toRange } from './convert';

const KIND: Record<Suggestion['kind'], vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  enum: vscode.CompletionItemKind.EnumMember,
};

/** Completion of keys and values, from the schema and the catalogs of instance types and DLC versions. */
export class JobFileCompletions implements vscode.CompletionItemProvider {
  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    return completionsAt(doc.getText(), { line: position.line, character: position.character }).map((s) => {
      const item = new vscode.CompletionItem(s.label, KIND[s.kind]);
      item.insertText = s.snippet ? new vscode.SnippetString(s.insertText) : s.insertText;
      item.range = toRange(s.replace);
      if (s.detail) item.detail = s.detail;
      if (s.documentation) item.documentation = new vscode.MarkdownString(s.documentation);
      if (s.sortText) item.sortText = s.sortText;
      // Labels like `ml.p3dn.24xlarge` or `"4.4.2"` must still match what the user typed.
      item.filterText = s.label;
      return item;
    });
  }
}

export class JobFileHovers implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const info = hoverAt(doc.getText(), { line: position.line, character: position.character });
    return info ? new vscode.Hover(new vscode.MarkdownString(info.markdown), toRange(info.range)) : undefined;
  }
}
