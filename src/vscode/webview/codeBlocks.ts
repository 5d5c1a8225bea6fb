/**
 * What a page's answers ask of the host, on every page that shows answers:
 * the buttons on a code block go to the editor (CodeActions) and what went
 * wrong is said on the page; links open in the browser if they are http(s).
 */
import type { Logger } from '../../core/common/logger';
import type { AnswerContentMessage, CodeBlockAction, NoticeLevel } from '../../core/common/pageMessages';
import { assertNever } from '../../core/common/protocol';
import { messageOf } from '../errorMessage';
import type { CodeActions, CodeActionOutcome, ConfirmApply } from './codeActions';
import { openWebLink } from './openLink';
import type { MessageHandlers } from './webviewHost';

export type { CodeBlockAction };

const PROBLEMS: Partial<Record<CodeActionOutcome, string>> = {
  'no-editor': 'Open a file in the editor first.',
  'no-selection': 'Select the code to replace in the editor first (or use Insert at Cursor).',
  changed: 'The selected code changed while the diff was open, so nothing was applied. Try again.',
  failed: 'The code could not be placed in the editor (is the file read-only?).',
};

export class CodeBlocks {
  /** `pageName` says in the log which page asked. */
  constructor(
    private readonly actions: CodeActions,
    private readonly page: { notice(level: NoticeLevel, message: string): void },
    private readonly log: Logger,
    private readonly pageName: string,
  ) {}

  openLink(href: string): Promise<boolean> {
    return openWebLink(href, this.log, this.pageName);
  }

  /** `confirm` asks before applying; by default the diff service asks with a notification. */
  async run(kind: CodeBlockAction, code: string, languageId = '', confirm?: ConfirmApply): Promise<CodeActionOutcome> {
    let outcome: CodeActionOutcome;
    try {
      outcome = await this.perform(kind, code, languageId, confirm);
    } catch (error) {
      this.log.error(`${this.pageName}: ${kind} failed: ${messageOf(error)}`);
      outcome = 'failed';
    }
    const problem = PROBLEMS[outcome];
    if (problem) this.page.notice(outcome === 'failed' ? 'error' : 'warning', problem);
    return outcome;
  }

  private perform(kind: CodeBlockAction, code: string, languageId: string, confirm: ConfirmApply | undefined): Promise<CodeActionOutcome> {
    switch (kind) {
      case 'copy': return this.actions.copy(code);
      case 'insert': return this.actions.insertAtCursor(code);
      case 'apply': return this.actions.applyToSelection(code, confirm);
      case 'newFile': return this.actions.newFile(code, languageId);
      default: return assertNever(kind, 'code action');
    }
  }
}

/**
 * The handlers for the messages about an answer's content, for a page's handler table.
 * `blocks` is read when a message arrives, so the table may be made before them.
 */
export function answerContentHandlers(blocks: () => CodeBlocks): MessageHandlers<AnswerContentMessage> {
  return {
    copyCode: (message) => blocks().run('copy', message.code),
    insertCode: (message) => blocks().run('insert', message.code),
    applyCode: (message) => blocks().run('apply', message.code, message.languageId),
    newFile: (message) => blocks().run('newFile', message.code, message.languageId),
    openLink: (message) => blocks().openLink(message.href),
  };
}
