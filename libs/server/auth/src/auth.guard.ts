import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { AppException, IS_PUBLIC, ROLES_KEY, type Actor, type RequestWithActor } from '@cqo/server-common';
import { RegionsService } from '@cqo/server-regions';
import { AuthService } from './auth.service';
import { TokenService } from './token.service';

export function bearerToken(req: RequestWithActor): string | null {
  const h = req.headers['authorization'];
  const v = Array.isArray(h) ? h[0] : h;
  return v?.startsWith('Bearer ') ? v.slice(7).trim() : null;
}

const ALLOWED_BEFORE_PASSWORD_CHANGE = 'cqo:allowedBeforePasswordChange';
/**
 * A route a user who must change the password may still use (me, password, logout); every other
 * route answers 403 PASSWORD_CHANGE_REQUIRED until the change (ASVS V2.5.1).
 */
export const AllowedBeforePasswordChange = () => SetMetadata(ALLOWED_BEFORE_PASSWORD_CHANGE, true);

interface RouteRules {
  isPublic: boolean;
  roles: Role[] | undefined;
  beforePasswordChange: boolean;
}

/**
 * The one guard in front of every route: a valid short-lived token, a live session, and the
 * route's roles. A role that may not use a route gets 404, the same as a foreign id.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
  ) {}

  /** A route's decorators, read once per controller and handler (they never change after start). */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteRules>>();

  private route(ctx: ExecutionContext): RouteRules {
    const handler = ctx.getHandler();
    const controller = ctx.getClass();
    let byHandler = this.routes.get(controller);
    if (!byHandler) this.routes.set(controller, (byHandler = new WeakMap()));
    let r = byHandler.get(handler);
    if (!r) {
      const targets = [handler, controller];
      r = {
        isPublic: !!this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets),
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
        beforePasswordChange: !!this.reflector.getAllAndOverride<boolean>(ALLOWED_BEFORE_PASSWORD_CHANGE, targets),
      };
      byHandler.set(handler, r);
    }
    return r;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const route = this.route(ctx);
    if (route.isPublic) return true;

    const req = ctx.switchToHttp().getRequest<RequestWithActor & { method: string; originalUrl?: string; url: string }>();
    const token = bearerToken(req);
    if (!token) throw new AppException(401, 'UNAUTHENTICATED', '请先登录');
    const v = this.tokens.verify(token);
    if (!v.ok) {
      throw v.reason === 'expired'
        ? new AppException(401, 'TOKEN_EXPIRED', '登录凭证已过期，请刷新')
        : new AppException(401, 'UNAUTHENTICATED', '请先登录');
    }
    const ip = req.ip ?? null;
    const { session, user } = await this.auth.liveSession(v.claims.sid, { ip, userAgent: null });
    const region = user.regionCode ? await this.regions.find(user.regionCode) : null;
    const actor: Actor = {
      userId: user.id,
      username: user.username,
      role: user.role,
      sessionId: session.id,
      regionCode: user.regionCode,
      regionPath: region?.path ?? null,
      enterpriseId: user.enterpriseId,
      ip,
    };
    req.actor = actor;

    if (user.mustChangePassword && !route.beforePasswordChange) {
      throw new AppException(403, 'PASSWORD_CHANGE_REQUIRED', '首次登录或密码被重置后须先修改密码，修改后才能使用其他功能');
    }

    const { roles } = route;
    if (roles && !roles.includes(actor.role)) {
      await this.audit.record({ actor, ip, action: 'access.route', objectType: 'route', objectId: `${req.method} ${(req.originalUrl ?? req.url).split('?')[0]}`.slice(0, 64), result: 'denied' });
      throw AppException.notFound();
    }
    return true;
  }
}
