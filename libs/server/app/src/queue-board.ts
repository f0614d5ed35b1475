import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { Action, APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { AuthService, bearerToken, TokenService } from '@cqo/server-auth';
import { QueueHandles } from '@cqo/server-queue';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'cqo_board';

/**
 * The board is a plain page, so it cannot send the bearer token: an admin first asks for a board
 * session, which puts the access token in an HttpOnly cookie limited to the board's path.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/queues')
export class QueueBoardController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Action('session', 'admin')
  session(@Req() req: Request, @Res({ passthrough: true }) res: Response): { url: string } {
    res.cookie(COOKIE, bearerToken(req as never) ?? '', {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: QUEUE_BOARD_PATH,
      maxAge: this.config.accessTokenTtlSeconds * 1000,
    });
    return { url: `${QUEUE_BOARD_PATH}/` };
  }
}

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** Mounts Bull Board at /admin/queues for admins only (anyone else gets 404, like a role-guarded route). */
export function mountQueueBoard(app: NestExpressApplication): void {
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: app.get(QueueHandles).queues.map((q) => new BullAdapter(q)), serverAdapter: board });
  const tokens = app.get(TokenService);
  const auth = app.get(AuthService);
  const guard = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const v = tokens.verify(cookieValue(req, COOKIE) ?? '');
      if (v.ok) {
        const { user } = await auth.liveSession(v.claims.sid, { ip: req.ip ?? null, userAgent: null });
        if (user.role === 'admin') {
          res.setHeader(
            'Content-Security-Policy',
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:",
          );
          return next();
        }
      }
    } catch {
      // an ended session is the same as none
    }
    res.status(404).type('text/plain').send('Not Found');
  };
  app.use(QUEUE_BOARD_PATH, guard, board.getRouter());
}
