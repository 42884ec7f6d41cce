// What the Tauri shell puts on `window` (withGlobalTauri): only api.js uses it.
interface TauriChannel<T> { onmessage: (message: T) => void }
interface Window {
  __TAURI__?: {
    core: {
      invoke<T = any>(command: string, args?: Record<string, unknown>): Promise<T>;
      Channel: new <T = any>() => TauriChannel<T>;
    };
    dialog?: {
      save(options: Record<string, unknown>): Promise<string | null>;
      open(options: Record<string, unknown>): Promise<string | string[] | { path: string } | null>;
    };
    opener?: { openPath(path: string): Promise<void> };
    window?: Record<string, any>;
  };
}

// The window's code looks elements up by selector and knows what it finds (an input, a button):
// a lookup by a selector that is not a plain tag name is typed loosely, as the DOM cannot say.
interface ParentNode {
  querySelector(selectors: string): any;
  querySelectorAll(selectors: string): NodeListOf<any>;
}
interface Document {
  getElementById(elementId: string): any;
}
interface HTMLFormControlsCollection {
  [Symbol.iterator](): ArrayIterator<any>;
}
