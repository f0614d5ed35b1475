import { ref, useTemplateRef, watch, type Ref } from 'vue';
import type { FormInstance } from 'element-plus';
import { useServerErrors } from '../utils/server-errors';

// The shell every form dialog shares: the form is reset (and the API's field errors cleared) each
// time the dialog opens; submitting validates the form, sends the request once (the button shows
// it is saving), closes the dialog on success, and on failure puts the API's field errors under
// their form items (the rest as one toast) and keeps the dialog open with what was typed.

export interface FormDialogOptions<F extends string, T> {
  /** The dialog's v-model. */
  open: Ref<boolean>;
  /** Request properties whose API errors are shown under a form item. */
  fields: readonly F[];
  /** The template ref the dialog's form is bound to (default `formRef`); a page with two dialogs names each its own. */
  refName?: string;
  /** Puts the form back to its starting values (called, and awaited, each time the dialog opens). */
  reset?: () => unknown;
  /** Checked once the form is valid: false when there is nothing to send (e.g. no row chosen). */
  ready?: () => boolean;
  /**
   * The request. False means it did not happen and the sender has already said why (a detail page's
   * `step` from useDetailLoad: its toast, a 409's reload): the dialog stays open as it is.
   */
  send: () => Promise<T | false>;
  /** After a success, once the dialog is closed (see closeOnSuccess): the message and the event to the page. */
  done?: (result: T) => void;
  /**
   * False keeps the dialog open after a success: it goes on to show the result (an export's
   * progress), or `send` only hands the form to the page, which sends the request and closes it.
   */
  closeOnSuccess?: boolean;
}

/** What the dialog's form answers: an <el-form>, or the FormDialog shell that wraps one. */
export type DialogForm = Pick<FormInstance, 'validate' | 'validateField' | 'clearValidate' | 'scrollToField'>;

export function useFormDialog<F extends string, T>(options: FormDialogOptions<F, T>) {
  // The dialog's <form-dialog ref="formRef"> (or <el-form ref="formRef">), or the name given.
  const formRef = useTemplateRef<DialogForm>(options.refName ?? 'formRef');
  const saving = ref(false);
  const server = useServerErrors(options.fields);

  watch(options.open, async (value) => {
    if (!value) return;
    await options.reset?.();
    server.clear();
    formRef.value?.clearValidate();
  });

  async function submit(): Promise<void> {
    server.clear();
    const valid = await formRef.value?.validate().catch(() => false);
    if (!valid || (options.ready && !options.ready())) return;
    saving.value = true;
    try {
      const result = await options.send();
      if (result === false) return;
      if (options.closeOnSuccess !== false) options.open.value = false;
      options.done?.(result);
    } catch (error) {
      server.show(error);
    } finally {
      saving.value = false;
    }
  }

  /** As the user edits `field`: its rule's message and the server's refusal under it go. */
  function clearField(field: F): void {
    formRef.value?.clearValidate(field);
    server.clear(field);
  }

  /** formRef is the <el-form> for a dialog that validates single fields; bind it under another name. */
  return { formRef, saving, server, submit, clearField };
}
