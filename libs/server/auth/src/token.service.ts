import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, randomBytes } from 'node:crypto';
import { APP_CONFIG, Clock, type AppConfig } from '@cqo/server-common';
import { AppSettingsRepository } from '@cqo/server-database';

export interface AccessClaims {
  sub: string;
  sid: string;
  /** The session's token generation it was issued for: refresh takes only the current one (rotation, ASVS V3.3). */
  gen: number;
}

/** Tokens whose signature this process has checked and remembers (oldest forgotten first). */
const VERIFIED_TOKENS_MAX = 10_000;

export type VerifyResult = { ok: true; claims: AccessClaims & { exp: number } } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Short-lived signed access tokens. Outside production the signing secret is generated once and
 * kept in app_setting, so several processes on one database agree without configuration.
 */
@Injectable()
export class TokenService implements OnModuleInit {
  private jwt!: JwtService;
  private readonly verified = new Map<string, AccessClaims & { exp: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: AppSettingsRepository,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const secret = this.config.jwtSecret ?? (await this.storedSecret());
    // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse
    // it as a PEM public key on every verify, which was the largest CPU cost of a cached request.
    this.jwt = new JwtService({ secret: createSecretKey(Buffer.from(secret)), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  }

  /** The secret every process on this database signs with: the first process to start stores one. */
  private storedSecret(): Promise<string> {
    return this.settings.keepFirst('jwt_secret', randomBytes(48).toString('base64url'));
  }

  sign(claims: AccessClaims): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return this.jwt.sign({ ...claims, iat, exp: iat + this.config.accessTokenTtlSeconds });
  }

  /**
   * Checks the signature once per token and remembers the claims (a bounded map): a client sends
   * the same token for up to its lifetime, and the HMAC was a visible share of a cached request.
   * Expiry is checked against the clock on every call.
   */
  verify(token: string, opts: { ignoreExpiration?: boolean } = {}): VerifyResult {
    let claims = this.verified.get(token);
    if (!claims) {
      try {
        const c = this.jwt.verify<AccessClaims & { exp: number }>(token, { ignoreExpiration: true });
        if (typeof c.sub !== 'string' || typeof c.sid !== 'string' || typeof c.exp !== 'number') return { ok: false, reason: 'invalid' };
        // A token signed before rotation existed names no generation: the session's first.
        const gen = c.gen === undefined ? 0 : c.gen;
        if (typeof gen !== 'number' || !Number.isInteger(gen) || gen < 0) return { ok: false, reason: 'invalid' };
        claims = { sub: c.sub, sid: c.sid, gen, exp: c.exp };
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      this.verified.set(token, claims);
      if (this.verified.size > VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
    }
    // The same rule as jsonwebtoken's: expired from the second `exp` on.
    if (!opts.ignoreExpiration && Math.floor(this.clock.now().getTime() / 1000) >= claims.exp) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { sub: claims.sub, sid: claims.sid, gen: claims.gen, exp: claims.exp } };
  }
}
