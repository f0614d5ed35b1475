import { applyDecorators, createParamDecorator, ExecutionContext, HttpCode, Post, SetMetadata } from '@nestjs/common';
import type { Role } from '@cqo/contracts';

/** Who is asking: set on the request by the auth guard, passed by controllers to services. */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
  sessionId: string;
  regionCode: string | null;
  /** Materialised path of the user's region, e.g. `/420000/420100/`. */
  regionPath: string | null;
  enterpriseId: string | null;
  ip: string | null;
}

export interface RequestWithActor {
  actor?: Actor;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<RequestWithActor>();
  if (!req.actor) throw new Error('CurrentActor used on a route without the auth guard');
  return req.actor;
});

export const IS_PUBLIC = 'cqo:public';
/** A route anyone may call without signing in (sign-in itself, health, public verification pages). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const ROLES_KEY = 'cqo:roles';
/** Restricts a route to these roles; scope checks still apply inside the service. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * A POST that creates nothing (an action on something that exists — accept, return, void,
 * disable — or a preview / what-if): it answers 200, not 201. With `roles`, restricted to them
 * (else the controller's roles apply).
 */
export const Action = (path: string, ...roles: Role[]) =>
  roles.length ? applyDecorators(Post(path), HttpCode(200), Roles(...roles)) : applyDecorators(Post(path), HttpCode(200));

/**
 * A POST that starts work done later (an export or import job): it answers 202 with the job to
 * poll. With `roles`, restricted to them (else the controller's roles apply).
 */
export const Accepted = (path: string, ...roles: Role[]) =>
  roles.length ? applyDecorators(Post(path), HttpCode(202), Roles(...roles)) : applyDecorators(Post(path), HttpCode(202));

export function clientIp(req: { ip?: string; headers: Record<string, string | string[] | undefined> }): string | null {
  return req.ip ?? null;
}
