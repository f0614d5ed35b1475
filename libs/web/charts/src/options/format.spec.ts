import { EMPTY_TEXT, countText, emptyTitle, escapeHtml, firstParam, needsUprightLabels, uprightLabels } from './format';

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

describe('names under bars on a narrow chart (issue 20 screenshots)', () => {
  const bars = (n: number) => ({ xAxis: { type: 'category', data: Array.from({ length: n }, (_, i) => `市${i}`), axisLabel: { interval: 0, rotate: 30 } } });

  it('17 市州 in a phone-wide chart (330 px, 19 px each) stand upright; in a desktop card (560 px) they stay slanted', () => {
    expect(needsUprightLabels(bars(17), 330)).toBe(true);
    expect(needsUprightLabels(bars(17), 560)).toBe(false);
    expect(needsUprightLabels(bars(5), 330)).toBe(false);
    expect(uprightLabels(bars(17)).xAxis.axisLabel).toEqual({ interval: 0, rotate: 90 });
  });

  it('leaves alone charts without an every-name category x axis, and an unmeasured chart', () => {
    const horizontal = { yAxis: { type: 'category', data: ['a', 'b', 'c'] }, xAxis: { type: 'value' } };
    expect(needsUprightLabels(horizontal, 10)).toBe(false);
    expect(uprightLabels(horizontal)).toBe(horizontal);
    expect(needsUprightLabels({ xAxis: { type: 'category', data: ['2022', '2023', '2024'] } }, 20)).toBe(false);
    expect(needsUprightLabels(bars(17), 0)).toBe(false);
  });
});
