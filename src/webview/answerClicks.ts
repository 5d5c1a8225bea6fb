/**
 * Clicks on what an answer holds, the same on every page that shows answers:
 * a link never navigates the page, it asks the host (which opens only
 * http(s)); a code block's button asks the host to copy, insert, apply or
 * open its code.
 */
import { codeBlockMessage, type AnswerContentMessage } from '../core/common/pageMessages';

export interface AnswerContentClick {
  /** What to ask of the host; absent for a link without an address or a button that is not ours. */
  readonly message?: AnswerContentMessage;
  /** The code block's button that was clicked (absent for a link). */
  readonly button?: HTMLButtonElement;
}

/** What a click inside answers asks of the host; undefined when it was not on a link or a code block's button. */
export function answerContentClick(event: MouseEvent): AnswerContentClick | undefined {
  const target = event.target as Element;
  const link = target.closest('a');
  if (link) {
    event.preventDefault();
    const href = link.getAttribute('href');
    return href ? { message: { type: 'openLink', href } } : {};
  }
  const button = target.closest<HTMLButtonElement>('button[data-code-action]');
  if (!button) return undefined;
  const block = button.closest('.code-block');
  const code = block?.querySelector('pre code')?.textContent ?? block?.querySelector('pre')?.textContent ?? '';
  const languageId = block?.getAttribute('data-language') ?? '';
  const message = codeBlockMessage(button.dataset.codeAction, code, languageId);
  return message ? { message, button } : { button };
}

/** A middle click on a link in `container` does nothing: links open only through the host. */
export function keepLinksInPage(container: HTMLElement): void {
  container.addEventListener('auxclick', (event) => {
    if ((event.target as Element).closest('a')) event.preventDefault();
  });
}
