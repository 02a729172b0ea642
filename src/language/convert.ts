import * as vscode from 'vscode';
import type { Problem, Range } from '../core/jobFile/problem';
import { DIAGNOSTIC_SOURCE } from '../host/ids';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(p: Problem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(p.range), p.message, SEVERITY[p.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = p.code;
  return d;
}
