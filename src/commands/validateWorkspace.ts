import * as vscode from 'vscode';
import type { Services } from '../host/services';
import { JOB_FILE_GLOB, JOB_FILE_SEARCH_EXCLUDE } from '../host/ids';
import type { JobFileDiagnostics } from '../language/jobFileDiagnostics';

/** Checks every job file in the workspace, opened or not, and sums up in one message. */
export function validateWorkspace(_services: Services, diagnostics: JobFileDiagnostics) {
  return async (): Promise<void> => {
    const files = await vscode.workspace.findFiles(JOB_FILE_GLOB, JOB_FILE_SEARCH_EXCLUDE);
    let errors = 0;
    let warnings = 0;
    for (const uri of files) {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      for (const d of diagnostics.validateText(uri, text)) {
        if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
        else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
      }
    }
    const summary = `${files.length} job file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`;
    if (errors + warnings > 0) {
      void vscode.window.showWarningMessage(summary, 'Show Problems').then((choice) => {
        if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    } else {
      void vscode.window.showInformationMessage(summary);
    }
  };
}
