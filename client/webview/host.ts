// Wiring shared by every webview: options (scripts on, only our resource roots) and the HTML shell.
import * as vscode from 'vscode';
import { buildWebviewHtml, makeNonce, type WebviewHtmlOptions } from './html';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'media'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Set the webview's HTML for `page` with a fresh nonce. */
export function renderPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewHtmlOptions['page'], title: string): void {
  webview.html = buildWebviewHtml({
    title,
    page,
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', `${page}.js`)).toString(),
    styleUris: [
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', 'codicon.css')).toString(),
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
    ],
  });
}
