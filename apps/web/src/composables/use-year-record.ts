import { watch, type Ref, type WritableComputedRef } from 'vue';
import { FIRST_YEAR } from '@cqo/web-ui';
import { yearQuery } from '../utils/route-query';
import { useListQuery } from './use-list-query';

// A page that shows one record of a year for the signed-in user's unit (the city office's annual
// report, the enterprise's): the year is the page's filter in the URL (the usual year left out),
// the record loads again when the year or the unit changes, only the latest answer is shown, and
// a failed load empties the page (加载失败 with 重试).

export interface YearRecordOptions<T> {
  routeName: string;
  /** The year shown when the URL names none; also the last year offered. */
  usual: number;
  /** The unit whose record is shown; null until it is known (nothing loads). */
  key: () => string | null;
  fetch: (key: string, year: number) => Promise<T>;
  /** Each record loaded (e.g. copied into the form that edits it). */
  onLoaded: (record: T) => void;
}

export interface YearRecord<T> {
  record: Ref<T | null>;
  year: WritableComputedRef<number>;
  loading: Ref<boolean>;
  failed: Ref<boolean>;
  load(): Promise<void>;
}

export function useYearRecord<T>(options: YearRecordOptions<T>): YearRecord<T> {
  const list = useListQuery<{ year: number }, T>({
    routeName: options.routeName,
    immediate: true,
    ...yearQuery(options.usual, FIRST_YEAR, options.usual),
    fetch: (f) => {
      const key = options.key();
      return key ? options.fetch(key, f.year) : null;
    },
    clearOnFailure: true,
    onLoaded: options.onLoaded,
  });
  watch(options.key, () => void list.load());
  return { record: list.result, year: list.filterModel('year'), loading: list.loading, failed: list.failed, load: list.load };
}
