import type * as vscode from 'vscode';

type DisposableLike = { dispose(): unknown };

/**
 * A set of disposables released together, newest first. Adding to a store that
 * is already disposed disposes the newcomer at once, so nothing registered
 * late can leak.
 */
export class DisposableStore implements vscode.Disposable {
  private readonly items = new Set<DisposableLike>();
  private disposedFlag = false;

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  add<T extends DisposableLike>(item: T): T {
    if (this.disposedFlag) item.dispose();
    else this.items.add(item);
    return item;
  }

  /** Disposes and forgets everything added so far; the store stays usable. */
  clear(): void {
    const items = [...this.items].reverse();
    this.items.clear();
    for (const item of items) item.dispose();
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.clear();
  }
}

/** Base for classes that own listeners: `this.register(...)` everything, and one `dispose()` releases it all. */
export abstract class Disposable implements vscode.Disposable {
  private readonly store = new DisposableStore();

  protected get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  protected register<T extends DisposableLike>(item: T): T {
    return this.store.add(item);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/**
 * An AbortSignal that follows a cancellation token: aborted at once when the
 * token already is, and whenever it fires. `dispose` stops following.
 */
export function abortOnCancel(token: vscode.CancellationToken): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
