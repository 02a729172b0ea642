import * as vscode from 'vscode';
import type { Services } from '../host/services';
import { JOB_FILE_GLOB } from '../host/ids';
import { JobFileCompletions, JobFileHovers } from './jobFileAssist';
import { JobFileDiagnostics } from './jobFileDiagnostics';
import { JobFileQuickFixes } from './jobFileQuickFixes';

const RED_HAT_YAML = 'redhat.vscode-yaml';

/**
 * Job-file support. Diagnostics and their quick fixes are always ours (the same validator as the CLI). Completion and
 * hover are ours unless Red Hat's YAML extension is active: it then serves them from the
 * `yamlValidation` schema we contribute, and offering ours too would list every item twice.
 * That schema is an "assist" copy without validation keywords (see esbuild.mjs), so Red Hat never
 * reports problems we also report.
 */
export function registerLanguage(services: Services): { diagnostics: JobFileDiagnostics; disposable: vscode.Disposable } {
  const diagnostics = new JobFileDiagnostics(services);
  const selector: vscode.DocumentSelector = [{ pattern: JOB_FILE_GLOB }];
  let assist: vscode.Disposable | undefined;
  const sync = () => {
    const yamlActive = vscode.extensions.getExtension(RED_HAT_YAML) !== undefined;
    if (yamlActive && assist) {
      assist.dispose();
      assist = undefined;
    } else if (!yamlActive && !assist) {
      assist = vscode.Disposable.from(
        vscode.languages.registerCompletionItemProvider(selector, new JobFileCompletions(), ':', ' ', '.', '"'),
        vscode.languages.registerHoverProvider(selector, new JobFileHovers()),
      );
    }
  };
  sync();
  const watch = vscode.extensions.onDidChange(sync);
  // Quick fixes serve our own diagnostics, so they stay whichever extension serves completion.
  const quickFixes = vscode.languages.registerCodeActionsProvider(selector, new JobFileQuickFixes(services), JobFileQuickFixes.metadata);
  return { diagnostics, disposable: vscode.Disposable.from(diagnostics, watch, quickFixes, { dispose: () => assist?.dispose() }) };
}
