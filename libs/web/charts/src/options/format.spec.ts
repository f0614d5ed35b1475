import { EMPTY_TEXT, countText, emptyTitle, escapeHtml, firstParam } from './format';

describe('countText', () => {
  it('shows counts as plain digits and the rest as "—"', () => {
    expect(countText(1234)).toBe('1234');
    expect(countText(null)).toBe('—');
    expect(EMPTY_TEXT).toBe('—');
  });
});

describe('helpers', () => {
  it('centres a no-data title', () => {
    expect(emptyTitle('暂无数据')).toMatchObject({ text: '暂无数据', left: 'center', top: 'middle' });
  });

  it('escapes names for HTML tooltips', () => {
    expect(escapeHtml('<b>"A" & \'B\'</b>')).toBe('&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;');
  });

  it('reads the first tooltip param of an item or an axis tooltip', () => {
    expect(firstParam({ dataIndex: 2 })?.dataIndex).toBe(2);
    expect(firstParam([{ dataIndex: 1 }, { dataIndex: 1 }])?.dataIndex).toBe(1);
    expect(firstParam(null)).toBeUndefined();
    expect(firstParam([])).toBeUndefined();
  });
});
