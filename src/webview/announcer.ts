/**
 * What the chat tells the user outside the conversation: notices above the messages (at most three;
 * information fades), and the polite live regions screen readers read (status, and new answer text).
 */
import { h, icon, iconButton } from './dom';

export class Announcer {
  readonly notices: HTMLElement;
  readonly liveStatus: HTMLElement;
  readonly liveAnswer: HTMLElement;

  /** `dismissed`: where focus goes when a notice is closed. */
  constructor(private readonly dismissed: () => void) {
    this.notices = h('div', { id: 'notices', class: 'notices' });
    this.liveStatus = h('div', { id: 'live-status', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.liveAnswer = h('div', { id: 'live-answer', class: 'visually-hidden', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  }

  notice(level: 'info' | 'warning' | 'error', message: string): void {
    const close = iconButton('Dismiss', 'close', { class: 'icon-button notice-close' });
    const notice = h('div', { class: `notice ${level}`, 'data-role': 'notice', 'data-level': level },
      icon(level === 'info' ? 'info' : level), h('span', { class: 'notice-text' }, message), close);
    close.addEventListener('click', () => { notice.remove(); this.dismissed(); });
    this.notices.append(notice);
    while (this.notices.children.length > 3) this.notices.firstElementChild?.remove();
    this.status(message);
    if (level === 'info') setTimeout(() => notice.remove(), 8_000);
  }

  status(text: string): void {
    if (!text) return;
    // Re-setting the same text would not be announced again: clear first.
    this.liveStatus.textContent = '';
    setTimeout(() => { this.liveStatus.textContent = text; }, 30);
  }

  answer(text: string): void {
    const clean = text.trim();
    if (!clean) return;
    this.liveAnswer.append(h('p', {}, clean));
    while (this.liveAnswer.childElementCount > 20) this.liveAnswer.firstElementChild?.remove();
  }
}
