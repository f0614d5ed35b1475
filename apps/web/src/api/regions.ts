import type { RegionNode } from '@cqo/contracts';
import { request } from './request';

/** The signed-in user's root region. 404 for roles without a region scope — the caller shows that. */
export function fetchRegionScope(): Promise<RegionNode> {
  return request<RegionNode>('GET', '/regions/scope', { silent: (error) => error.status === 404 });
}

export function fetchRegionChildren(code: string): Promise<RegionNode[]> {
  return request<RegionNode[]>('GET', `/regions/${encodeURIComponent(code)}/children`);
}
