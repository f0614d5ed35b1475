import { ref, watch, type Ref } from 'vue';
import { ApiRequestError } from '@/api/request';

/** Why a login-free lookup (a certificate's verification page) showed nothing. */
export type LookupFailure = 'notFound' | 'tooMany' | 'error';

export function lookupFailureOf(error: unknown): LookupFailure {
  if (!(error instanceof ApiRequestError)) return 'error';
  if (error.status === 404) return 'notFound';
  if (error.status === 429) return 'tooMany';
  return 'error';
}

/**
 * Looks `key()` up with `fetch` now and whenever the key changes (a public verification page):
 * the result, or why there is none (unknown, rate-limited, failed), and `load` to retry.
 */
export function usePublicLookup<T>(key: () => string, fetch: (key: string) => Promise<T>) {
  const result = ref<T | null>(null) as Ref<T | null>;
  const failure = ref<LookupFailure | null>(null);
  const loading = ref(false);

  async function load(value: string): Promise<void> {
    loading.value = true;
    failure.value = null;
    result.value = null;
    try {
      result.value = await fetch(value);
    } catch (error) {
      failure.value = lookupFailureOf(error);
    } finally {
      loading.value = false;
    }
  }

  watch(key, (value) => void load(value), { immediate: true });
  return { result, failure, loading, load };
}
