import type { AwardCheckResponse } from '@cqo/contracts';
import { request } from './request';

/** 404 (no enterprise with that code in scope) and field errors are shown by the page itself. */
export function fetchAwardCheck(creditCode: string): Promise<AwardCheckResponse> {
  return request<AwardCheckResponse>('GET', '/award-check', {
    query: { creditCode },
    silent: (error) => error.status === 404 || error.details.length > 0,
  });
}
