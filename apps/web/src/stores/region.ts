import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { RegionNode } from '@cqo/contracts';
import { fetchRegionChildren, fetchRegionScope } from '@/api/regions';
import { ApiRequestError } from '@/api/request';

/**
 * The region and year the user is looking at, shared by the overview and the enterprise list so
 * a drill-down on one carries over to the other.
 */
export const useRegionStore = defineStore('region', () => {
  const root = ref<RegionNode | null>(null);
  /** True when the API says this user has no region scope (404 on /regions/scope). */
  const noScope = ref(false);
  const selected = ref<RegionNode | null>(null);
  const year = ref(new Date().getFullYear());
  const children = new Map<string, Promise<RegionNode[]>>();
  let loadingScope: Promise<RegionNode | null> | null = null;

  function loadScope(): Promise<RegionNode | null> {
    if (root.value || noScope.value) return Promise.resolve(root.value);
    loadingScope ??= fetchRegionScope()
      .then((region) => {
        root.value = region;
        selected.value ??= region;
        return region;
      })
      .catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 404) {
          noScope.value = true;
          return null;
        }
        throw error;
      })
      .finally(() => {
        loadingScope = null;
      });
    return loadingScope;
  }

  /** Children are cached per session; a failed load is forgotten so it can be retried. */
  function loadChildren(code: string): Promise<RegionNode[]> {
    let pending = children.get(code);
    if (!pending) {
      pending = fetchRegionChildren(code);
      children.set(code, pending);
      pending.catch(() => children.delete(code));
    }
    return pending;
  }

  function select(region: RegionNode): void {
    selected.value = region;
  }

  function reset(): void {
    root.value = null;
    noScope.value = false;
    selected.value = null;
    year.value = new Date().getFullYear();
    children.clear();
  }

  return { root, noScope, selected, year, loadScope, loadChildren, select, reset };
});
