import { computed, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiRequestError } from '../api/request';

// Reviewing a report in a drawer (SPEC §2 年报审核, 004 三(三) 市州年报): open one from the list,
// accept or return it with a reason, then reload the list. A 409 means someone else handled it
// first (the request client has shown the message): the drawer shows the report as it is now.
// With `rows` (issue 20 item 7) the drawer walks the list: previous / next, and after a report is
// accepted or returned it moves on to the next one; keys J/→ next, K/← previous, A 受理, R 退回.

export type ReviewMode = 'accept' | 'return';

export interface ReviewDrawerOptions<R, D extends { version: number }> {
  /** The report behind a row of the list. */
  fetch: (row: R) => Promise<D>;
  /** The same report read again (after a 409). */
  refetch: (report: D) => Promise<D>;
  review: (mode: ReviewMode, report: D, body: { version: number; reason?: string }) => Promise<D>;
  /** Reloads the list behind the drawer. */
  reload: () => Promise<void>;
  /** The list's rows as shown, and a row's key: the drawer can then step through them. */
  rows?: () => R[];
  key?: (row: R) => string;
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
  const current = ref<string | null>(null);
  const rows = () => options.rows?.() ?? [];
  const keyOf = (row: R) => options.key?.(row) ?? '';
  /** The open report's place in the list (0-based), or -1 when it is not on the page. */
  const position = computed(() => (current.value === null ? -1 : rows().findIndex((r) => keyOf(r) === current.value)));
  const total = computed(() => rows().length);
  const hasPrev = computed(() => position.value > 0);
  const hasNext = computed(() => position.value >= 0 && position.value < total.value - 1);

  async function openReport(row: R): Promise<void> {
    current.value = options.key ? keyOf(row) : null;
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

  function step(delta: number): Promise<void> {
    const next = rows()[position.value + delta];
    return next ? openReport(next) : Promise.resolve();
  }
  const prev = () => step(-1);
  const next = () => step(1);

  /** After a review: the next report of the reloaded list at the handled one's place (it has usually left the list). */
  async function moveOn(at: number): Promise<void> {
    if (!options.rows || at < 0) return;
    const list = rows();
    const stillThere = list.findIndex((r) => keyOf(r) === current.value);
    const target = stillThere >= 0 ? list[stillThere + 1] : (list[at] ?? null);
    if (target) await openReport(target);
  }

  function onKey(e: KeyboardEvent): void {
    // Only where the drawer walks a list (and its footer shows the keys).
    if (!options.rows || !detailOpen.value || reviewOpen.value || detailLoading.value || e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as HTMLElement | null;
    if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
    const k = e.key.toLowerCase();
    if (k === 'j' || k === 'arrowright') void next();
    else if (k === 'k' || k === 'arrowleft') void prev();
    else if ((k === 'a' || k === 'r') && (detail.value as { status?: string } | null)?.status === 'submitted') startReview(k === 'a' ? 'accept' : 'return');
    else return;
    e.preventDefault();
  }
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));

  function startReview(mode: ReviewMode): void {
    reviewMode.value = mode;
    reviewError.value = '';
    reviewOpen.value = true;
  }

  async function confirmReview(reason: string): Promise<void> {
    const report = detail.value as D | null;
    if (!report) return;
    const at = position.value;
    reviewing.value = true;
    reviewError.value = '';
    try {
      detail.value = await options.review(reviewMode.value, report, { version: report.version, reason: reason || undefined });
      reviewOpen.value = false;
      ElMessage.success(reviewMode.value === 'accept' ? t('filings.review.accepted') : t('filings.review.returned'));
      await options.reload();
      await moveOn(at);
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

  return { detailOpen, detail, detailLoading, reviewMode, reviewOpen, reviewing, reviewError, openReport, startReview, confirmReview, position, total, hasPrev, hasNext, prev, next };
}
