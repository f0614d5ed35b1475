import { computed, ref } from 'vue';
import type { UploadFile, UploadUserFile } from 'element-plus';
import { isXlsxName } from '@/utils/files';

// The workbook an import page is about to send (with <xlsx-upload v-model="fileList">): a chosen
// file that is not .xlsx is dropped at once, and sending checks that one is there.

export interface XlsxChoiceMessages {
  onlyXlsx: () => string;
  required: () => string;
}

export function useXlsxChoice(messages: XlsxChoiceMessages, onChoose?: () => void) {
  const fileList = ref<UploadUserFile[]>([]);
  /** The error under the file field (the API's, once sent, is shown next to it). */
  const fileError = ref('');
  const selected = computed<File | null>(() => fileList.value[0]?.raw ?? null);

  function onChange(file: UploadFile): void {
    onChoose?.();
    if (!isXlsxName(file.name)) {
      fileError.value = messages.onlyXlsx();
      fileList.value = [];
      return;
    }
    fileError.value = '';
  }

  /** The file to send, or null with the reason under the field. */
  function chosen(): File | null {
    fileError.value = '';
    const file = selected.value;
    if (!file) fileError.value = messages.required();
    else if (!isXlsxName(file.name)) fileError.value = messages.onlyXlsx();
    return fileError.value ? null : file;
  }

  return { fileList, fileError, selected, onChange, chosen };
}
