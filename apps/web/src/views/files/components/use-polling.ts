import { onScopeDispose, watch } from 'vue';
import { POLL_INTERVAL_MS } from '@/utils/files';

/**
 * Calls `tick` every `intervalMs` while `active()` holds, one call at a time (the next waits for the
 * previous answer, so a slow API is never asked twice at once); stops when the component goes away.
 */
export function usePolling(tick: () => Promise<void>, active: () => boolean, intervalMs = POLL_INTERVAL_MS): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  let disposed = false;

  function schedule(): void {
    if (disposed || timer !== null || inFlight || !active()) return;
    timer = setTimeout(() => {
      timer = null;
      inFlight = true;
      tick()
        .catch(() => undefined)
        .finally(() => {
          inFlight = false;
          schedule();
        });
    }, intervalMs);
  }

  function stop(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  watch(active, (now) => (now ? schedule() : stop()), { immediate: true });
  onScopeDispose(() => {
    disposed = true;
    stop();
  });
}
