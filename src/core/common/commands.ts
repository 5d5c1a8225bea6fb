/**
 * Every command id Reasoner contributes, in one table. Code refers to these
 * constants, never to string literals, and a unit test checks the table
 * against `contributes.commands` in package.json in both directions.
 */
export const COMMANDS = {
  explainSelection: 'reasoner.explainSelection',
  ask: 'reasoner.ask',
  findBugs: 'reasoner.findBugs',
  writeTests: 'reasoner.writeTests',
  refactor: 'reasoner.refactor',
  runPrompt: 'reasoner.runPrompt',
  openChat: 'reasoner.openChat',
  newChat: 'reasoner.newChat',
  addSelectionToChat: 'reasoner.addSelectionToChat',
  selectModel: 'reasoner.selectModel',
  selectReasoningEffort: 'reasoner.selectReasoningEffort',
  setApiKey: 'reasoner.setApiKey',
  clearApiKey: 'reasoner.clearApiKey',
  cancelAll: 'reasoner.cancelAll',
  showLog: 'reasoner.showLog',
  checkConnection: 'reasoner.checkConnection',
  showUsage: 'reasoner.showUsage',
  compareModels: 'reasoner.compareModels',
  explainProblem: 'reasoner.explainProblem',
  threadReply: 'reasoner.inline.reply',
  threadCancel: 'reasoner.inline.cancel',
  threadRetry: 'reasoner.inline.retry',
  threadAskAnotherModel: 'reasoner.inline.askAnotherModel',
  threadOpenInChat: 'reasoner.inline.openInChat',
  threadCopyAnswer: 'reasoner.inline.copyAnswer',
  threadOpenAnswer: 'reasoner.inline.openAnswer',
  threadDismiss: 'reasoner.inline.dismiss',
  threadShowReasoning: 'reasoner.inline.showReasoning',
  threadHideReasoning: 'reasoner.inline.hideReasoning',
  refactorApply: 'reasoner.refactor.apply',
  refactorDiscard: 'reasoner.refactor.discard',
  reviewProposal: 'reasoner.reviewProposal',
  showJobs: 'reasoner.showJobs',
  openJob: 'reasoner.jobs.open',
  cancelJob: 'reasoner.jobs.cancel',
  forgetJob: 'reasoner.jobs.forget',
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandName];

/** The extension's id (`publisher.name` in package.json), for filters such as the settings editor's `@ext:`. */
export const EXTENSION_ID = 'reasoner-dev.reasoner';

/** VS Code's own commands that Reasoner runs. */
export const VSCODE_COMMANDS = {
  openSettings: 'workbench.action.openSettings',
  /** Opens an http(s) URL given as a string (VS Code accepts a string for http/https only). */
  open: 'vscode.open',
  diff: 'vscode.diff',
  documentSymbols: 'vscode.executeDocumentSymbolProvider',
  definitions: 'vscode.executeDefinitionProvider',
  typeDefinitions: 'vscode.executeTypeDefinitionProvider',
  hover: 'vscode.executeHoverProvider',
} as const;
