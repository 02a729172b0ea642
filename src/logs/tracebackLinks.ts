import * as vscode from 'vscode';
import { locateFrameFile } from '../host/jobDiagnosis';

/** `File "/opt/ml/code/train.py", line 42` as Python prints a traceback frame. */
const FRAME = /File "([^"]+)", line (\d+)/;
/** Our job channels label every line with its host (`[algo-2] …`, see core/logs/logFormat.ts). */
const HOST_LABEL = /^\[algo-\d+\] /;
const CODE_DIR = /(?:^|\/)opt\/ml\/code\//;

class FrameLink extends vscode.DocumentLink {
  constructor(
    range: vscode.Range,
    readonly file: string,
    readonly line: number,
  ) {
    super(range);
    this.tooltip = 'Open the workspace file of this frame';
  }
}

/**
 * Links on the traceback frames of the job log channels (output channels are documents of the
 * `output` scheme): a frame under the container's code folder, or named relative to it on a host's
 * line, opens the workspace file it came from at its line. The file is found when the link is
 * followed (resolveDocumentLink), so drawing links costs one regular expression per line.
 */
export class TracebackLinkProvider implements vscode.DocumentLinkProvider<FrameLink> {
  constructor(private readonly localRoot: () => string | undefined) {}

  provideDocumentLinks(document: vscode.TextDocument): FrameLink[] {
    const links: FrameLink[] = [];
    for (let i = 0; i < document.lineCount; i++) {
      const text = document.lineAt(i).text;
      const m = FRAME.exec(text);
      if (!m) continue;
      const file = m[1]!;
      const relative = !file.startsWith('/') && !file.startsWith('<') && !/^[A-Za-z]:[\\/]/.test(file);
      if (!CODE_DIR.test(file) && !(relative && HOST_LABEL.test(text))) continue;
      const start = m.index + 'File '.length;
      links.push(new FrameLink(new vscode.Range(i, start, i, m.index + m[0].length), file, Number(m[2])));
    }
    return links;
  }

  async resolveDocumentLink(link: FrameLink): Promise<FrameLink> {
    const uri = await locateFrameFile(link.file, this.localRoot());
    if (uri) link.target = uri.with({ fragment: `L${link.line}` });
    else void vscode.window.showInformationMessage(`${link.file} is not a file of this workspace's job code (no job file's source_dir has it).`);
    return link;
  }
}

/** The provider on output channels, where the job channels are. */
export function registerTracebackLinks(localRoot: () => string | undefined): vscode.Disposable {
  return vscode.languages.registerDocumentLinkProvider([{ scheme: 'output' }], new TracebackLinkProvider(localRoot));
}
