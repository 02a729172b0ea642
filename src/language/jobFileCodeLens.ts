import * as vscode from 'vscode';
import { CommandId } from '../host/ids';

/** Actions at the top of a job file: launch on SageMaker, run locally, preview the request. */
export class JobFileCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(rocket) Launch Distributed Training', command: CommandId.launchTraining, arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: '$(play) Run Locally', command: CommandId.runLocally, arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: '$(json) Preview Request', command: CommandId.previewRequest, arguments: [doc.uri] }),
    ];
  }
}
