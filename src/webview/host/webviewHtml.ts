// The HTML of every webview panel (Model Card, Job dashboard): a strict Content-Security-Policy, the
// panel's bundled script and stylesheet, nothing else. Pure (no 'vscode'), so the policy can be
// checked in a plain node test.

import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/<panel>.js)`, as text. */
  scriptUri: string;
  /** `webview.asWebviewUri(media/webview/<panel>.css)`, as text. */
  styleUri: string;
  title: string;
  /** The `data-testid` of the page's root element, which the page script renders into. */
  appTestId: string;
}

/**
 * 128 random bits for the script nonce, fresh for every HTML document: a nonce that could be
 * guessed or reused would let injected markup run scripts.
 */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing but our own script (by nonce) and our own stylesheet, images and fonts from the extension;
 * no inline styles, no eval, no network: the Hub, inference and AWS calls go through the extension host.
 * `base-uri` and `form-action` do not fall back to `default-src`, so they are closed explicitly.
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function webviewHtml(input: WebviewHtmlInput): string {
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<main id="app" data-testid="${attr(input.appTestId)}" aria-busy="true"></main>
<script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
