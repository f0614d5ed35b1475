import { computed, onMounted, reactive, ref, watch, type ComputedRef, type Ref, type WritableComputedRef } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';
import { compactQuery } from '../utils/route-query';
import { useLatestLoad } from './use-latest-load';

// A list page's filters live in the URL (so a link or the back button restores them); the page
// loads whenever they change, and only the latest request may fill the page: an answer to an
// earlier filter that arrives late is dropped (latest request wins).

/** The route and router the composable reads and writes (vue-router's, or a test's stand-ins). */
export interface ListRoute {
  readonly name?: string | symbol | null;
  readonly query: LocationQuery;
}
export interface ListRouter {
  replace(to: { query: LocationQueryRaw }): Promise<unknown>;
  push(to: { query: LocationQueryRaw }): Promise<unknown>;
}

export interface ListQueryOptions<F extends object, R> {
  /** The page's route name: a change of the URL is acted on only while this page is shown. */
  routeName: string | (() => string);
  /** URL query → the applied filters (unknown values fall back to their defaults). */
  parse: (query: LocationQuery) => F;
  /** Applied filters → URL values; '' and page 1 are left out of the URL. Default: the filters as they are. */
  toQuery?: (filters: F) => Record<string, string | number>;
  /** The page's request for the applied filters, or null when there is nothing to load yet (no region, no enterprise). */
  fetch: (filters: F) => Promise<R> | null;
  /**
   * A failed load empties the result (a record page says 加载失败 instead of showing another
   * year's record); by default a list keeps its last page on screen.
   */
  clearOnFailure?: boolean;
  /** Called with each answer that fills the page (e.g. to copy a record into the form that edits it). */
  onLoaded?: (result: R) => void;
  /** Called with the filters each time they change (e.g. to copy them into the form's draft). */
  onApplied?: (filters: F) => void;
  /** Load at once (and on every change); otherwise the page calls `load()` when it is ready (onMounted). */
  immediate?: boolean;
  /**
   * Awaited when the page is mounted (e.g. loading the user's region scope for the filter); then
   * the filters go to `onApplied` and the first load runs.
   */
  mounted?: () => Promise<unknown>;
  /** A change of filters is a new history entry (the back button undoes it) instead of replacing the URL. */
  push?: boolean;
  route?: ListRoute;
  router?: ListRouter;
}

export interface ListQuery<F extends object, R> {
  applied: ComputedRef<F>;
  result: Ref<R | null>;
  loading: Ref<boolean>;
  /** The latest load failed (the request client has shown the message). */
  failed: Ref<boolean>;
  /** Writes the filters with `changes` to the URL (which then loads). */
  apply(changes: Partial<F>): void;
  /** Loads the applied filters; a failure keeps the last page on screen (the request client shows the message). */
  load(): Promise<void>;
  /** A filter bound to the URL: reading gives the applied value, setting applies it from page 1 (when the list pages). */
  filterModel<K extends keyof F>(key: K): WritableComputedRef<F[K]>;
}

export function useListQuery<F extends object, R>(options: ListQueryOptions<F, R>): ListQuery<F, R> {
  const route = options.route ?? useRoute();
  const router = options.router ?? useRouter();
  const applied = computed<F>(() => options.parse(route.query));
  const result = ref<R | null>(null) as Ref<R | null>;
  const toQuery = options.toQuery ?? ((filters: F) => filters as unknown as Record<string, string | number>);
  // A failure keeps the last page on screen unless told otherwise (the request client has shown the message).
  const { loading, failed, load } = useLatestLoad<R>({
    fetch: () => options.fetch(applied.value),
    done: (page) => {
      result.value = page;
      options.onLoaded?.(page);
    },
    failed: () => {
      if (options.clearOnFailure) result.value = null;
    },
  });

  function apply(changes: Partial<F>): void {
    const to = { query: compactQuery(toQuery({ ...applied.value, ...changes })) };
    void (options.push ? router.push(to) : router.replace(to));
  }

  watch(
    applied,
    (filters) => {
      const name = typeof options.routeName === 'function' ? options.routeName() : options.routeName;
      if (route.name !== name) return;
      options.onApplied?.(filters);
      void load();
    },
    { deep: true, immediate: options.immediate ?? false },
  );

  const mounted = options.mounted;
  if (mounted) {
    onMounted(async () => {
      await mounted();
      options.onApplied?.(applied.value);
      await load();
    });
  }

  function filterModel<K extends keyof F>(key: K): WritableComputedRef<F[K]> {
    return computed<F[K]>({
      get: () => applied.value[key],
      set: (value) => apply({ [key]: value, ...('page' in applied.value ? { page: 1 } : {}) } as Partial<F>),
    });
  }

  return { applied, result, loading, failed, apply, load, filterModel };
}

/**
 * A route and router held in memory, for a list whose filters are not the page's to put in the URL
 * (a list inside a tab or a dialog of another page, whose URL belongs to that page): the same
 * filters, paging and latest-request-wins, kept only while the list is shown. Spread it into the options.
 */
export function memoryRoute(name = 'memory'): { routeName: string; route: ListRoute; router: ListRouter } {
  const route = reactive<{ name: string; query: LocationQuery }>({ name, query: {} });
  const go = (to: { query: LocationQueryRaw }): Promise<void> => {
    // The query is written by `apply` through compactQuery: string values only.
    route.query = { ...to.query } as LocationQuery;
    return Promise.resolve();
  };
  return { routeName: name, route, router: { replace: go, push: go } };
}
