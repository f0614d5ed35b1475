import { ref, watch, type Ref, type WatchSource } from 'vue';
import { ElMessage } from 'element-plus';
import { ApiRequestError } from '@/api/request';

// A detail page (an application, a certificate, its print) loads its record by the route's key now
// and whenever the key changes. A failure empties the page and says whether the record is unknown
// (404: the page's "not found") or the load failed (加载失败 with 重试). A step on the record (accept,
// a status change…) runs through `step`: busy while it runs, the answer shown, a 409 reloads.

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

  const busy = ref(false);

  /**
   * Runs a step on the shown record and says `success`: its answer becomes the record (no answer:
   * the record is loaded again). A 409 (someone moved it on) reloads the record as it is now; a
   * refusal with field errors is said in one message. False when the step did not happen.
   */
  async function step(run: () => Promise<T | void>, success: string): Promise<boolean> {
    if (!record.value) return false;
    busy.value = true;
    try {
      const next = await run();
      if (next) record.value = next;
      else await load(key());
      ElMessage.success(success);
      return true;
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 409) await load(key());
      else if (error instanceof ApiRequestError && error.details.length) ElMessage.error({ message: error.details.map((d) => d.message).join('；'), grouping: true });
      return false;
    } finally {
      busy.value = false;
    }
  }

  watch([key, ...(options.also ?? [])], () => void load(key()), { immediate: true });
  return { loading, failed, load, busy, step };
}
