import { closingProblems, reopeningProblems } from './enterprise-closing.rules';

describe('closing an enterprise (issue 17: open/closed is a dated attribute)', () => {
  const today = '2026-12-04';

  it('accepts a closing dated today or earlier, after the CQO took office', () => {
    expect(closingProblems({ closedOn: today, today, closedSince: null, cqoFrom: '2026-01-01' })).toEqual([]);
    expect(closingProblems({ closedOn: '2026-01-02', today, closedSince: null, cqoFrom: '2026-01-01' })).toEqual([]);
    expect(closingProblems({ closedOn: '2020-01-01', today, closedSince: null, cqoFrom: null })).toEqual([]);
  });

  it('refuses a closing dated after today, naming the field', () => {
    expect(closingProblems({ closedOn: '2026-12-05', today, closedSince: null, cqoFrom: null })).toEqual([
      { field: 'closedOn', code: 'future', message: '注销日期不能晚于今天' },
    ]);
  });

  it('refuses a closing on or before the day the CQO in post took effect (the appointment would end before it began)', () => {
    expect(closingProblems({ closedOn: '2026-01-01', today, closedSince: null, cqoFrom: '2026-01-01' })[0]).toMatchObject({ field: 'closedOn', code: 'beforeAppointment' });
  });

  it('refuses to close an enterprise already closed', () => {
    expect(closingProblems({ closedOn: today, today, closedSince: '2026-03-01', cqoFrom: null })[0]).toMatchObject({ field: 'closedOn', code: 'closed' });
  });

  it('reopens only a closed enterprise, after its closing date and not in the future', () => {
    expect(reopeningProblems({ reopenedOn: '2026-03-02', today, closedSince: '2026-03-01' })).toEqual([]);
    expect(reopeningProblems({ reopenedOn: '2026-03-01', today, closedSince: '2026-03-01' })[0]).toMatchObject({ field: 'reopenedOn', code: 'beforeClosing' });
    expect(reopeningProblems({ reopenedOn: '2026-12-05', today, closedSince: '2026-03-01' })[0]).toMatchObject({ field: 'reopenedOn', code: 'future' });
    expect(reopeningProblems({ reopenedOn: today, today, closedSince: null })[0]).toMatchObject({ field: 'reopenedOn', code: 'open' });
  });
});
