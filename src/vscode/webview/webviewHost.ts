/**
 * A webview page and the host that talks to it, for any page that speaks a
 * message protocol: one union of messages per direction, each with a `type`.
 *
 * The host attaches a surface (a WebviewView, or a WebviewPanel in tests),
 * gives it its options and HTML, and waits for the page to say it is ready
 * before posting to it. Until then, messages that only mirror state are
 * dropped (the page receives the whole state when it says ready) and the
 * others are queued in order, up to a bound. A surface that is hidden loses
 * its page, so it is not ready again until the new page says so.
 *
 * What the page sends is untrusted: it is parsed by the protocol's guard and
 * only then handed to the handler for its type.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/common/logger';
import { messageOf } from '../errorMessage';
import { Disposable, DisposableStore } from '../lifecycle';

export interface Message {
  readonly type: string;
}

/** One handler per message type, each receiving its own kind of message: a missing one does not compile. */
export type MessageHandlers<M extends Message> = {
  readonly [K in M['type']]: (message: Extract<M, { readonly type: K }>) => unknown;
};

export type ParsedMessage<M> = { readonly ok: true; readonly message: M } | { readonly ok: false; readonly error: string };

/** Where a page lives: a WebviewView fits, and so does a WebviewPanel adapted to this shape. */
export interface WebviewSurface {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  readonly onDidDispose: vscode.Event<void>;
  readonly onDidChangeVisibility?: vscode.Event<void>;
  show?(preserveFocus?: boolean): void;
}

export interface WebviewHostOptions<ToPage extends Message, FromPage extends Message> {
  /** Names the page in the log. */
  readonly name: string;
  readonly log: Logger;
  readonly webviewOptions: () => vscode.WebviewOptions;
  readonly html: (webview: vscode.Webview) => string;
  /**
   * The HTML embeds the state: it is made again whenever the surface is hidden (its page is then
   * gone), so the page made when it shows again starts from the state as of then, not as of attach.
   */
  readonly htmlHoldsState?: boolean;
  /** The protocol's guard for what the page sends. */
  readonly parse: (raw: unknown) => ParsedMessage<FromPage>;
  readonly handlers: MessageHandlers<FromPage>;
  /** Message types that only mirror state: dropped, not queued, while the page is not ready. */
  readonly stateTypes: ReadonlySet<ToPage['type']>;
  /** Called when a handler throws, after the failure is logged. */
  readonly onHandlerError?: (message: FromPage, error: unknown) => void;
  readonly queueLimit?: number;
}

interface Queued<ToPage> {
  readonly message: ToPage;
  readonly delivered: (delivered: boolean) => void;
}

const DEFAULT_QUEUE_LIMIT = 50;

export class WebviewHost<ToPage extends Message, FromPage extends Message> extends Disposable {
  private surface: WebviewSurface | undefined;
  private readonly surfaceListeners = this.register(new DisposableStore());
  private ready = false;
  private queue: Queued<ToPage>[] = [];

  constructor(private readonly options: WebviewHostOptions<ToPage, FromPage>) {
    super();
  }

  /** The page is on screen now. */
  get visible(): boolean {
    return this.surface?.visible === true;
  }

  /** Shows the page in a surface, replacing any previous one. Disposing the result detaches it. */
  attach(surface: WebviewSurface): vscode.Disposable {
    this.detach();
    this.surface = surface;
    surface.webview.options = this.options.webviewOptions();
    surface.webview.html = this.options.html(surface.webview);
    this.surfaceListeners.add(surface.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this.surfaceListeners.add(surface.onDidDispose(() => this.detachIf(surface)));
    if (surface.onDidChangeVisibility) {
      this.surfaceListeners.add(surface.onDidChangeVisibility(() => {
        // Hidden without retained context: the page is gone and will say it is ready again.
        if (surface.visible) return;
        this.ready = false;
        if (this.options.htmlHoldsState) surface.webview.html = this.options.html(surface.webview);
      }));
    }
    return new vscode.Disposable(() => this.detachIf(surface));
  }

  /** Reveals the attached surface; false when there is none that can reveal itself. */
  reveal(preserveFocus = false): boolean {
    if (!this.surface?.show) return false;
    this.surface.show(preserveFocus);
    return true;
  }

  /**
   * Posts a message to the page, now or once it is ready. Resolves to whether
   * the page received it: false when it was dropped (state while not ready, the
   * queue overflowed, the host was disposed) or could not be delivered.
   */
  post(message: ToPage): Promise<boolean> {
    if (this.isDisposed) return Promise.resolve(false);
    if (this.surface && this.ready) return this.deliver(message);
    if (this.options.stateTypes.has(message.type)) return Promise.resolve(false);
    return new Promise((delivered) => {
      this.queue.push({ message, delivered });
      if (this.queue.length > (this.options.queueLimit ?? DEFAULT_QUEUE_LIMIT)) this.queue.shift()?.delivered(false);
    });
  }

  /**
   * The page said it is ready: it gets `firstMessages` (the whole state), then
   * everything queued meanwhile, in order.
   */
  pageReady(firstMessages: readonly ToPage[]): void {
    if (!this.surface || this.isDisposed) return;
    this.ready = true;
    for (const message of firstMessages) void this.deliver(message);
    for (const { message, delivered } of this.queue.splice(0)) void this.deliver(message).then(delivered);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.detach();
    super.dispose();
    for (const { delivered } of this.queue.splice(0)) delivered(false);
  }

  private detachIf(surface: WebviewSurface): void {
    if (this.surface === surface) this.detach();
  }

  private detach(): void {
    this.surfaceListeners.clear();
    this.surface = undefined;
    this.ready = false;
  }

  private deliver(message: ToPage): Promise<boolean> {
    const surface = this.surface;
    if (!surface) return Promise.resolve(false);
    return Promise.resolve(surface.webview.postMessage(message)).then(undefined, (error: unknown) => {
      this.options.log.warn(`${this.options.name}: could not post ${message.type} to the view: ${messageOf(error)}`);
      return false;
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = this.options.parse(raw);
    if (!parsed.ok) {
      this.options.log.warn(`${this.options.name}: ignored a malformed message from the view: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    const handler = this.options.handlers[message.type as FromPage['type']] as (message: FromPage) => unknown;
    try {
      await handler(message);
    } catch (error) {
      this.options.log.error(`${this.options.name}: handling ${message.type} failed: ${messageOf(error)}`);
      this.options.onHandlerError?.(message, error);
    }
  }
}
