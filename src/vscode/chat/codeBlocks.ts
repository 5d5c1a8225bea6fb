/**
 * The buttons on a code block in an answer: each goes to the diff-preview
 * service (ChatCodeActions), and what went wrong is said on the page.
 */
import type { Logger } from '../../core/common/logger';
import { assertNever } from '../../core/common/protocol';
import { messageOf } from '../errorMessage';
import type { ChatCodeActions, CodeActionOutcome, ConfirmApply } from './codeActions';
import type { NoticeLevel } from './chatPage';

export type CodeBlockAction = 'copy' | 'insert' | 'apply' | 'newFile';

const PROBLEMS: Partial<Record<CodeActionOutcome, string>> = {
  'no-editor': 'Open a file in the editor first.',
  'no-selection': 'Select the code to replace in the editor first (or use Insert at Cursor).',
  changed: 'The selected code changed while the diff was open, so nothing was applied. Try again.',
  failed: 'The code could not be placed in the editor (is the file read-only?).',
};

export class CodeBlocks {
  constructor(
    private readonly actions: ChatCodeActions,
    private readonly page: { notice(level: NoticeLevel, message: string): void },
    private readonly log: Logger,
  ) {}

  /** `confirm` asks before applying; by default the diff service asks with a notification. */
  async run(kind: CodeBlockAction, code: string, languageId = '', confirm?: ConfirmApply): Promise<CodeActionOutcome> {
    let outcome: CodeActionOutcome;
    try {
      outcome = await this.perform(kind, code, languageId, confirm);
    } catch (error) {
      this.log.error(`Chat: ${kind} failed: ${messageOf(error)}`);
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
