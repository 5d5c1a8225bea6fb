import type { WebviewMessage } from '../core/common/protocol';

/** What the page remembers across its own reloads (hide/show): only UI details, never chat data. */
export interface PageState {
  readonly draft: string;
  readonly listOpen: boolean;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The typed channel to the host: only protocol messages can be posted. */
export interface HostChannel {
  post(message: WebviewMessage): void;
  loadState(): PageState;
  saveState(state: PageState): void;
}

export function connect(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => {
      const raw = api.getState();
      if (typeof raw === 'object' && raw !== null) {
        const value = raw as Record<string, unknown>;
        return {
          draft: typeof value.draft === 'string' ? value.draft : '',
          listOpen: value.listOpen === true,
        };
      }
      return { draft: '', listOpen: false };
    },
    saveState: (state) => api.setState(state),
  };
}
