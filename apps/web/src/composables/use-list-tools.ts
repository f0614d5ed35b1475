import { computed, ref, watch, type ComputedRef, type Ref } from 'vue';
import { parseSort } from '@cqo/contracts';

// List tools (issue 20 item 3), shared by every list page: the server-side sort as the table's
// sort state, the page sizes offered, and the columns a user has chosen to see (remembered per
// user and list in this browser).

/** The page sizes a list offers; the first is the default. */
export const PAGE_SIZES = [20, 50, 100] as const;

/** A page size from the URL; anything not offered falls back to the default. */
export function pageSizeOf(value: unknown): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : PAGE_SIZES[0];
}

/** The page size as a URL value: the default is left out of the URL. */
export function pageSizeParam(size: number): number | '' {
  return size === PAGE_SIZES[0] ? '' : size;
}

/**
 * The shared pager's props and handlers for a list on useListQuery (`v-bind` them): its page and
 * page size from the applied filters; choosing either applies it (a new size from page 1).
 */
export function pagerBinding(
  applied: { page: number; pageSize: number },
  total: number,
  apply: (changes: { page: number; pageSize?: number }) => void,
): { sizes: true; total: number; page: number; pageSize: number; onChange: (page: number) => void; onSizeChange: (size: number) => void } {
  return {
    sizes: true,
    total,
    page: applied.page,
    pageSize: applied.pageSize,
    onChange: (page) => apply({ page }),
    onSizeChange: (pageSize) => apply({ pageSize, page: 1 }),
  };
}

/** A sort from the URL: a whitelisted key, `-` first for descending; anything else is no sort. */
export function sortParamOf<K extends string>(value: unknown, keys: readonly K[]): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
  return parseSort(text, keys) ? text : '';
}

/** A column's `sortable`: `custom` (the server sorts) for a whitelisted key while the list sorts, otherwise not sortable. */
export function sortableBy(keys: readonly string[], enabled: () => boolean = () => true): (key: string) => 'custom' | false {
  return (key) => (enabled() && keys.includes(key) ? 'custom' : false);
}

export type TableOrder = 'ascending' | 'descending' | null;

/** The table's `default-sort` for a sort parameter. */
export function tableSortOf(sort: string): { prop: string; order: Exclude<TableOrder, null> } | undefined {
  if (!sort) return undefined;
  return sort.startsWith('-') ? { prop: sort.slice(1), order: 'descending' } : { prop: sort, order: 'ascending' };
}

/** The sort parameter for the table's `sort-change` (no order: back to the list's default). */
export function sortParamFromTable(change: { prop: string | null; order: TableOrder }): string {
  if (!change.prop || !change.order) return '';
  return change.order === 'descending' ? `-${change.prop}` : change.prop;
}

export interface ColumnOption<K extends string> {
  key: K;
  label: string;
  /** Cannot be hidden (e.g. the name that opens the row). */
  fixed?: boolean;
}

export interface ColumnSettings<K extends string> {
  /** The visible columns, in the list's order. */
  visible: Ref<K[]>;
  shown(key: K): boolean;
  reset(): void;
  /** Visible columns in the list's order (what an export writes). */
  ordered: ComputedRef<K[]>;
}

const STORAGE_PREFIX = 'cqo.columns';

/** The storage key of a user's column choice for a list (issue 20 item 3: remembered per user). */
export function columnsStorageKey(userId: string | null | undefined, listId: string): string {
  return `${STORAGE_PREFIX}.${userId ?? 'anonymous'}.${listId}`;
}

/** Reads a stored choice, keeping only the list's current columns; null when none is stored (or it is unreadable). */
export function readColumns<K extends string>(storage: Pick<Storage, 'getItem'>, key: string, all: readonly K[]): K[] | null {
  try {
    const raw = storage.getItem(key);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return null;
    return all.filter((k) => parsed.includes(k));
  } catch {
    return null;
  }
}

export function useColumnSettings<K extends string>(
  listId: string,
  columns: readonly ColumnOption<K>[],
  userId: () => string | null | undefined,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = localStorage,
): ColumnSettings<K> {
  const all = columns.map((c) => c.key);
  const always = columns.filter((c) => c.fixed).map((c) => c.key);
  const withFixed = (keys: readonly K[]): K[] => all.filter((k) => keys.includes(k) || always.includes(k));
  const visible = ref<K[]>([]) as Ref<K[]>;
  let loading = false;

  watch(
    () => columnsStorageKey(userId(), listId),
    (key) => {
      loading = true;
      visible.value = withFixed(readColumns(storage, key, all) ?? all);
      loading = false;
    },
    { immediate: true },
  );
  watch(visible, (keys) => {
    if (loading) return;
    const key = columnsStorageKey(userId(), listId);
    if (keys.length === all.length) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(withFixed(keys)));
  });

  const ordered = computed(() => withFixed(visible.value));
  return {
    visible,
    ordered,
    shown: (key) => ordered.value.includes(key),
    reset: () => {
      visible.value = [...all];
    },
  };
}
