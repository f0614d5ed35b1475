import { nextTick, ref } from 'vue';
import { ApiRequestError } from '@/api/request';
import { useFormDialog, type DialogForm } from './use-form-dialog';

// The dialog's form, as the shell's template ref would hand it over: valid unless told otherwise.
const form = { valid: true, cleared: 0 };
const mockForm: DialogForm = {
  validate: (() => (form.valid ? Promise.resolve(true) : Promise.reject(new Error('invalid')))) as DialogForm['validate'],
  validateField: (() => Promise.resolve(true)) as DialogForm['validateField'],
  clearValidate: () => void form.cleared++,
  scrollToField: () => undefined,
};
const mockRefNames: string[] = [];
jest.mock('vue', () => ({
  ...jest.requireActual('vue'),
  useTemplateRef: (name: string) => {
    mockRefNames.push(name);
    return { value: mockForm };
  },
}));

// The request module's locale sets <html lang> on load; there is no document here.
jest.mock('@/locales', () => ({ getLocale: () => 'zh-CN', i18n: { global: { t: (key: string) => key, locale: { value: 'zh-CN' } } } }));
const toasts: string[] = [];
(globalThis as unknown as { ElMessage: unknown }).ElMessage = { error: (o: { message: string }) => toasts.push(o.message) };

const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  form.valid = true;
  form.cleared = 0;
  mockRefNames.length = 0;
  toasts.length = 0;
});

describe('useFormDialog', () => {
  it('resets the form and clears the errors each time the dialog opens', async () => {
    const open = ref(false);
    let resets = 0;
    const dialog = useFormDialog({ open, fields: ['reason'] as const, reset: () => resets++, send: async () => 'ok' });
    dialog.server.errors.reason = '原因不能为空';
    open.value = true;
    await nextTick();
    await settle();
    expect(resets).toBe(1);
    expect(dialog.server.errors.reason).toBeUndefined();
    expect(form.cleared).toBe(1);
    expect(mockRefNames).toEqual(['formRef']);
  });

  it('clearField takes away a field\'s rule message and its server error, and no other', () => {
    const dialog = useFormDialog({ open: ref(true), fields: ['reason', 'note'] as const, send: async () => 'ok' });
    dialog.server.errors.reason = '原因不能为空';
    dialog.server.errors.note = '备注过长';
    dialog.clearField('reason');
    expect(form.cleared).toBe(1);
    expect(dialog.server.errors.reason).toBeUndefined();
    expect(dialog.server.errors.note).toBe('备注过长');
  });

  it('sends a valid form, closes the dialog and hands the answer on', async () => {
    const open = ref(true);
    const done: string[] = [];
    const dialog = useFormDialog({ open, fields: [], send: async () => 'sent', done: (answer) => done.push(answer) });
    const submitting = dialog.submit();
    await settle();
    await submitting;
    expect(open.value).toBe(false);
    expect(done).toEqual(['sent']);
    expect(dialog.saving.value).toBe(false);
  });

  it('sends nothing while the form is invalid or nothing is ready', async () => {
    const open = ref(true);
    let sent = 0;
    const dialog = useFormDialog({ open, fields: [], ready: () => !form.valid, send: async () => sent++ });
    form.valid = false;
    await dialog.submit();
    form.valid = true;
    await dialog.submit();
    expect(sent).toBe(0);
    expect(open.value).toBe(true);
  });

  it('puts the API field errors under their items and keeps the dialog open', async () => {
    const open = ref(true);
    const dialog = useFormDialog({
      open,
      fields: ['reason'] as const,
      send: () => Promise.reject(new ApiRequestError(400, 'VALIDATION_FAILED', '参数错误', [{ field: 'reason', code: 'required', message: '原因不能为空' }])),
    });
    await dialog.submit();
    expect(dialog.server.errors.reason).toBe('原因不能为空');
    expect(open.value).toBe(true);
    expect(dialog.saving.value).toBe(false);
  });

  it('keeps the dialog open, and says nothing more, when the sender answers that it did not send (a detail page step)', async () => {
    const open = ref(true);
    let done = 0;
    const dialog = useFormDialog({ open, fields: [], send: async () => false as boolean, done: () => done++ });
    await dialog.submit();
    expect(open.value).toBe(true);
    expect(done).toBe(0);
    expect(toasts).toEqual([]);
    expect(dialog.saving.value).toBe(false);

    const closing = useFormDialog({ open, fields: [], refName: 'otherDialog', send: async () => true });
    await closing.submit();
    expect(open.value).toBe(false);
    expect(mockRefNames).toEqual(['formRef', 'otherDialog']);
  });

  it('leaves the dialog open after a success when closeOnSuccess is false', async () => {
    const open = ref(true);
    const done: number[] = [];
    const dialog = useFormDialog({ open, fields: [], closeOnSuccess: false, send: async () => 7, done: (n) => done.push(n) });
    await dialog.submit();
    expect(open.value).toBe(true);
    expect(done).toEqual([7]);
  });
});
