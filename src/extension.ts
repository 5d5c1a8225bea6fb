import * as vscode from 'vscode';

const PENDING_COMMANDS = [
  'reasoner.explainSelection', 'reasoner.ask', 'reasoner.findBugs', 'reasoner.writeTests', 'reasoner.refactor',
  'reasoner.runPrompt', 'reasoner.openChat', 'reasoner.newChat', 'reasoner.addSelectionToChat', 'reasoner.selectModel',
  'reasoner.selectReasoningEffort', 'reasoner.setApiKey', 'reasoner.clearApiKey', 'reasoner.cancelAll', 'reasoner.showLog',
];

export function activate(context: vscode.ExtensionContext): void {
  for (const command of PENDING_COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(command, async () => {
      void vscode.window.showInformationMessage(`Reasoner: ${command} is not built yet.`);
      return undefined;
    }));
  }
  context.subscriptions.push(vscode.window.registerWebviewViewProvider('reasoner.chat', {
    resolveWebviewView(view) { view.webview.html = '<!doctype html><p>Reasoner chat is not built yet.</p><textarea aria-label="Message Reasoner"></textarea>'; },
  }));
}

export function deactivate(): void {}
