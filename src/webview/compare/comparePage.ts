/**
 * The Compare Models page: the question, then one column per model, each an
 * answer rendered like the chat's (sanitized Markdown, status, time, tokens,
 * cost, the error presenter's actions) with Stop and "Keep this answer". It
 * keeps no data of its own: the host sends the whole state on `ready`, then
 * changes; every button is a message back.
 */
import { canKeep, standouts } from '../../core/common/compare';
import { isCompareHostMessage, type CompareColumn, type CompareHostMessage, type ComparePageMessage, type CompareState } from '../../core/common/compareProtocol';
import type { TurnStatus } from '../../core/common/conversation';
import { isErrorActionId } from '../../core/common/errorPresenter';
import { AnswerView, type TurnViewContext } from '../answer';
import { answerContentClick, keepLinksInPage } from '../answerClicks';
import { h, icon } from '../dom';
import type { Sanitizer } from '../sanitize';

export interface CompareChannel {
  post(message: ComparePageMessage): void;
}

const FINISHED_SAID: Record<TurnStatus, string> = {
  streaming: '', complete: 'answer complete.', stopped: 'stopped.', error: 'failed.', incomplete: 'the answer is incomplete.',
};

interface ColumnView {
  column: CompareColumn;
  readonly element: HTMLElement;
  readonly answer: AnswerView;
  readonly toolbar: HTMLElement;
}

export class ComparePage {
  private readonly question: HTMLElement;
  private readonly context: HTMLElement;
  private readonly notices: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly liveStatus: HTMLElement;
  private readonly views = new Map<string, ColumnView>();
  private readonly turnContext: TurnViewContext;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(root: HTMLElement, private readonly host: CompareChannel, sanitizer: Sanitizer) {
    this.question = h('h1', { class: 'compare-question', 'data-role': 'question' });
    this.context = h('div', { class: 'compare-context', 'data-role': 'context' });
    this.notices = h('div', { class: 'notices', 'data-role': 'notices' });
    this.grid = h('main', { class: 'compare-columns', 'data-role': 'columns', 'aria-label': 'Answers side by side' });
    this.liveStatus = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.turnContext = {
      sanitizer,
      announceText: () => undefined,
      // Said with the model's name: several answers finish on the same page.
      announceStatus: () => undefined,
      didGrow: () => undefined,
      // Compare shows answers only; a question here never carries images.
      thumbnail: () => undefined,
      modelLabel: (id) => id,
    };
    root.replaceChildren(h('header', { class: 'compare-header' }, this.question, this.context), this.notices, this.grid, this.liveStatus);
    this.grid.addEventListener('click', (event) => this.onClick(event));
    keepLinksInPage(this.grid);
  }

  /** Shows a message from the host; returns the comparison's id when the message was the whole state. */
  receive(data: unknown): string | undefined {
    if (!isCompareHostMessage(data)) {
      console.warn('Reasoner compare: ignored a malformed message from the extension', data);
      return undefined;
    }
    this.handle(data);
    return data.type === 'state' ? data.state.id : undefined;
  }

  private handle(message: CompareHostMessage): void {
    switch (message.type) {
      case 'state': this.applyState(message.state); break;
      case 'delta': this.views.get(message.turnId)?.answer.appendDelta(message.text, message.reasoning); break;
      case 'progress': this.views.get(message.turnId)?.answer.setProgress(message.status); break;
      case 'column': this.updateColumn(message.column); break;
      case 'notice': this.showNotice(message.level, message.message); break;
    }
    this.syncTicker();
  }

  private applyState(state: CompareState): void {
    this.question.textContent = state.question;
    this.context.replaceChildren(...(state.contextLabels.length > 0
      ? [icon('selection'), ` About ${state.contextLabels.join(', ')}`]
      : [icon('comment'), ' No code attached']));
    this.views.clear();
    this.grid.replaceChildren(...state.columns.map((column) => this.createColumn(column).element));
    this.renderStandouts();
  }

  private createColumn(column: CompareColumn): ColumnView {
    const answer = new AnswerView(column.turn, this.turnContext, false);
    const toolbar = h('div', { class: 'column-toolbar', role: 'toolbar', 'aria-label': `Actions for the answer from ${column.turn.modelLabel ?? column.turn.modelId}` });
    const element = h('section', {
      class: 'compare-column', 'data-role': 'column', 'data-turn-id': column.turn.id, 'data-model-id': column.turn.modelId,
      'aria-label': `Answer from ${column.turn.modelLabel ?? column.turn.modelId}`,
    }, toolbar, answer.element);
    const view: ColumnView = { column, element, answer, toolbar };
    this.views.set(column.turn.id, view);
    this.renderToolbar(view);
    return view;
  }

