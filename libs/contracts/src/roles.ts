/** SPEC §1: every user has exactly one role, bound to a region or an enterprise. */
export const ROLES = ['enterprise', 'county', 'city', 'province', 'evaluator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose scope is a region subtree (the rest are bound to an enterprise or the system). */
export const REGION_ROLES: readonly Role[] = ['county', 'city', 'province'];

/** Region levels: 1 province, 2 市州, 3 县市区. */
export type RegionLevel = 1 | 2 | 3;
