import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiRequestError } from '../api/request';

// Reviewing a report in a drawer (SPEC §2 年报审核, 004 三(三) 市州年报): open one from the list,
// accept or return it with a reason, then reload the list. A 409 means someone else handled it
// first (the request client has shown the message): the drawer shows the report as it is now.

export type ReviewMode = 'accept' | 'return';

export interface ReviewDrawerOptions<R, D extends { version: number }> {
  /** The report behind a row of the list. */
  fetch: (row: R) => Promise<D>;
  /** The same report read again (after a 409). */
  refetch: (report: D) => Promise<D>;
  review: (mode: ReviewMode, report: D, body: { version: number; reason?: string }) => Promise<D>;
  /** Reloads the list behind the drawer. */
  reload: () => Promise<void>;
}

export function useReviewDrawer<R, D extends { version: number }>(options: ReviewDrawerOptions<R, D>) {
  const { t } = useI18n();
  const detailOpen = ref(false);
  const detail = ref<D | null>(null);
  const detailLoading = ref(false);
  const reviewMode = ref<ReviewMode>('accept');
  const reviewOpen = ref(false);
  const reviewing = ref(false);
  const reviewError = ref('');

  async function openReport(row: R): Promise<void> {
    detailOpen.value = true;
    detail.value = null;
    detailLoading.value = true;
    try {
      detail.value = await options.fetch(row);
    } catch {
      detailOpen.value = false;
    } finally {
      detailLoading.value = false;
    }
  }

  function startReview(mode: ReviewMode): void {
    reviewMode.value = mode;
    reviewError.value = '';
    reviewOpen.value = true;
  }

  async function confirmReview(reason: string): Promise<void> {
    const report = detail.value as D | null;
    if (!report) return;
    reviewing.value = true;
    reviewError.value = '';
    try {
      detail.value = await options.review(reviewMode.value, report, { version: report.version, reason: reason || undefined });
      reviewOpen.value = false;
      ElMessage.success(reviewMode.value === 'accept' ? t('filings.review.accepted') : t('filings.review.returned'));
      await options.reload();
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 409) {
        reviewOpen.value = false;
        detail.value = await options.refetch(report).catch(() => null);
        await options.reload();
      } else if (error instanceof ApiRequestError && error.details.length) {
        reviewError.value = error.detailFor('reason') ?? error.details.map((d) => d.message).join('；');
      }
    } finally {
      reviewing.value = false;
    }
  }

  return { detailOpen, detail, detailLoading, reviewMode, reviewOpen, reviewing, reviewError, openReport, startReview, confirmReview };
}
