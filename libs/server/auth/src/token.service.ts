import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, Clock, type AppConfig } from '@cqo/server-common';

export interface AccessClaims {
  sub: string;
  sid: string;
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Short-lived signed access tokens. Outside production the signing secret is generated once and
 * kept in app_setting, so several processes on one database agree without configuration.
 */
@Injectable()
export class TokenService implements OnModuleInit {
  private jwt!: JwtService;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const secret = this.config.jwtSecret ?? (await this.storedSecret());
    // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse
    // it as a PEM public key on every verify, which was the largest CPU cost of a cached request.
    this.jwt = new JwtService({ secret: createSecretKey(Buffer.from(secret)), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  }

  private async storedSecret(): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO app_setting (key, value) VALUES ('jwt_secret', to_jsonb($1::text)) ON CONFLICT (key) DO NOTHING`,
      [randomBytes(48).toString('base64url')],
    );
    const [row] = await this.dataSource.query(`SELECT value #>> '{}' AS secret FROM app_setting WHERE key = 'jwt_secret'`);
    return row.secret as string;
  }

  sign(claims: AccessClaims): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return this.jwt.sign({ ...claims, iat, exp: iat + this.config.accessTokenTtlSeconds });
  }

  verify(token: string, opts: { ignoreExpiration?: boolean } = {}): VerifyResult {
    try {
      const claims = this.jwt.verify<AccessClaims & { exp: number }>(token, {
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
        ignoreExpiration: opts.ignoreExpiration ?? false,
      });
      if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return { ok: false, reason: 'invalid' };
      return { ok: true, claims: { sub: claims.sub, sid: claims.sid } };
    } catch (err) {
      return { ok: false, reason: (err as Error).name === 'TokenExpiredError' ? 'expired' : 'invalid' };
    }
  }
}
