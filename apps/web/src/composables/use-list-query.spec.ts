import { nextTick, reactive } from 'vue';
import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import { firstString, pageOf, yearQuery } from '../utils/route-query';
import { latestRequestGuard } from './use-latest-load';
import { memoryRoute, useListQuery } from './use-list-query';

// useListQuery with a small stand-in router: the URL is a reactive query that replace() rewrites.
function fakeRouter(name = 'list') {
  const route = reactive<{ name: string; query: LocationQuery }>({ name, query: {} });
  const replaced: LocationQueryRaw[] = [];
  const go = async (to: { query: LocationQueryRaw }) => {
    replaced.push(to.query);
    route.query = to.query as LocationQuery;
  };
  const router = { replace: go, push: go };
  return { route, router, replaced };
}

interface Filters {
  q: string;
  page: number;
}
const parse = (query: LocationQuery): Filters => ({ q: firstString(query.q), page: pageOf(query.page) });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('latestRequestGuard', () => {
  it('only the last request begun is the latest', () => {
    const g = latestRequestGuard();
    const a = g.begin();
    const b = g.begin();
    expect([g.isLatest(a), g.isLatest(b)]).toEqual([false, true]);
  });
});

describe('useListQuery: filters in the URL, paging, latest request wins', () => {
  it('a filter is written to the URL from page 1, leaving out empty values and page 1', async () => {
    const { route, router, replaced } = fakeRouter();
    route.query = { q: 'a', page: '3' };
    const list = useListQuery<Filters, string>({ routeName: 'list', parse, fetch: async (f) => `${f.q}/${f.page}`, route, router });
    expect(list.applied.value).toEqual({ q: 'a', page: 3 });
    list.filterModel('q').value = 'b';
    expect(replaced.at(-1)).toEqual({ q: 'b' });
    list.apply({ page: 2 });
    expect(replaced.at(-1)).toEqual({ q: 'b', page: '2' });
    list.apply({ q: '', page: 1 });
    expect(replaced.at(-1)).toEqual({});
  });

  it('loads on every change of the URL while the page is shown, and not after it is left', async () => {
    const { route, router } = fakeRouter();
    const seen: Filters[] = [];
    const list = useListQuery<Filters, string>({ routeName: 'list', parse, fetch: async (f) => (seen.push(f), f.q), route, router, immediate: true });
    await settle();
    expect(list.result.value).toBe('');
    route.query = { q: 'x' };
    await nextTick();
    await settle();
    expect(list.result.value).toBe('x');
    route.name = 'other';
    route.query = { q: 'y' };
    await nextTick();
    await settle();
    expect(seen.map((f) => f.q)).toEqual(['', 'x']);
  });

  it('an earlier answer arriving after a later one is dropped; loading ends with the latest', async () => {
    const { route, router } = fakeRouter();
    const pending: Record<string, ReturnType<typeof deferred<string>>> = {};
    const list = useListQuery<Filters, string>({
      routeName: 'list',
      parse,
      fetch: (f) => (pending[f.q] = deferred<string>()).promise,
      route,
      router,
    });
    route.query = { q: 'slow' };
    await nextTick();
    route.query = { q: 'fast' };
    await nextTick();
    pending.fast.resolve('fast rows');
    await settle();
    expect([list.result.value, list.loading.value]).toEqual(['fast rows', false]);
    pending.slow.resolve('slow rows');
    await settle();
    expect(list.result.value).toBe('fast rows');
  });

  it('a failed request keeps the last page on screen', async () => {
    const { route, router } = fakeRouter();
    let fail = false;
    const list = useListQuery<Filters, string>({ routeName: 'list', parse, fetch: async (f) => { if (fail) throw new Error('503'); return f.q; }, route, router });
    await list.load();
    fail = true;
    route.query = { q: 'z' };
    await nextTick();
    await settle();
    expect([list.result.value, list.loading.value]).toEqual(['', false]);
  });

  it('a record page: a failure empties it and says so, each answer goes to onLoaded, nothing loads without a key', async () => {
    const { route, router } = fakeRouter();
    let fail = false;
    let key: string | null = null;
    const seen: string[] = [];
    const list = useListQuery<Filters, string>({
      routeName: 'list',
      parse,
      fetch: (f) => (key === null ? null : fail ? Promise.reject(new Error('503')) : Promise.resolve(`${key}:${f.q}`)),
      clearOnFailure: true,
      onLoaded: (value) => seen.push(value),
      route,
      router,
    });
    await list.load();
    expect([list.result.value, list.loading.value, seen]).toEqual([null, false, []]);
    key = 'e1';
    await list.load();
    expect([list.result.value, list.failed.value, seen]).toEqual(['e1:', false, ['e1:']]);
    fail = true;
    await list.load();
    expect([list.result.value, list.failed.value]).toEqual([null, true]);
  });
});

describe('yearQuery: a page whose one filter is the year', () => {
  const { parse: parseYear, toQuery } = yearQuery(2025, 2021, 2026);
  it('the usual year is left out of the URL; others are kept within range', () => {
    expect([parseYear({}), parseYear({ year: '2023' }), parseYear({ year: '2030' }), parseYear({ year: 'x' })]).toEqual([
      { year: 2025 },
      { year: 2023 },
      { year: 2026 },
      { year: 2025 },
    ]);
    expect([toQuery({ year: 2025 }), toQuery({ year: 2023 })]).toEqual([{ year: '' }, { year: 2023 }]);
  });
});

describe('memoryRoute: a list whose filters stay out of the URL', () => {
  it('pages and filters like a URL list, and a search with the same filters loads again', async () => {
    const seen: Filters[] = [];
    const list = useListQuery<Filters, string>({ ...memoryRoute(), parse, fetch: async (f) => (seen.push(f), f.q), immediate: true });
    await settle();
    list.apply({ page: 2 });
    await nextTick();
    await settle();
    list.apply({ q: 'a', page: 1 });
    await nextTick();
    await settle();
    list.apply({ q: 'a', page: 1 });
    await nextTick();
    await settle();
    expect(seen).toEqual([
      { q: '', page: 1 },
      { q: '', page: 2 },
      { q: 'a', page: 1 },
      { q: 'a', page: 1 },
    ]);
    expect(list.result.value).toBe('a');
  });
});
