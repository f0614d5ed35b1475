import { ref, watch, type Ref, type WatchSource } from 'vue';
import { ApiRequestError } from '@/api/request';

// A detail page (an application, a certificate, its print) loads its record by the route's key now
// and whenever the key changes. A failure empties the page and says whether the record is unknown
// (404: the page's "not found") or the load failed (加载失败 with 重试).

export type DetailFailure = 'notFound' | 'error';

export interface DetailLoadOptions<T> {
  /** After the record is shown, still within the load (e.g. drawing its QR code, the schemes). */
  then?: (found: T) => unknown;
  /** Other sources whose change reloads the record (e.g. the sheet's mode). */
  also?: WatchSource[];
}

export function useDetailLoad<T>(key: () => string, record: Ref<T | null>, fetch: (key: string) => Promise<T>, options: DetailLoadOptions<T> = {}) {
  const loading = ref(false);
  const failed = ref<DetailFailure | null>(null);

  async function load(value: string): Promise<void> {
    loading.value = true;
    failed.value = null;
    try {
      const found = await fetch(value);
      record.value = found;
      await options.then?.(found);
    } catch (error) {
      record.value = null;
      failed.value = error instanceof ApiRequestError && error.status === 404 ? 'notFound' : 'error';
    } finally {
      loading.value = false;
    }
  }

  watch([key, ...(options.also ?? [])], () => void load(key()), { immediate: true });
  return { loading, failed, load };
}
