import type { RouteLocationRaw } from 'vue-router';
import type { CqoFilter, TargetCategory, ViolationType } from '@cqo/contracts';
import type { FilingSegment } from '@cqo/web-charts';
import { compactQuery } from '@/utils/route-query';

// Where the dashboard's numbers lead: the work lists behind them, with the region (and year)
// in their query so the list opens on exactly what was clicked.

export function dashboardLink(region: string, year: number, defaultYear: number): RouteLocationRaw {
  return { name: 'overview', query: compactQuery({ region, year: year === defaultYear ? '' : year }) };
}

export function enterprisesLink(region: string, filters: { aboveSize?: boolean; award?: boolean; cqo?: CqoFilter } = {}): RouteLocationRaw {
  return {
    name: 'enterprises',
    query: compactQuery({
      region,
      aboveSize: filters.aboveSize === undefined ? '' : String(filters.aboveSize),
      award: filters.award === undefined ? '' : String(filters.award),
      cqo: filters.cqo ?? '',
    }),
  };
}

/** Enterprises of a target category without a CQO (规上 / 中小 = not 规上 / 获奖). */
export function withoutCqoLink(region: string, category: TargetCategory): RouteLocationRaw {
  switch (category) {
    case 'aboveSize':
      return enterprisesLink(region, { aboveSize: true, cqo: 'none' });
    case 'sme':
      return enterprisesLink(region, { aboveSize: false, cqo: 'none' });
    case 'award':
      return enterprisesLink(region, { award: true, cqo: 'none' });
    default: {
      const unhandled: never = category;
      throw new Error(`Unknown target category ${String(unhandled)}`);
    }
  }
}

export function trainingShortfallLink(region: string, year: number): RouteLocationRaw {
  return { name: 'training-shortfall', query: compactQuery({ region, year }) };
}

/** The status filter of the annual report status page for a progress segment. */
const FILING_STATUS: Record<FilingSegment, string> = {
  accepted: 'accepted',
  awaitingReview: 'submitted',
  returned: 'returned',
  draft: 'draft',
  notStarted: 'not-started',
};

export function filingStatusLink(region: string, year: number, segment?: FilingSegment): RouteLocationRaw {
  return { name: 'annual-report-status', query: compactQuery({ region, year, status: segment ? FILING_STATUS[segment] : '' }) };
}

export function reviewQueueLink(region: string, year: number): RouteLocationRaw {
  return { name: 'annual-report-review', query: compactQuery({ region, year }) };
}

export function violationsLink(region: string, type?: ViolationType): RouteLocationRaw {
  return { name: 'violations', query: compactQuery({ region, status: 'open', type: type ?? '' }) };
}

/** The route name of a link, to check the role may open it before showing it as a link. */
export function routeNameOf(link: RouteLocationRaw): string {
  return typeof link === 'object' && 'name' in link && typeof link.name === 'string' ? link.name : '';
}
