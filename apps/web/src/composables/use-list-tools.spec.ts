import { nextTick } from 'vue';
import { columnsStorageKey, pageSizeOf, readColumns, sortParamFromTable, sortParamOf, tableSortOf, useColumnSettings } from './use-list-tools';

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('list tools (issue 20 item 3)', () => {
  it('takes a sort from the URL only for a whitelisted key, and turns it into the table sort and back', () => {
    expect(sortParamOf('-name', ['name', 'region'])).toBe('-name');
    expect(sortParamOf('password', ['name'])).toBe('');
    expect(sortParamOf(['region'], ['name', 'region'])).toBe('region');
    expect(tableSortOf('-name')).toEqual({ prop: 'name', order: 'descending' });
    expect(sortParamFromTable({ prop: 'name', order: 'descending' })).toBe('-name');
    expect(sortParamFromTable({ prop: 'name', order: 'ascending' })).toBe('name');
    expect(sortParamFromTable({ prop: 'name', order: null })).toBe('');
  });

  it('offers 20, 50 and 100 rows a page; anything else is the default', () => {
    expect(pageSizeOf('50')).toBe(50);
    expect(pageSizeOf('1000')).toBe(20);
    expect(pageSizeOf(undefined)).toBe(20);
  });

  it('remembers the shown columns per user and list, keeps the pinned one, and drops unknown stored keys', async () => {
    const storage = memoryStorage();
    let user = 'u1';
    const options = [{ key: 'name', label: '企业名称', fixed: true }, { key: 'region', label: '所在地区' }, { key: 'phone', label: '联系电话' }] as const;
    const settings = useColumnSettings('enterprises', options, () => user, storage);
    expect(settings.ordered.value).toEqual(['name', 'region', 'phone']);
    settings.visible.value = ['phone'];
    await nextTick();
    expect(settings.ordered.value).toEqual(['name', 'phone']);
    expect(JSON.parse(storage.getItem(columnsStorageKey('u1', 'enterprises'))!)).toEqual(['name', 'phone']);

    // Another user on the same browser sees every column; the first one's choice comes back with them.
    user = 'u2';
    const other = useColumnSettings('enterprises', options, () => user, storage);
    expect(other.ordered.value).toEqual(['name', 'region', 'phone']);
    storage.setItem(columnsStorageKey('u3', 'enterprises'), JSON.stringify(['region', 'dropped']));
    expect(readColumns(storage, columnsStorageKey('u3', 'enterprises'), ['name', 'region'])).toEqual(['region']);
    expect(readColumns(storage, 'missing', ['name'])).toBeNull();
  });
});
