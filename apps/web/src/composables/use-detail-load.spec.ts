import { ref } from 'vue';
import { ApiRequestError } from '@/api/request';
import { useDetailLoad } from './use-detail-load';

// The toast is the user's signal; record what it was told instead of drawing it.
const told: { kind: string; text: string }[] = [];
jest.mock('element-plus', () => ({
  ElMessage: {
    success: (text: string) => told.push({ kind: 'success', text }),
    error: (o: { message: string }) => told.push({ kind: 'error', text: o.message }),
  },
}));

// The request module's locale sets <html lang> on load; there is no document here.
jest.mock('@/locales', () => ({ getLocale: () => 'zh-CN', i18n: { global: { t: (key: string) => key, locale: { value: 'zh-CN' } } } }));

const settle = () => new Promise((r) => setTimeout(r, 0));

interface Cert {
  id: string;
  status: string;
}

async function page(fetched: Cert[]) {
  const record = ref<Cert | null>(null);
  let loads = 0;
  const detail = useDetailLoad(() => 'c1', record, async () => fetched[Math.min(loads++, fetched.length - 1)]);
  await settle();
  return { record, detail, loads: () => loads };
}

describe('useDetailLoad step', () => {
  beforeEach(() => (told.length = 0));

  it('shows the answer of a step and says it is done, busy only while it runs', async () => {
    const { record, detail, loads } = await page([{ id: 'c1', status: 'valid' }]);
    const running = detail.step(async () => ({ id: 'c1', status: 'suspended' }), '状态已变更');
    expect(detail.busy.value).toBe(true);
    expect(await running).toBe(true);
    expect(detail.busy.value).toBe(false);
    expect(record.value?.status).toBe('suspended');
    expect(told).toEqual([{ kind: 'success', text: '状态已变更' }]);
    expect(loads()).toBe(1);
  });

  it('loads the record again when the step answers nothing', async () => {
    const { record, detail, loads } = await page([{ id: 'c1', status: 'valid' }, { id: 'c1', status: 'revoked' }]);
    expect(await detail.step(async () => undefined, '已确认作废')).toBe(true);
    expect(loads()).toBe(2);
    expect(record.value?.status).toBe('revoked');
  });

  it('a 409 (someone moved it on) reloads the record as it is now and says no success', async () => {
    const { record, detail } = await page([{ id: 'c1', status: 'valid' }, { id: 'c1', status: 'expired' }]);
    const ok = await detail.step(async () => {
      throw new ApiRequestError(409, 'CONFLICT' as never, '证书当前状态已变化');
    }, '状态已变更');
    expect(ok).toBe(false);
    expect(record.value?.status).toBe('expired');
    expect(told).toEqual([]);
    expect(detail.busy.value).toBe(false);
  });

  it('a refusal with field errors is said in one message, and the record stays', async () => {
    const { record, detail, loads } = await page([{ id: 'c1', status: 'valid' }]);
    const ok = await detail.step(async () => {
      throw new ApiRequestError(400, 'VALIDATION_FAILED' as never, '参数错误', [
        { field: 'reason', message: '原因不能为空' },
        { field: 'status', message: '状态不在规定的取值中' },
      ] as never);
    }, '状态已变更');
    expect(ok).toBe(false);
    expect(told).toEqual([{ kind: 'error', text: '原因不能为空；状态不在规定的取值中' }]);
    expect(record.value?.status).toBe('valid');
    expect(loads()).toBe(1);
  });

  it('does nothing while no record is shown', async () => {
    const record = ref<Cert | null>(null);
    const detail = useDetailLoad(() => 'c1', record, () => Promise.reject(new Error('down')));
    await settle();
    let ran = false;
    expect(await detail.step(async () => void (ran = true), '完成')).toBe(false);
    expect(ran).toBe(false);
  });
});
