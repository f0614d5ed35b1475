import { ref } from 'vue';

// A page's load whose answers may arrive out of order (the user changes the year, the region or a
// filter while a request is out): only the latest request may fill the page or end the spinner.

/** Numbers requests; `isLatest` tells whether a request is still the last one started. */
export interface LatestRequestGuard {
  begin(): number;
  isLatest(request: number): boolean;
}

export function latestRequestGuard(): LatestRequestGuard {
  let latest = 0;
  return {
    begin: () => ++latest,
    isLatest: (request) => request === latest,
  };
}

export interface LatestLoadOptions<T> {
  /** The request, or null when there is nothing to load yet (no region, no enterprise). */
  fetch: () => Promise<T> | null;
  /** The latest answer. */
  done: (value: T) => void;
  /** The latest request failed (the request client has shown the message, unless the call was silent). */
  failed?: (error: unknown) => void;
}

export function useLatestLoad<T>(options: LatestLoadOptions<T>) {
  const loading = ref(false);
  const failed = ref(false);
  const guard = latestRequestGuard();

  async function load(): Promise<void> {
    const pending = options.fetch();
    if (!pending) return;
    const request = guard.begin();
    loading.value = true;
    failed.value = false;
    try {
      const value = await pending;
      if (guard.isLatest(request)) options.done(value);
    } catch (error) {
      if (guard.isLatest(request)) {
        failed.value = true;
        options.failed?.(error);
      }
    } finally {
      if (guard.isLatest(request)) loading.value = false;
    }
  }

  /** Drops the request that is out (its answer will be ignored) and ends the spinner: there is nothing to load any more. */
  function cancel(): void {
    guard.begin();
    loading.value = false;
  }

  return { loading, failed, load, cancel };
}