  private updateColumn(column: CompareColumn): void {
    const view = this.views.get(column.turn.id);
    if (!view) return;
    const restarted = view.column.turn.status !== 'streaming' && column.turn.status === 'streaming';
    if (restarted || view.column.turn.modelId !== column.turn.modelId) {
      // Retried (maybe with another model): a fresh answer in the same place.
      const fresh = this.createColumn(column);
      view.element.replaceWith(fresh.element);
    } else {
      const finished = view.column.turn.status === 'streaming' && column.turn.status !== 'streaming';
      view.column = column;
      view.answer.update(column.turn, true);
      this.renderToolbar(view);
      if (finished) this.announce(`${column.turn.modelLabel ?? column.turn.modelId}: ${FINISHED_SAID[column.turn.status]}`);
    }
    this.renderStandouts();
  }

  private renderToolbar(view: ColumnView): void {
    const { turn, kept } = view.column;
    const label = turn.modelLabel ?? turn.modelId;
    const children: Node[] = [h('span', { class: 'column-badges', 'data-role': 'badges' })];
    if (turn.status === 'streaming') {
      children.push(h('button', { type: 'button', class: 'button stop', 'data-column-action': 'stop', 'aria-label': `Stop ${label}` }, icon('debug-stop'), ' Stop'));
    } else if (kept) {
      children.push(h('span', { class: 'column-kept', 'data-role': 'kept' }, icon('check'), ' Kept: continues in the chat'));
    } else if (canKeep(turn)) {
      children.push(h('button', {
        type: 'button', class: 'button primary', 'data-column-action': 'keep', 'data-role': 'keep',
        'aria-label': `Keep the answer from ${label} and continue in the chat`, title: 'Continue this answer as a chat conversation',
      }, icon('comment-discussion'), ' Keep this answer'));
    }
    view.toolbar.replaceChildren(...children);
  }

  private renderStandouts(): void {
    const marks = standouts([...this.views.values()].map((view) => view.column.turn));
    for (const [id, view] of this.views) {
      const badges = view.toolbar.querySelector('[data-role="badges"]');
      if (!badges) continue;
      const list: Node[] = [];
      if (marks.fastest.includes(id)) list.push(h('span', { class: 'badge', 'data-badge': 'fastest' }, icon('zap'), ' Fastest'));
      if (marks.cheapest.includes(id)) list.push(h('span', { class: 'badge', 'data-badge': 'cheapest' }, icon('credit-card'), ' Cheapest'));
      badges.replaceChildren(...list);
    }
  }

  private onClick(event: MouseEvent): void {
    const content = answerContentClick(event);
    if (content) {
      if (content.message) this.host.post(content.message);
      if (content.message?.type === 'copyCode') this.announce('Copied.');
      return;
    }
    const target = event.target as Element;
    const turnId = target.closest<HTMLElement>('[data-role="column"]')?.dataset.turnId ?? '';
    const columnButton = target.closest<HTMLButtonElement>('button[data-column-action]');
    if (columnButton && turnId) {
      const action = columnButton.dataset.columnAction;
      if (action === 'stop' || action === 'keep') this.host.post({ type: action, turnId });
      return;
    }
    const turnButton = target.closest<HTMLButtonElement>('button[data-turn-action]');
    const action = turnButton?.dataset.turnAction ?? '';
    if (turnButton && turnId && isErrorActionId(action)) {
      if (action === 'retry') this.host.post({ type: 'retry', turnId });
      else this.host.post({ type: 'action', action, turnId });
    }
  }

  private showNotice(level: 'info' | 'warning' | 'error', message: string): void {
    const close = h('button', { type: 'button', class: 'icon-button notice-close', 'aria-label': 'Dismiss', title: 'Dismiss' }, icon('close'));
    const notice = h('div', { class: `notice ${level}`, 'data-role': 'notice', 'data-level': level },
      icon(level === 'info' ? 'info' : level), h('span', { class: 'notice-text' }, message), close);
    close.addEventListener('click', () => notice.remove());
    this.notices.append(notice);
    while (this.notices.children.length > 3) this.notices.firstElementChild?.remove();
    this.announce(message);
  }

  private announce(text: string): void {
    if (!text) return;
    this.liveStatus.textContent = '';
    setTimeout(() => { this.liveStatus.textContent = text; }, 30);
  }

  private syncTicker(): void {
    const streaming = [...this.views.values()].some((view) => view.answer.status === 'streaming');
    if (streaming && !this.ticker) {
      this.ticker = setInterval(() => {
        const now = Date.now();
        for (const view of this.views.values()) view.answer.tick(now);
      }, 1_000);
    } else if (!streaming && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}
