import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { FILE_JOB_STATUSES } from '@cqo/contracts';
import type { FileJobKind, FileJobStatus, ImportMode } from '@cqo/contracts';
import type { StatusTagOption } from '@cqo/web-ui';
import { statusTagType } from '@/utils/files';
import type { ParamsLabels } from '@/utils/files';

/** The translated words of the spreadsheet job pages. */
export function useFileLabels() {
  const { t } = useI18n();

  function statusLabel(status: FileJobStatus): string {
    switch (status) {
      case 'queued':
        return t('files.status.queued');
      case 'running':
        return t('files.status.running');
      case 'succeeded':
        return t('files.status.succeeded');
      case 'failed':
        return t('files.status.failed');
      case 'cancelled':
        return t('files.status.cancelled');
      default: {
        const unhandled: never = status;
        return String(unhandled);
      }
    }
  }

  function kindLabel(kind: FileJobKind): string {
    switch (kind) {
      case 'export-attachment':
        return t('files.kind.exportAttachment');
      case 'import-roster':
        return t('files.kind.importRoster');
      case 'import-training':
        return t('files.kind.importTraining');
      case 'export-list':
        return t('files.kind.exportList');
      default: {
        const unhandled: never = kind;
        return String(unhandled);
      }
    }
  }

  function modeLabel(mode: ImportMode): string {
    return mode === 'keep-valid' ? t('files.mode.keepValid') : t('files.mode.allOrNothing');
  }

  const statusOptions = computed(
    () =>
      Object.fromEntries(
        FILE_JOB_STATUSES.map((s) => [s, { type: statusTagType(s), label: statusLabel(s) }]),
      ) as Record<FileJobStatus, StatusTagOption>,
  );

  const paramsLabels = computed<ParamsLabels>(() => ({
    export: (values) => t('files.summary.export', values),
    asOf: (date) => t('files.summary.asOf', { date }),
    mode: modeLabel,
    dryRun: t('files.summary.dryRun'),
    commit: t('files.summary.commit'),
  }));

  return { statusLabel, kindLabel, modeLabel, statusOptions, paramsLabels };
}
