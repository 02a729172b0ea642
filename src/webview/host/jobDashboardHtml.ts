// The Job dashboard's HTML: the same strict Content-Security-Policy as the Model Card (nonce script, our
// stylesheet, no inline style, no network), its bundled script and stylesheet. Pure (no 'vscode').

import { modelCardCsp } from './modelCardHtml';

export interface JobDashboardHtmlInput {
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/jobDashboard.js)`, as text. */
  scriptUri: string;
  /** `webview.asWebviewUri(media/webview/jobDashboard.css)`, as text. */
  styleUri: string;
  title: string;
}

export function jobDashboardHtml(input: JobDashboardHtmlInput): string {
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(modelCardCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<main id="app" data-testid="job-dashboard-app" aria-busy="true"></main>
<script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
